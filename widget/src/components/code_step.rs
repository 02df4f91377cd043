//! The one-time code step, after the password: choose where the code is sent (when the portal
//! offers SMS and e-mail), set up the authenticator app (the server's QR code and the secret in
//! groups of four), type the code, send it again after the cooldown. Renders
//! [`state::code_entry`](crate::state::code_entry).

use super::error_message::error_message;
use super::form::submit_button;
use crate::api::Api;
use crate::dom;
use crate::hooks::use_effect_on::use_effect_on;
use crate::hooks::use_uid::use_uid;
use crate::state::code_entry::{Action, CodeEntry};
use crate::submit_flow::submit_flow;
use crate::texts::{code_valid_for, resend_in, T};
use crate::view::prelude::*;
use gloo_timers::callback::Interval;
use sesame_core::api::{CodeStep, SendCodeRequest, SessionInfo};
use sesame_core::otp::OtpChannel;
use sesame_core::portal::Support;
use sesame_core::{ApiError, Lang};
use std::rc::Rc;
use web_sys::{HtmlElement, HtmlInputElement};

/// Props of the code step ([`use_code_step`]).
pub struct CodeStepFormProps {
    /// The step as the password step's answer gave it.
    pub step: CodeStep,
    /// Interface language.
    pub lang: Lang,
    /// The portal API.
    pub api: Api,
    /// The support contact, for errors the person cannot fix alone.
    pub support: Rc<Support>,
    /// Logged in.
    pub onlogin: Callback<SessionInfo>,
    /// The portal refused or could not be reached (the form shows it too).
    pub onerror: Callback<ApiError>,
    /// The person starts the login again.
    pub onrestart: Callback<()>,
    /// Whether to move focus into the step on mount (it replaced the password form).
    pub autofocus: bool,
}

/// This device's clock, Unix seconds.
fn now() -> f64 {
    js_sys::Date::now() / 1000.0
}

fn channel_label(channel: OtpChannel, lang: Lang) -> &'static str {
    match channel {
        OtpChannel::Sms => T::BySms.get(lang),
        _ => T::ByEmail.get(lang),
    }
}

