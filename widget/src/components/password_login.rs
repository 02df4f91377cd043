//! The identifier + password form, first step of the password and one-time code methods.
//! Renders [`state::password_login`](crate::state::password_login).

use super::error_message::error_message;
use super::forgot_password::forgot_password;
use super::form::submit_button;
use super::password_field::{password_field, PasswordFieldProps};
use crate::api::{Api, LoginOutcome};
use crate::captcha;
use crate::dom;
use crate::hooks::use_effect_on::use_effect_on;
use crate::hooks::use_focus_on_mount::use_focus_on_mount;
use crate::hooks::use_uid::use_uid;
use crate::state::account::Forgot;
use crate::state::password_login::{Action, PasswordLogin, Prefill, PrefillSlot};
use crate::state::problem::Problem;
use crate::submit_flow::submit_flow;
use crate::texts::T;
use crate::view::prelude::*;
use sesame_core::captcha::{CaptchaRequired, CaptchaStart};
use sesame_core::{ApiError, ErrorCode, Lang, Method, PortalConfig, Secret, Step};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlFormElement, HtmlInputElement};

/// What [`use_password_login`] shows.
pub struct PasswordLoginFormProps {
    /// The portal.
    pub config: Rc<PortalConfig>,
    /// Interface language.
    pub lang: Lang,
    /// The portal API.
    pub api: Api,
    /// The method whose first step this is (its label titles the form; the server runs its
    /// steps): [`Method::Password`] or [`Method::Otp`].
    pub method: Method,
    /// Logged in, or a code step follows.
    pub onlogin: Callback<LoginOutcome>,
    /// The portal refused or could not be reached (the form shows it too).
    pub onerror: Callback<ApiError>,
    /// Whether to focus the identifier field on mount (just logged out).
    pub autofocus: bool,
    /// What the first paint held, taken by the first form that mounts.
    pub prefill: PrefillSlot,
    /// "Forgotten password?" or "Forgotten identifier?" pressed, where the portal offers the
    /// journey in the widget (`account` in its configuration).
    pub onforgot: Callback<Forgot>,
}

/// Taking over the first paint: focus where the person was, caret at the end, and send what
/// they already submitted.
fn take_over(prefill: Prefill, form: Element) {
    if let Some(name) = prefill.focus {
        let input = form
            .query_selector(&dom::field(name))
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<HtmlInputElement>().ok());
        if let Some(input) = input {
            let _ = input.focus();
            let end = input.value().encode_utf16().count() as u32;
            let _ = input.set_selection_range(end, end);
        }
    }
    if prefill.submit {
        if let Ok(form) = form.dyn_into::<HtmlFormElement>() {
            let _ = form.request_submit();
        }
    }
}

fn dispatch_retry(state: &UseReducerHandle<PasswordLogin>) -> Callback<MouseEvent> {
    let state = state.clone();
    Callback::from(move |_: MouseEvent| state.dispatch(Action::CaptchaRetry))
}

/// The "not a robot" step: what it is, the hosted provider's box (`into`, filled by its
/// script), the progress of a proof of work, and the outcome in a polite region; after a
/// failure, why and a button to do it again.
#[inline(never)]
fn captcha_status(
    state: &PasswordLogin,
    lang: Lang,
    into: NodeRef,
    onretry: Callback<MouseEvent>,
) -> Html {
    let c = &state.captcha;
    let said = match (c.failed, c.solving, c.expired, c.solution.is_some()) {
        (Some(code), ..) => code.text(lang),
        (None, true, ..) => T::CaptchaChecking.get(lang),
        (None, false, true, _) => ErrorCode::CaptchaExpired.text(lang),
        (None, false, false, true) => T::CaptchaDone.get(lang),
        (None, false, false, false) => "",
    };
    el("div")
        .class(dom::class::CAPTCHA)
        .child(
            el("p")
                .class("sesame-captcha-title")
                .text(T::NotARobot.get(lang)),
        )
        // Left to the provider's script: no children rendered here.
        .child(el("div").class("sesame-captcha-box").node_ref(&into))
        .child(when(c.solving && c.progress > 0, || {
            el("progress")
                .attr("max", "100")
                .attr("value", c.progress.to_string())
                .attr("aria-label", T::CaptchaChecking.get(lang))
                .into()
        }))
        .child(el("p").attr("role", "status").text(said))
        .child(when(c.failed.is_some(), || {
            el("button")
                .attr("type", "button")
                .class("sesame-secondary")
                .attr("data-action", dom::action::CAPTCHA_RETRY)
                .on("click", onretry)
                .text(T::CaptchaRetry.get(lang))
                .into()
        }))
        .into()
}

