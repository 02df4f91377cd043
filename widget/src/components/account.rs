//! The account journeys' screens (issue 14): an e-mail's link read (set a password, confirm a
//! sign-up, or say plainly that the link expired or was used), and the one small form the
//! forgotten password, the forgotten identifier and the sign-up's SMS code share. Renders
//! [`state::account`](crate::state::account).

use super::change_password::ChangePasswordFormProps;
use super::error_message::{error_message, success_message};
use super::form::{submit_button, titled_form};
use super::part::{part, Part};
use crate::api::Api;
use crate::dom;
use crate::state::account::{prepare, AccountForm, Action, Forgot, FormKind, Journey, Request};
use crate::state::problem::Problem;
use crate::state::submission::Step;
use crate::state::widget::{Action as WidgetAction, WidgetState};
use crate::texts::T;
use crate::view::prelude::*;
use sesame_core::account::{
    ForgotIdentifierRequest, ForgotPasswordRequest, LinkPurpose, LinkRequest, LinkStatus,
    SignupConfirmRequest,
};
use sesame_core::{ApiError, ErrorCode, Lang, PortalConfig};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

/// The small form: `form[data-form="forgot"]` or `form[data-form="signup"]`, then its
/// `[role="status"].sesame-success`. Not a part with its own state: the browser holds what is
/// typed (read when the form is sent) and the widget's state where the request stands
/// (`WidgetState::account_form`): a component of its own would only keep one field.
#[allow(clippy::too_many_arguments)]
fn small_form(
    kind: FormKind,
    state: &AccountForm,
    destination: Option<&str>,
    config: &PortalConfig,
    lang: Lang,
    api: &Api,
    (uid, field): (&str, NodeRef),
    dispatch: &Callback<WidgetAction>,
    onerror: &Callback<ApiError>,
) -> Html {
    let step = dispatch.reform(|step| WidgetAction::Account(Action::Submit(step)));
    let back = back_button(lang, dispatch);
    let signup = match &kind {
        FormKind::Signup(token) => Some(token.clone()),
        FormKind::Forgot(_) => None,
    };
    if state.done {
        let said = if signup.is_some() {
            T::SignupDone
        } else {
            T::MailOnItsWay
        };
        return el("div")
            .class(dom::class::JOURNEY)
            .child(success_message(said.get(lang)))
            .child(back)
            .into();
    }
    let (form, title, label, name, input_type, autocomplete, submit) = match kind {
        FormKind::Forgot(Forgot::Password) => (
            dom::form::FORGOT,
            T::ForgotPassword,
            T::IdentifierOrEmail,
            dom::field::IDENTIFIER,
            "text",
            "username",
            T::SendMail,
        ),
        FormKind::Forgot(Forgot::Identifier) => (
            dom::form::FORGOT,
            T::ForgotIdentifier,
            T::EmailAddress,
            dom::field::EMAIL,
            "email",
            "email",
            T::SendMail,
        ),
        FormKind::Signup(_) => (
            dom::form::SIGNUP,
            T::SignupTitle,
            T::SignupCode,
            dom::field::CODE,
            "text",
            "one-time-code",
            T::Confirm,
        ),
    };
    let onsubmit = {
        let submitting = state.submission.submitting;
        let (api, portal, onerror) = (api.clone(), config.id.clone(), onerror.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if submitting {
                return;
            }
            let typed = e
                .target()
                .and_then(|form| form.dyn_into::<Element>().ok())
                .and_then(|form| form.query_selector("input").ok().flatten())
                .and_then(|input| input.dyn_into::<HtmlInputElement>().ok())
                .map(|input| input.value())
                .unwrap_or_default();
            let request = match prepare(&kind, &typed) {
                Ok(request) => request,
                Err(problem) => return step.emit(Step::Rejected(problem)),
            };
            step.emit(Step::Submitting);
            let (api, portal, step, onerror) =
                (api.clone(), portal.clone(), step.clone(), onerror.clone());
            spawn_local(async move {
                let sent = match request {
                    Request::Forgot(Forgot::Password, identifier) => {
                        let r = ForgotPasswordRequest { portal, identifier };
                        api.forgot_password(&r).await
                    }
                    Request::Forgot(Forgot::Identifier, email) => {
                        let r = ForgotIdentifierRequest { portal, email };
                        api.forgot_identifier(&r).await
                    }
                    Request::Signup(token, code) => {
                        let r = SignupConfirmRequest { token, code };
                        api.signup_confirm(&r).await
                    }
                };
                match sent {
                    Ok(()) => step.emit(Step::Succeeded(())),
                    Err(error) => {
                        step.emit(Step::Failed(error.clone()));
                        onerror.emit(error);
                    }
                }
            });
        })
    };
    let resend = signup.map(|token| {
        let (api, dispatch, onerror) = (api.clone(), dispatch.clone(), onerror.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, dispatch, onerror) = (api.clone(), dispatch.clone(), onerror.clone());
            let request = LinkRequest {
                token: token.clone(),
            };
            spawn_local(async move {
                let sent = api.signup_send(&request).await;
                let problem = sent.as_ref().err().map(|e| Problem::Api(e.code));
                dispatch.emit(WidgetAction::Account(Action::Resent(problem)));
                if let Err(e) = sent {
                    onerror.emit(e);
                }
            });
        })
    });
    let (title_id, field_id) = ([uid, "-journey"].concat(), [uid, "-journey-field"].concat());
    titled_form(
        form,
        "sesame-form sesame-journey",
        title_id,
        title.get(lang),
        onsubmit,
    )
    .child(destination.map(|destination| {
        el("p").text(T::CodeSentTo.get(lang)).text(" ").child(
            el("strong")
                .class(dom::class::CODE_DESTINATION)
                .text(destination.to_owned()),
        )
    }))
    .child(
        el("div")
            .class("sesame-field")
            .child(
                el("label")
                    .attr("for", field_id.clone())
                    .text(label.get(lang)),
            )
            .child(
                el("input")
                    .id(field_id)
                    .attr("name", name)
                    .attr("type", input_type)
                    .attr("autocomplete", autocomplete)
                    .attr("spellcheck", "false")
                    .attr("autocapitalize", "off")
                    .attr("aria-required", "true")
                    .attr_opt("inputmode", resend.is_some().then_some("numeric"))
                    .node_ref(&field),
            ),
    )
    .child(when(state.resent, || {
        el("p")
            .attr("role", "status")
            .text(T::CodeResent.get(lang))
            .into()
    }))
    .child(
        state
            .submission
            .problem
            .as_ref()
            .map(|problem| error_message(problem, lang, Some(&config.support))),
    )
    .child(
        el("div")
            .class("sesame-actions")
            .child(submit_button(submit.get(lang), state.submission.submitting))
            .child(resend.map(|onclick| {
                el("button")
                    .attr("type", "button")
                    .attr("data-action", dom::action::RESEND)
                    .class("sesame-secondary")
                    .on("click", onclick)
                    .text(T::Resend.get(lang))
            })),
    )
    .child(back)
    .into()
}