/// `form[data-form="code"]`, rendered in the widget by the one component type of
/// [`part`](super::part).
pub fn use_code_step(props: &CodeStepFormProps) -> Html {
    let state = use_reducer(|| CodeEntry::new(props.step.clone(), now()));
    let uid = use_uid();
    let lang = props.lang;
    let (input_ref, choice_ref) = (use_node_ref(), use_node_ref());
    let choosing = state.must_choose_channel();
    {
        // Focus follows the step: to the first channel while choosing, then to the field.
        let (input_ref, choice_ref) = (input_ref.clone(), choice_ref.clone());
        let mounted = use_mut_ref(|| false);
        let autofocus = props.autofocus;
        use_effect_on(
            choosing,
            Box::new(move |choosing: &bool| {
                let first = !std::mem::replace(&mut *mounted.borrow_mut(), true);
                if !first || autofocus {
                    let target = if *choosing { choice_ref } else { input_ref };
                    if let Some(el) = target.cast::<HtmlElement>() {
                        let _ = el.focus();
                    }
                }
                Box::new(())
            }),
        );
    }
    {
        // The countdowns tick once a second while they run, and not otherwise.
        let state = state.clone();
        use_effect_on(
            state.counting(),
            Box::new(move |counting: &bool| {
                Box::new(
                    counting
                        .then(|| Interval::new(1_000, move || state.dispatch(Action::Tick(now())))),
                )
            }),
        );
    }
    let onsubmit = {
        let api = props.api.clone();
        submit_flow(
            state.clone(),
            CodeEntry::prepare,
            move |request| {
                let api = api.clone();
                async move { api.verify_code(&request).await }
            },
            props.onlogin.clone(),
            props.onerror.clone(),
        )
    };
    let send = |channel: OtpChannel| {
        let (state, api, onerror) = (state.clone(), props.api.clone(), props.onerror.clone());
        Callback::from(move |_: MouseEvent| {
            if !state.can_send() {
                return;
            }
            state.dispatch(Action::Sending);
            let (state, api, onerror) = (state.clone(), api.clone(), onerror.clone());
            spawn_local(async move {
                match api.send_code(&SendCodeRequest { channel }).await {
                    Ok(step) => state.dispatch(Action::Sent(step, now())),
                    Err(error) => {
                        state.dispatch(Action::SendFailed(error.clone()));
                        onerror.emit(error);
                    }
                }
            });
        })
    };
    let on_code = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.dispatch(Action::Code(
                e.target_unchecked_into::<HtmlInputElement>().value(),
            ))
        })
    };

    let (title_id, field_id, channels_id) = (
        format!("{uid}-title"),
        format!("{uid}-code"),
        format!("{uid}-channels"),
    );
    let step = &state.step;
    let disabled = (!state.can_send()).then_some("true");
    let mut first = true;
    let channel_buttons: Html = state
        .sending_channels()
        .map(|channel| {
            let node = if std::mem::replace(&mut first, false) {
                choice_ref.clone()
            } else {
                NodeRef::default()
            };
            el("button")
                .attr("type", "button")
                .class("sesame-secondary")
                .node_ref(&node)
                .attr("data-action", dom::action::SEND_CODE)
                .attr("data-channel", channel.as_str())
                .attr_opt("aria-disabled", disabled)
                .on("click", send(channel))
                .text(channel_label(channel, lang))
                .into()
        })
        .collect();
    let enrolment = step.enrol.as_ref().map(|enrol| {
        let src = format!(
            "data:image/svg+xml,{}",
            String::from(js_sys::encode_uri_component(&enrol.svg))
        );
        Html::List(vec![
            el("p").text(T::EnrolScan.get(lang)).into(),
            el("img")
                .class(dom::class::ENROL_QR)
                .attr("src", src)
                .attr("alt", T::EnrolQrAlt.get(lang))
                .attr("width", "200")
                .attr("height", "200")
                .into(),
            el("p")
                .text(T::EnrolKey.get(lang))
                .text(" ")
                .child(
                    el("code")
                        .class(dom::class::ENROL_SECRET)
                        .text(enrol.secret.expose().to_owned()),
                )
                .into(),
            el("p").text(T::EnrolThen.get(lang)).into(),
        ])
    });
    let mut timers = String::new();
    match state.expires_in() {
        Some(0) => timers.push_str(T::CodeExpired.get(lang)),
        Some(secs) => timers.push_str(&code_valid_for(secs.div_ceil(60), lang)),
        None => {}
    }
    if step.channel.is_some() && state.resend_in().is_none() && step.sends_left > 0 {
        timers.push(' ');
        timers.push_str(T::ResendReady.get(lang));
    }
    let channels_prompt = match state.resend_in() {
        Some(secs) if !choosing => resend_in(secs, lang),
        _ if choosing => T::ChooseChannel.get(lang).to_owned(),
        _ => T::Resend.get(lang).to_owned(),
    };
    let title = if enrolment.is_some() {
        T::EnrolTitle.get(lang)
    } else {
        T::CodeTitle.get(lang)
    };
    // No code left to send: no button that would do nothing ("start again" stays).
    let offers_send =
        state.sending_channels().next().is_some() && (choosing || step.sends_left > 0);

    el("form")
        .attr("data-form", dom::form::CODE)
        .class("sesame-form")
        // As Yew wrote a boolean attribute: its own name as its value.
        .attr("novalidate", "novalidate")
        .attr("method", "post")
        .attr("aria-labelledby", title_id.clone())
        .on("submit", onsubmit)
        .child(el("h3").id(title_id).class("sesame-form-title").text(title))
        .child(enrolment)
        .child(when(step.enrol.is_none() && state.uses_app(), || {
            el("p").text(T::CodeFromApp.get(lang)).into()
        }))
        .child(when(state.clock_differs(), || {
            el("p")
                .class("sesame-notice sesame-clock-warning")
                .child(
                    el("span")
                        .class("sesame-notice-icon")
                        .attr("aria-hidden", "true")
                        .text("i"),
                )
                .text(T::ClockWarning.get(lang))
                .into()
        }))
        .child(step.destination.as_ref().map(|destination| {
            el("p").text(T::CodeSentTo.get(lang)).text(" ").child(
                el("strong")
                    .class(dom::class::CODE_DESTINATION)
                    .text(destination.clone()),
            )
        }))
        .child(when(!choosing, || {
            el("div")
                .class("sesame-field")
                .child(
                    el("label")
                        .attr("for", field_id.clone())
                        .text(T::CodeLabel.get(lang)),
                )
                .child(
                    el("input")
                        .id(field_id)
                        .node_ref(&input_ref)
                        .attr("name", dom::field::CODE)
                        .attr("type", "text")
                        .attr("autocomplete", "one-time-code")
                        .attr("inputmode", "numeric")
                        .attr("spellcheck", "false")
                        .attr("autocapitalize", "off")
                        .attr("autocorrect", "off")
                        .attr("aria-required", "true")
                        .value(state.code.clone())
                        .on("input", on_code),
                )
                .into()
        }))
        .child(
            state
                .submission
                .problem
                .as_ref()
                .map(|problem| error_message(problem, lang, Some(&*props.support))),
        )
        .child(when(!choosing, || {
            submit_button(
                if state.submission.submitting {
                    T::Verifying.get(lang)
                } else {
                    T::VerifyCode.get(lang)
                },
                state.submission.submitting,
            )
            .into()
        }))
        .child(when(offers_send, || {
            Html::List(vec![
                el("p").id(channels_id.clone()).text(channels_prompt).into(),
                el("div")
                    .class("sesame-actions")
                    .attr("role", "group")
                    .attr("aria-labelledby", channels_id)
                    .child(channel_buttons)
                    .into(),
            ])
        }))
        .child(
            el("p")
                .class(dom::class::CODE_TIMERS)
                .attr("aria-live", "polite")
                .text(timers),
        )
        .child(
            el("button")
                .attr("type", "button")
                .class("sesame-link-button")
                .attr("data-action", dom::action::RESTART)
                .on("click", props.onrestart.reform(|_: MouseEvent| ()))
                .text(T::Restart.get(lang)),
        )
        .into()
}