/// `form[data-form="password"]`: the form's body, rendered in the widget by the one component
/// type of [`part`](super::part).
pub(crate) fn use_password_login(props: &PasswordLoginFormProps) -> Html {
    // Held until the first effect, which drops it: the typed password does not outlive its use.
    let prefill = use_mut_ref(|| props.prefill.take());
    // A captcha asked at every login is due from the start: a proof of work is solved while
    // the person types, a hosted box shown at once. (Which of the two, the portal says.)
    let captcha_always = props
        .config
        .offer(props.method)
        .is_some_and(|o| o.steps().contains(&Step::Captcha))
        && props
            .config
            .captcha
            .as_ref()
            .is_some_and(|c| c.required == CaptchaRequired::Always);
    let state =
        use_reducer(|| PasswordLogin::from_prefill(prefill.borrow().as_ref(), captcha_always));
    let uid = use_uid();
    let identifier_ref = use_focus_on_mount(props.autofocus);
    let form_ref = use_node_ref();
    {
        // The first paint, taken over once (and the password it held dropped).
        let (form_ref, prefill) = (form_ref.clone(), prefill.clone());
        use_effect_on(
            (),
            Box::new(move |_: &()| {
                let taken = prefill.borrow_mut().take();
                if let (Some(prefill), Some(form)) = (taken, form_ref.cast::<Element>()) {
                    take_over(prefill, form);
                }
                Box::new(())
            }),
        );
    }
    let lang = props.lang;
    let config = &props.config;
    let rule = &config.identifier.rule;
    let method = props.method;
    let offer = config.offer(method);
    let captcha_box = use_node_ref();
    // The hosted provider's box once rendered: reset for each new login, not rendered again.
    let hosted = use_mut_ref(|| None::<captcha::Hosted>);
    {
        // A challenge whenever one is wanted: at first, after each login sent, after a retry.
        let (state_, api, onerror) = (state.clone(), props.api.clone(), props.onerror.clone());
        let (portal, lang, into, hosted) = (
            props.config.id.clone(),
            props.lang,
            captcha_box.clone(),
            hosted.clone(),
        );
        use_effect_on(
            state.captcha.wants_solving(),
            Box::new(move |wanted: &bool| {
                if *wanted {
                    if let Some(shown) = hosted.borrow().as_ref() {
                        shown.reset();
                        state_.dispatch(Action::CaptchaShown);
                        return Box::new(());
                    }
                    state_.dispatch(Action::CaptchaSolving);
                    let (state, onerror) = (state_.clone(), onerror.clone());
                    spawn_local(async move {
                        let solved = match api.captcha_start(&portal).await {
                            Err(e) => Err(e.code),
                            Ok(CaptchaStart::ProofOfWork(challenge)) => {
                                let tell = state.clone();
                                // Each dispatch re-renders the form: every 5 points, not
                                // every batch.
                                let shown = std::cell::Cell::new(0u8);
                                let progress = move |p: f64| {
                                    let percent = (p * 100.0) as u8;
                                    if percent >= shown.get().saturating_add(5) {
                                        shown.set(percent);
                                        tell.dispatch(Action::CaptchaProgress(percent));
                                    }
                                };
                                captcha::proof_of_work(challenge, progress)
                                    .await
                                    .map(Action::CaptchaSolved)
                            }
                            Ok(CaptchaStart::Hosted(provider)) => {
                                let (tell, box_) = (state.clone(), into.cast::<Element>());
                                let on = move |said| {
                                    tell.dispatch(match said {
                                        captcha::Said::Token(t) => Action::CaptchaSolved(t),
                                        captcha::Said::Expired => Action::CaptchaExpired,
                                        captcha::Said::Failed => {
                                            Action::CaptchaFailed(ErrorCode::CaptchaUnavailable)
                                        }
                                    })
                                };
                                match box_ {
                                    Some(box_) => captcha::hosted(&provider, &box_, lang, on)
                                        .await
                                        .map(|shown| {
                                            *hosted.borrow_mut() = Some(shown);
                                            Action::CaptchaShown
                                        }),
                                    None => Err(ErrorCode::CaptchaUnavailable),
                                }
                            }
                        };
                        match solved {
                            Ok(action) => state.dispatch(action),
                            Err(code) => {
                                state.dispatch(Action::CaptchaFailed(code));
                                // The page hears it as it hears a refused login.
                                onerror.emit(ApiError::new(code));
                            }
                        }
                    });
                }
                Box::new(())
            }),
        );
    }
    {
        // An expired token: the box is cleared and asks again.
        let hosted = hosted.clone();
        use_effect_on(
            state.captcha.expired,
            Box::new(move |expired: &bool| {
                if let (true, Some(shown)) = (*expired, hosted.borrow().as_ref()) {
                    shown.reset();
                }
                Box::new(())
            }),
        );
    }
    let (title_id, ident_id, hint_id) = (
        format!("{uid}-title"),
        format!("{uid}-identifier"),
        format!("{uid}-identifier-hint"),
    );

    let onsubmit = {
        let (api, portal, rule) = (props.api.clone(), config.id.clone(), rule.clone());
        submit_flow(
            state.clone(),
            move |s: &PasswordLogin| s.prepare(&portal, &rule, method),
            move |request| {
                let api = api.clone();
                async move { api.login_password(&request).await }
            },
            props.onlogin.clone(),
            props.onerror.clone(),
        )
    };
    // Pressed before the check is solved: sent as soon as it is (no error for being quick; after
    // a failure, the check is tried again first).
    let onsubmit = {
        let (state, portal, rule) = (state.clone(), config.id.clone(), rule.clone());
        Callback::from(move |e: SubmitEvent| {
            // The fields are checked first: a mistake is said at once, not after the check.
            let unsolved = Err(Problem::Api(ErrorCode::CaptchaRequired));
            if !state.captcha.hosted && state.prepare(&portal, &rule, method) == unsolved {
                e.prevent_default();
                state.dispatch(Action::CaptchaQueue);
            } else {
                onsubmit.emit(e);
            }
        })
    };
    {
        let form_ref = form_ref.clone();
        use_effect_on(
            state.captcha.queued && state.captcha.solution.is_some(),
            Box::new(move |ready: &bool| {
                if *ready {
                    if let Some(form) = form_ref.cast::<HtmlFormElement>() {
                        let _ = form.request_submit();
                    }
                }
                Box::new(())
            }),
        );
    }
    let dispatch = |f: fn(String) -> Action| {
        let state = state.clone();
        Callback::from(move |value: String| state.dispatch(f(value)))
    };
    let on_identifier = dispatch(Action::Identifier)
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let on_identifier_change = dispatch(Action::Identifier)
        .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().value());
    let on_password = dispatch(|v| Action::Password(Secret::new(v)));
    let on_toggle = {
        let state = state.clone();
        Callback::from(move |()| state.dispatch(Action::ToggleShow))
    };
    let on_caps = {
        let state = state.clone();
        Callback::from(move |on| state.dispatch(Action::CapsLock(on)))
    };
    let on_forgot = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::ToggleForgot))
    };

    let hint = rule.hint(lang);
    let links = &config.links;
    let busy = state.submission.submitting || state.captcha.queued;
    el("form")
        .attr("data-form", dom::form::PASSWORD)
        .class("sesame-form")
        .flag("novalidate", true)
        .attr("method", "post")
        .node_ref(&form_ref)
        .attr("aria-labelledby", title_id.clone())
        .on("submit", onsubmit)
        .child(
            el("h3").id(title_id).class("sesame-form-title").text(
                offer
                    .map(|o| o.label.get(lang))
                    .unwrap_or(T::LogIn.get(lang))
                    .to_owned(),
            ),
        )
        .child(offer.and_then(|o| o.notice.as_ref()).map(|notice| {
            el("p")
                .class("sesame-notice")
                .child(
                    el("span")
                        .class("sesame-notice-icon")
                        .attr("aria-hidden", "true")
                        .text("i"),
                )
                .text(notice.get(lang).to_owned())
        }))
        .child(
            el("div")
                .class("sesame-field")
                .child(
                    el("label")
                        .attr("for", ident_id.clone())
                        .text(config.identifier.label.get(lang).to_owned()),
                )
                .child(
                    el("input")
                        .id(ident_id)
                        .node_ref(&identifier_ref)
                        .attr("name", dom::field::IDENTIFIER)
                        .attr("type", "text")
                        .attr("autocomplete", "username")
                        .attr("spellcheck", "false")
                        .attr("autocapitalize", "off")
                        .attr("autocorrect", "off")
                        .attr("inputmode", rule.input_mode())
                        .attr("aria-required", "true")
                        .attr_opt("aria-describedby", hint.is_some().then(|| hint_id.clone()))
                        .value(state.identifier.clone())
                        .on("input", on_identifier)
                        .on("change", on_identifier_change),
                )
                .child(hint.map(|hint| el("p").class("sesame-hint").id(hint_id).text(hint))),
        )
        .child(password_field(PasswordFieldProps {
            id: format!("{uid}-password").into(),
            name: dom::field::PASSWORD.into(),
            label: T::Password.get(lang).into(),
            autocomplete: "current-password".into(),
            value: state.password.expose().to_owned().into(),
            shown: state.show_password,
            ontoggle: on_toggle,
            oninput: on_password,
            caps_lock: state.caps_lock,
            oncapslock: on_caps,
            describedby: None,
            inputmode: config.password.input_mode().into(),
            lang,
        }))
        .child(when(state.captcha.due, || {
            captcha_status(&state, lang, captcha_box, dispatch_retry(&state))
        }))
        .child(
            state
                .submission
                .problem
                .as_ref()
                .map(|problem| error_message(problem, lang, Some(&config.support))),
        )
        .child(submit_button(
            if busy {
                T::LoggingIn.get(lang)
            } else {
                T::LogIn.get(lang)
            },
            busy,
        ))
        .child(forgot_password(
            config,
            lang,
            format!("{uid}-forgot"),
            state.forgot_open,
            on_forgot,
            &props.onforgot,
        ))
        .child(if config.account.forgot_identifier {
            el("p")
                .class("sesame-link")
                .child(
                    el("button")
                        .attr("type", "button")
                        .class("sesame-link-button")
                        .attr("data-action", dom::action::FORGOT_IDENTIFIER)
                        .on(
                            "click",
                            props.onforgot.reform(|_: MouseEvent| Forgot::Identifier),
                        )
                        .text(T::ForgotIdentifier.get(lang)),
                )
                .into()
        } else if let Some(link) = &links.forgot_identifier {
            el("p")
                .class("sesame-link")
                .child(
                    el("a")
                        .attr("href", link.clone())
                        .text(T::ForgotIdentifier.get(lang)),
                )
                .into()
        } else {
            Html::Empty
        })
        .child(links.create_account.as_ref().map(|link| {
            el("p").class("sesame-link").child(
                el("a")
                    .attr("href", link.clone())
                    .text(T::CreateAccount.get(lang)),
            )
        }))
        .into()
}
