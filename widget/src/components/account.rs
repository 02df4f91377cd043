//! The account journeys' screens (issue 14): an e-mail's link read (set a password, confirm a
//! sign-up, or say plainly that the link expired or was used), and the one small form the
//! forgotten password, the forgotten identifier and the sign-up's SMS code share. Renders
//! [`state::account`](crate::state::account).

use super::change_password::ChangePasswordFormProps;
use super::error_message::error_message;
use super::part::{part, Part};
use crate::api::Api;
use crate::dom;
use crate::hooks::use_focus_on_mount::use_focus_on_mount;
use crate::hooks::use_uid::use_uid;
use crate::state::account::{AccountForm, Action, Forgot, FormKind, Journey, Request};
use crate::state::problem::Problem;
use crate::state::widget::Action as WidgetAction;
use crate::submit_flow::submit_flow;
use crate::texts::T;
use sesame_core::account::{
    ForgotIdentifierRequest, ForgotPasswordRequest, LinkPurpose, LinkRequest, LinkStatus,
    SignupConfirmRequest,
};
use sesame_core::portal::Support;
use sesame_core::{ApiError, ErrorCode, Lang, PortalConfig, PortalId, Secret};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

/// Props of the small form (a part of the widget).
#[derive(Properties, PartialEq)]
pub struct AccountFormProps {
    /// What the form is for.
    pub kind: FormKind,
    /// The portal.
    pub portal: PortalId,
    /// Interface language.
    pub lang: Lang,
    /// The portal API.
    pub api: Api,
    /// Who to call.
    pub support: Rc<Support>,
    /// Sign-up: where the code was sent (masked).
    #[prop_or_default]
    pub destination: Option<AttrValue>,
    /// Whether the field takes focus on mount (its opener is gone).
    #[prop_or_default]
    pub autofocus: bool,
    /// Back to the login.
    pub onback: Callback<()>,
    /// The portal refused or could not be reached (the form shows it too).
    pub onerror: Callback<ApiError>,
}

