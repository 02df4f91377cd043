//! `LoginWidget`: the portal's header, the language switch, the method chooser or the one
//! method that works, then the session panel.

use super::account::journey_view;
use super::code_step::CodeStepFormProps;
use super::cps_login::MethodStepProps;
use super::error_message::error_message;
use super::extension_offer::ExtensionOfferProps;
use super::method_chooser::method_chooser;
use super::oidc_step::{oidc_step, return_to, take_link, take_return};
use super::part::{part, Part};
use super::password_login::PasswordLoginFormProps;
use super::session_panel::SessionPanelProps;
use super::support_contact::support_contact;
use crate::api::{Api, LoginOutcome};
use crate::dom;
use crate::english;
use crate::hooks::use_accent::use_accent;
use crate::hooks::use_effect_on::use_effect_on;
use crate::hooks::use_uid::use_uid;
use crate::state::password_login::{Prefill, PrefillSlot};
use crate::state::widget::{working_methods, Action, Focus, Notice, View, WidgetState};
use crate::texts::T;
use crate::view::prelude::*;
use sesame_core::account::LinkRequest;
use sesame_core::api::SessionInfo;
use sesame_core::oidc::OidcStartRequest;
use sesame_core::{ApiError, ErrorCode, Lang, Method, PortalConfig};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// What the login widget is given.
#[derive(Clone)]
pub struct LoginWidgetProps {
    /// The portal (a preset: `Rc::new(PortalConfig::spico())`, or loaded from JSON).
    pub config: Rc<PortalConfig>,
    /// The portal API's base URL (`/api` by default).
    pub api_base: AttrValue,
    /// The starting language (the person can switch).
    pub lang: Lang,
    /// Logged in, or a session was found on load.
    pub onlogin: Callback<SessionInfo>,
    /// Logged out.
    pub onlogout: Callback<()>,
    /// The portal refused or could not be reached; `message` is the text shown, in the
    /// current language.
    pub onerror: Callback<ApiError>,
    /// What a first paint held (the `<sesame-login>` loader's plain form), for the password
    /// form to take over.
    pub prefill: PrefillSlot,
    /// Where to install the Sésame extension from: with it, the widget offers the extension
    /// (install hint, or a one-click bookmark); without it, nothing.
    pub extension: Option<AttrValue>,
}

impl LoginWidgetProps {
    /// The widget for `config`, in French, with the API at `/api`, no callbacks, no first
    /// paint and no extension offer: change the fields as needed.
    pub fn new(config: Rc<PortalConfig>) -> Self {
        LoginWidgetProps {
            config,
            api_base: AttrValue::Borrowed("/api"),
            lang: Lang::Fr,
            onlogin: Callback::default(),
            onlogout: Callback::default(),
            onerror: Callback::default(),
            prefill: PrefillSlot::default(),
            extension: None,
        }
    }
}