/// A journey's screen, in place of the login: the link being checked, the set-password form,
/// the sign-up's code, a link that no longer works (with a new one to ask for when the portal
/// offers it, its support otherwise), or a forgotten password or identifier.
#[inline(never)]
pub(crate) fn journey_view(
    state: &WidgetState,
    journey: &Journey,
    config: &Rc<PortalConfig>,
    api: &Api,
    (uid, field): (&str, NodeRef),
    dispatch: &Callback<WidgetAction>,
    onerror: &Callback<ApiError>,
) -> Html {
    let lang = state.lang;
    let back = dispatch.reform(|()| WidgetAction::JourneyEnded);
    let form = |kind: FormKind, destination: Option<&str>| {
        small_form(
            kind,
            &state.account_form,
            destination,
            config,
            lang,
            api,
            (uid, field.clone()),
            dispatch,
            onerror,
        )
    };
    if let Some((token, identifier)) = journey.sets_password() {
        let known = identifier.to_owned();
        return part(Part::ChangePassword(ChangePasswordFormProps {
            policy: Rc::new(config.password.clone()),
            identifier: identifier.to_owned().into(),
            lang,
            api: api.clone(),
            onerror: onerror.clone(),
            onclose: back,
            token: Some(token.clone()),
            onset: dispatch.reform(move |()| WidgetAction::PasswordSet(known.clone())),
        }));
    }
    if let Some((token, destination)) = journey.confirms_signup() {
        return form(FormKind::Signup(token.clone()), destination);
    }
    match journey {
        Journey::Checking(_) => el("p")
            .attr("role", "status")
            .class(dom::class::JOURNEY)
            .text(T::LinkChecking.get(lang))
            .into(),
        Journey::Forgot(forgot) => form(FormKind::Forgot(*forgot), None),
        Journey::Link(_, info) => {
            let (code, expired) = match info.status {
                LinkStatus::Expired => (ErrorCode::LinkExpired, true),
                _ => (ErrorCode::LinkUsed, false),
            };
            // An expired reset: a new link, where the portal sends them. Otherwise (a first
            // login's link, as SPICO says: past 14 days, call support) the support contact.
            let renew =
                expired && info.purpose == LinkPurpose::Reset && config.account.forgot_password;
            el("div")
                .class(dom::class::JOURNEY)
                .child(error_message(
                    &Problem::Api(code),
                    lang,
                    (!renew).then_some(&config.support),
                ))
                .child(el("div").class("sesame-actions").child(when(renew, || {
                    el("button")
                        .attr("type", "button")
                        .attr("data-action", dom::action::NEW_LINK)
                        .class("sesame-primary")
                        .on(
                            "click",
                            dispatch.reform(|_: MouseEvent| WidgetAction::Forgot(Forgot::Password)),
                        )
                        .text(T::NewLink.get(lang))
                        .into()
                })))
                .child(back_button(lang, dispatch))
                .into()
        }
    }
}

/// "Retour à la connexion": back to the login from a journey.
#[inline(never)]
fn back_button(lang: Lang, dispatch: &Callback<WidgetAction>) -> Html {
    el("button")
        .attr("type", "button")
        .attr("data-action", dom::action::BACK_TO_LOGIN)
        .class("sesame-link-button")
        .on(
            "click",
            dispatch.reform(|_: MouseEvent| WidgetAction::JourneyEnded),
        )
        .text(T::BackToLogin.get(lang))
        .into()
}