/// The small form: `form[data-form="forgot"]` or `form[data-form="signup"]`, then its
/// `[role="status"].sesame-success`.
#[hook]
pub(crate) fn use_account_form(props: &AccountFormProps) -> Html {
    let state = {
        let kind = props.kind.clone();
        use_reducer(move || AccountForm::new(kind))
    };
    let field = use_focus_on_mount(props.autofocus);
    let uid = use_uid();
    let lang = props.lang;
    let back = html! {
        <button type="button" class="sesame-link-button" data-action={dom::action::BACK_TO_LOGIN}
            onclick={props.onback.reform(|_: MouseEvent| ())}>
            {T::BackToLogin.get(lang)}
        </button>
    };
    let signup = match &props.kind {
        FormKind::Signup(token) => Some(token.clone()),
        FormKind::Forgot(_) => None,
    };
    if state.done {
        let said = if signup.is_some() {
            T::SignupDone
        } else {
            T::MailOnItsWay
        };
        return html! {
            <div class={dom::class::JOURNEY}>
                <p role="status" class={dom::class::SUCCESS}>
                    <span class="sesame-success-icon" aria-hidden="true">{"✓ "}</span>
                    {said.get(lang)}
                </p>
                {back}
            </div>
        };
    }
    let onsubmit = {
        let (api, portal) = (props.api.clone(), props.portal.clone());
        submit_flow(
            state.clone(),
            AccountForm::prepare,
            move |request| {
                let (api, portal) = (api.clone(), portal.clone());
                async move {
                    match request {
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
                    }
                }
            },
            Callback::noop(),
            props.onerror.clone(),
        )
    };
    let oninput = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            state.dispatch(Action::Input(Secret::new(value)))
        })
    };
    let resend = signup.map(|token| {
        let (api, state, onerror) = (props.api.clone(), state.clone(), props.onerror.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, state, onerror) = (api.clone(), state.clone(), onerror.clone());
            let request = LinkRequest {
                token: token.clone(),
            };
            spawn_local(async move {
                let sent = api.signup_send(&request).await;
                state.dispatch(Action::Resent(
                    sent.as_ref().err().map(|e| Problem::Api(e.code)),
                ));
                if let Err(e) = sent {
                    onerror.emit(e);
                }
            });
        })
    });
    let (form, title, label, name, kind, autocomplete, submit) = match props.kind {
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
    let (title_id, field_id) = (
        [uid.as_str(), "-title"].concat(),
        [uid.as_str(), "-field"].concat(),
    );
    html! {
        <form data-form={form} class={classes!("sesame-form", dom::class::JOURNEY)} novalidate=true
            method="post" aria-labelledby={title_id.clone()} {onsubmit}>
            <h3 id={title_id} class="sesame-form-title">{title.get(lang)}</h3>
            if let Some(destination) = &props.destination {
                <p>{T::CodeSentTo.get(lang)}{" "}
                    <strong class={dom::class::CODE_DESTINATION}>{destination}</strong></p>
            }
            <div class="sesame-field">
                <label for={field_id.clone()}>{label.get(lang)}</label>
                <input id={field_id} ref={field} name={name} type={kind} {autocomplete}
                    spellcheck="false" autocapitalize="off" aria-required="true"
                    inputmode={resend.is_some().then_some("numeric")}
                    value={state.value.expose().to_owned()} {oninput} />
            </div>
            if state.resent {
                <p role="status">{T::CodeResent.get(lang)}</p>
            }
            if let Some(problem) = &state.submission.problem {
                {error_message(problem, lang, Some(&props.support))}
            }
            <div class="sesame-actions">
                <button type="submit" class="sesame-primary"
                    aria-disabled={state.submission.submitting.then_some("true")}>
                    {submit.get(lang)}
                </button>
                if let Some(onclick) = resend {
                    <button type="button" class="sesame-secondary" data-action={dom::action::RESEND}
                        {onclick}>
                        {T::Resend.get(lang)}
                    </button>
                }
            </div>
            {back}
        </form>
    }
}

/// A journey's screen, in place of the login: the link being checked, the set-password form,
/// the sign-up's code, a link that no longer works (with a new one to ask for when the portal
/// offers it, its support otherwise), or a forgotten password or identifier.
#[inline(never)]
pub(crate) fn journey_view(
    journey: &Journey,
    config: &Rc<PortalConfig>,
    lang: Lang,
    api: &Api,
    autofocus: bool,
    dispatch: &Callback<WidgetAction>,
    onerror: &Callback<ApiError>,
) -> Html {
    let support = Rc::new(config.support.clone());
    let back = dispatch.reform(|()| WidgetAction::JourneyEnded);
    let form = |kind: FormKind, destination: Option<&str>| {
        part(Part::Account(AccountFormProps {
            kind,
            portal: config.id.clone(),
            lang,
            api: api.clone(),
            support: support.clone(),
            destination: destination.map(|d| AttrValue::from(d.to_owned())),
            autofocus,
            onback: back.clone(),
            onerror: onerror.clone(),
        }))
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
        Journey::Checking(_) => html! {
            <p role="status" class={dom::class::JOURNEY}>{T::LinkChecking.get(lang)}</p>
        },
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
            html! {
                <div class={dom::class::JOURNEY}>
                    {error_message(&Problem::Api(code), lang, (!renew).then_some(&*support))}
                    <div class="sesame-actions">
                        if renew {
                            <button type="button" class="sesame-primary" data-action={dom::action::NEW_LINK}
                                onclick={dispatch.reform(|_: MouseEvent| WidgetAction::Forgot(Forgot::Password))}>
                                {T::NewLink.get(lang)}
                            </button>
                        }
                        <button type="button" class="sesame-secondary" data-action={dom::action::BACK_TO_LOGIN}
                            onclick={back.reform(|_: MouseEvent| ())}>
                            {T::BackToLogin.get(lang)}
                        </button>
                    </div>
                </div>
            }
        }
    }
}