/// The login widget, `section.sesame`: what the `<sesame-login>` element mounts, as a
/// [`part`](super::part).
pub(crate) fn use_login_widget(props: &LoginWidgetProps) -> Html {
    let config = props.config.clone();
    // English on demand: French until the English texts are there (`set_lang` fetches them).
    let start = if english::loaded() {
        props.lang
    } else {
        Lang::Fr
    };
    let state = use_reducer(|| WidgetState::new(working_methods(&config), start));
    let api = Api::new(props.api_base.clone());
    let root = use_node_ref();
    let uid = use_uid();
    let lang = state.lang;

    {
        let state = state.clone();
        use_effect_with(props.lang, move |lang| set_lang(&state, *lang));
    }
    {
        let state = state.clone();
        use_effect_with(config.clone(), move |config| {
            state.dispatch(Action::Configure(working_methods(config)))
        });
    }
    use_accent(root.clone(), config.theme.accent.clone());
    let logged_in = {
        let (state, onlogin) = (state.clone(), props.onlogin.clone());
        Callback::from(move |session: SessionInfo| {
            state.dispatch(Action::LoggedIn(session.clone()));
            // The page hears of a session once it is ready (terms accepted, establishment
            // chosen): the panel asks for what remains first.
            if session.is_ready() {
                onlogin.emit(session);
            }
        })
    };
    let password_done = {
        let (state, logged_in) = (state.clone(), logged_in.clone());
        Callback::from(move |outcome| match outcome {
            LoginOutcome::Session(session) => logged_in.emit(session),
            LoginOutcome::Code(step) => state.dispatch(Action::CodeRequired(step)),
        })
    };
    {
        // Back from Pro Santé Connect or the SSO without a session: that step, saying why.
        // Opened from an e-mail's link: what the link is for. Both come in the address's
        // fragment: read at once, and again when only the fragment changes (a link pasted
        // into the tab where the portal is open loads no new page).
        let (state, api, report) = (state.clone(), api.clone(), props.onerror.clone());
        use_effect_on(
            (),
            Box::new(move |_: &()| {
                let read = move || {
                    if let Some((method, code)) = take_return() {
                        state.dispatch(Action::Returned(method, code));
                    }
                    if let Some(token) = take_link() {
                        state.dispatch(Action::LinkOpened(token.clone()));
                        let (state, api, report) = (state.clone(), api.clone(), report.clone());
                        spawn_local(async move {
                            match api.link(&LinkRequest { token }).await {
                                Ok(info) => state.dispatch(Action::LinkRead(info)),
                                Err(e) => {
                                    state.dispatch(Action::LinkFailed(e.code));
                                    report.emit(e);
                                }
                            }
                        });
                    }
                };
                read();
                Box::new(web_sys::window().map(|window| {
                    let listener = Closure::<dyn Fn()>::new(read);
                    let _ = window.add_event_listener_with_callback(
                        "hashchange",
                        listener.as_ref().unchecked_ref(),
                    );
                    HashListener(window, listener)
                }))
            }),
        );
    }
    {
        // A session may already exist (page reload, back from a provider): show it, if it is
        // this portal's. The page hears of it once it is ready (an establishment chosen).
        let (state, onlogin) = (state.clone(), props.onlogin.clone());
        let portal = config.id.clone();
        use_effect_with((api.clone(), portal), move |(api, portal)| {
            let (api, portal) = (api.clone(), portal.clone());
            spawn_local(async move {
                if let Ok(Some(session)) = api.session().await {
                    if session.portal == portal {
                        state.dispatch(Action::SessionFound(session.clone()));
                        if session.is_ready() {
                            onlogin.emit(session);
                        }
                    }
                }
            });
        });
    }
    let report = props.onerror.reform(move |mut error: ApiError| {
        error.message = error.code.text(lang).to_owned();
        error
    });
    let session_error = |to_action: fn(ErrorCode) -> Action| {
        let (state, report) = (state.clone(), report.clone());
        Callback::from(move |error: ApiError| {
            state.dispatch(to_action(error.code));
            report.emit(error);
        })
    };
    let logged_out = {
        let (state, onlogout) = (state.clone(), props.onlogout.clone());
        Callback::from(move |()| {
            state.dispatch(Action::LoggedOut);
            onlogout.emit(());
        })
    };
    let dispatcher: Callback<Action> = {
        let state = state.clone();
        Callback::from(move |action| state.dispatch(action))
    };
    let switch_lang = {
        let (state, other) = (state.clone(), lang.other());
        Callback::from(move |_: MouseEvent| {
            if !state.english_pending {
                set_lang(&state, other)
            }
        })
    };
    let support = Rc::new(config.support.clone());
    // The provider step, the journeys' small form and the chooser are functions, not parts:
    // their first control (the provider's button, the form's field, the first method) takes
    // focus from here when it replaces the button that had it.
    let first_control = use_node_ref();
    {
        let first_control = first_control.clone();
        let take = matches!(
            (state.focus, state.view()),
            (
                Some(Focus::LoginForm),
                View::Method(Method::ProSanteConnect | Method::RegionalSso)
            ) | (Some(Focus::Journey), View::Journey)
                | (Some(Focus::Chooser), View::Chooser)
        );
        use_effect_on(
            take,
            Box::new(move |&take: &bool| {
                if let (true, Some(button)) = (take, first_control.cast::<web_sys::HtmlElement>()) {
                    let _ = button.focus();
                }
                Box::new(())
            }),
        );
    }

    let body = match state.view() {
        View::Session => part(Part::Session(SessionPanelProps {
            session: state.session.clone().expect("session view"),
            config: config.clone(),
            lang,
            api: api.clone(),
            changing: state.changing_password,
            autofocus: state.focus == Some(Focus::Session),
            ontogglechange: dispatcher.reform(|open| {
                if open {
                    Action::OpenChangePassword
                } else {
                    Action::CloseChangePassword
                }
            }),
            onlogout: logged_out,
            onchosen: logged_in.clone(),
            ondeclined: dispatcher.reform(|()| Action::TermsDeclined),
            onerror: session_error(Action::Failed),
            onchangeerror: session_error(Action::ChangePasswordFailed),
        })),
        View::Method(method @ (Method::Password | Method::Otp)) => {
            part(Part::PasswordLogin(PasswordLoginFormProps {
                config: config.clone(),
                lang,
                api: api.clone(),
                method,
                autofocus: state.focus == Some(Focus::LoginForm),
                // After a password was set from a link: the identifier is filled in, the
                // password field waits.
                prefill: match &state.known_identifier {
                    Some(identifier) => PrefillSlot::new(Some(Prefill {
                        identifier: identifier.clone(),
                        focus: Some(dom::field::PASSWORD),
                        ..Prefill::default()
                    })),
                    None => props.prefill.clone(),
                },
                onforgot: dispatcher.reform(Action::Forgot),
                onlogin: password_done,
                onerror: {
                    let (state, report) = (state.clone(), report.clone());
                    Callback::from(move |error| {
                        state.dispatch(Action::DismissProblem);
                        report.emit(error);
                    })
                },
            }))
        }
        View::Code => {
            // An attempt that ended (expired, too many wrong codes) goes back to the form.
            let (state_, report) = (state.clone(), report.clone());
            let onerror = Callback::from(move |error: ApiError| {
                if error.code == ErrorCode::AttemptExpired {
                    state_.dispatch(Action::AttemptEnded(Some(error.code)));
                }
                report.emit(error);
            });
            part(Part::Code(CodeStepFormProps {
                step: state.code.clone().expect("code view"),
                lang,
                api: api.clone(),
                support: support.clone(),
                autofocus: state.focus == Some(Focus::CodeStep),
                onlogin: logged_in,
                onerror,
                onrestart: dispatcher.reform(|()| Action::AttemptEnded(None)),
            }))
        }
        View::Method(method @ (Method::Cps | Method::Qr)) => {
            let props = MethodStepProps {
                portal: config.id.clone(),
                lang,
                api: api.clone(),
                label: config
                    .offer(method)
                    .map(|o| AttrValue::from(o.label.get(lang).to_owned()))
                    .unwrap_or_default(),
                support: support.clone(),
                autofocus: state.focus == Some(Focus::LoginForm),
                onlogin: logged_in.clone(),
                onerror: report.clone(),
            };
            part(if method == Method::Cps {
                Part::Cps(props)
            } else {
                Part::Qr(props)
            })
        }
        View::Method(method @ (Method::ProSanteConnect | Method::RegionalSso)) => {
            let onstart = {
                let (state, api, report) = (state.clone(), api.clone(), report.clone());
                let portal = config.id.clone();
                Callback::from(move |_: MouseEvent| {
                    if state.leaving {
                        return;
                    }
                    state.dispatch(Action::Leaving);
                    let request = OidcStartRequest {
                        portal: portal.clone(),
                        method,
                        return_to: return_to(),
                    };
                    let (state, api, report) = (state.clone(), api.clone(), report.clone());
                    spawn_local(async move {
                        match api.oidc_start(&request).await {
                            Ok(url) => {
                                go_to(&url);
                                state.dispatch(Action::Left);
                            }
                            Err(e) => {
                                state.dispatch(Action::Failed(e.code));
                                report.emit(e);
                            }
                        }
                    });
                })
            };
            oidc_step(
                method,
                config.method_label(method, lang),
                lang,
                state.leaving,
                &onstart,
                first_control.clone(),
            )
        }
        View::Journey => match &state.journey {
            Some(journey) => journey_view(
                &state,
                journey,
                &config,
                &api,
                (&uid, first_control.clone()),
                &dispatcher,
                &report,
            ),
            None => Html::default(),
        },
        View::NoMethod => el("div")
            .class("sesame-no-method")
            .child(el("p").text(T::NoMethod.get(lang)))
            .child(support_contact(&support, lang))
            .into(),
        View::Chooser => method_chooser(
            &config,
            &state.methods,
            lang,
            &dispatcher.reform(Action::Choose),
            &first_control,
        ),
    };
    let title_id = format!("{uid}-portal");
    let header = el("header")
        .class("sesame-header")
        .child(
            el("div")
                .class("sesame-brand")
                .child(
                    el("h2")
                        .id(title_id.clone())
                        .class(dom::class::PORTAL)
                        .text(config.name.clone()),
                )
                .child(
                    el("p")
                        .class("sesame-tagline")
                        .text(config.tagline.get(lang).to_owned()),
                ),
        )
        .child(
            el("button")
                .attr("type", "button")
                .class("sesame-lang")
                .attr("data-action", dom::action::SWITCH_LANG)
                .attr("lang", lang.other().tag())
                .attr_opt("aria-busy", state.english_pending.then_some("true"))
                .on("click", switch_lang)
                .text(T::OtherLanguage.get(lang)),
        );
    let english_failed = when(state.english_failed, || {
        el("p")
            .class("sesame-notice")
            .attr("role", "status")
            .child(
                el("span")
                    .attr("lang", "en")
                    .text("English could not be loaded."),
            )
            .text(" La version anglaise n'a pas pu être chargée\u{a0}; réessayez plus tard.")
            .into()
    });
    let notice = Html::from(state.notice.map(|notice| {
        el("p")
            .class(dom::class::NOTICE)
            .attr("role", "status")
            .text(
                match notice {
                    Notice::PasswordSet => T::PasswordSet,
                    Notice::TermsDeclined => T::TermsDeclined,
                }
                .get(lang),
            )
    }));
    let problem = match &state.problem {
        Some(problem) => error_message(problem, lang, Some(&*support)),
        None => Html::Empty,
    };
    let back = when(state.can_go_back(), || {
        el("button")
            .attr("type", "button")
            .class("sesame-link-button")
            .attr("data-action", dom::action::OTHER_METHOD)
            .on(
                "click",
                dispatcher.reform(|_: MouseEvent| Action::BackToChooser),
            )
            .text(T::OtherMethod.get(lang))
            .into()
    });
    let offer = match (props.extension.clone(), state.view() == View::Session) {
        (Some(install), false) => part(Part::ExtensionOffer(ExtensionOfferProps {
            install,
            portal: config.name.clone().into(),
            lang,
        })),
        _ => Html::Empty,
    };
    el("section")
        .class(dom::class::ROOT)
        .attr("lang", lang.tag())
        .node_ref(&root)
        .attr("aria-labelledby", title_id)
        .child(header)
        .child(english_failed)
        .child(notice)
        .child(problem)
        .child(back)
        .child(body)
        .child(offer)
        .into()
}

/// Sends the page to `url` (a provider's login page, or its logout).
pub(crate) fn go_to(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}

/// Sets the language. English waits for its texts (English on demand: fetched on the first
/// request, the switch marked busy meanwhile); if they cannot come, French stays and the widget
/// says so.
fn set_lang(state: &UseReducerHandle<WidgetState>, lang: Lang) {
    if lang == Lang::Fr || english::loaded() {
        return state.dispatch(Action::SetLang(lang));
    }
    state.dispatch(Action::EnglishPending);
    let state = state.clone();
    spawn_local(async move {
        state.dispatch(if english::load().await {
            Action::SetLang(Lang::En)
        } else {
            Action::EnglishFailed
        })
    });
}

/// The `hashchange` listener of a mounted widget, removed when it unmounts.
struct HashListener(web_sys::Window, Closure<dyn Fn()>);

impl Drop for HashListener {
    fn drop(&mut self) {
        let _ = self
            .0
            .remove_event_listener_with_callback("hashchange", self.1.as_ref().unchecked_ref());
    }
}
