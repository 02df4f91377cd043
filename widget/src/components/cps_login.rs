//! The CPS-card login: one button. The portal gives a nonce, the extension's window shows the
//! portal's address and the card's certificate and takes the PIN (never this page), the card
//! signs, the portal checks. What is under way is said in a polite region; a failure in the
//! error region with what to do, and the button is there again.

use super::error_message::error_message;
use crate::api::{Api, Js};
use crate::bridge::{self, Ask};
use crate::dom;
use crate::hooks::use_focus_on_mount::use_focus_on_mount;
use crate::hooks::use_uid::use_uid;
use crate::state::cps_login::{Action, CpsLoginState, Phase};
use crate::state::problem::Problem;
use crate::texts::T;
use crate::view::prelude::*;
use sesame_core::api::{CpsLoginRequest, SessionInfo};
use sesame_core::bridge::{Action as BridgeAction, ANSWER_TIMEOUT_MS, USER_TIMEOUT_MS};
use sesame_core::portal::{PortalId, Support};
use sesame_core::wire::JsonValue;
use sesame_core::{ApiError, Lang};
use std::rc::Rc;

/// Props of a method that is one step on the page, the CPS login ([`use_cps_login`]) and
/// the QR login ([`use_qr_login`](super::qr_login::use_qr_login)): one type, so the widget
/// builds them in one place.
pub struct MethodStepProps {
    /// The portal the account belongs to.
    pub portal: PortalId,
    /// The method's label in the portal's words (the CPS button, the QR step's title).
    pub label: AttrValue,
    /// Interface language.
    pub lang: Lang,
    /// The portal API.
    pub api: Api,
    /// The support contact, shown with failures the person cannot fix alone.
    pub support: Rc<Support>,
    /// Focus the step when shown.
    pub autofocus: bool,
    /// Logged in.
    pub onlogin: Callback<SessionInfo>,
    /// The portal refused (for the page's `sesame-error` event).
    pub onerror: Callback<ApiError>,
}

/// Props of the CPS login ([`use_cps_login`]).
pub type CpsLoginProps = MethodStepProps;

/// The card's answer, as the extension gives it.
fn field(answer: &Js, name: &str) -> String {
    answer
        .member(name)
        .and_then(|v| v.string())
        .unwrap_or_default()
}

/// The CPS-card login, rendered in the widget by the one component type of
/// [`part`](super::part).
pub(crate) fn use_cps_login(props: &CpsLoginProps) -> Html {
    let lang = props.lang;
    let state = use_reducer(CpsLoginState::default);
    let button = use_focus_on_mount(props.autofocus);
    let uid = use_uid();
    let hint_id = format!("{uid}-cps");
    let onclick = {
        let state = state.clone();
        let (api, portal) = (props.api.clone(), props.portal.clone());
        let (onlogin, onerror) = (props.onlogin.clone(), props.onerror.clone());
        Callback::from(move |_: MouseEvent| {
            if state.busy() {
                return;
            }
            state.dispatch(Action::Start);
            let (state, api, portal) = (state.clone(), api.clone(), portal.clone());
            let (onlogin, onerror) = (onlogin.clone(), onerror.clone());
            spawn_local(async move {
                let api_failed = |e: ApiError| {
                    state.dispatch(Action::Failed(Problem::Api(e.code)));
                    onerror.emit(e);
                };
                let nonce = match api.cps_nonce().await {
                    Ok(n) => n,
                    Err(e) => return api_failed(e),
                };
                state.dispatch(Action::NonceReceived);
                let ask = Ask {
                    action: BridgeAction::CpsLogin,
                    name: None,
                    bookmark: false,
                    nonce: Some(&nonce),
                    answer_ms: USER_TIMEOUT_MS + ANSWER_TIMEOUT_MS,
                };
                let card = match bridge::ask(ask).await {
                    Ok(a) => a,
                    Err(e) => return state.dispatch(Action::Failed(Problem::Bridge(e))),
                };
                state.dispatch(Action::Signed);
                let request = CpsLoginRequest {
                    portal,
                    certificate: field(&card, "certificate"),
                    algorithm: field(&card, "algorithm"),
                    signature: field(&card, "signature"),
                    origin: field(&card, "origin"),
                    nonce,
                };
                match api.login_cps(&request).await {
                    Ok(session) => onlogin.emit(session),
                    Err(e) => api_failed(e),
                }
            });
        })
    };
    let said = match state.phase {
        Phase::Ready | Phase::Preparing => "",
        Phase::AtTheCard => T::CpsAtTheCard.get(lang),
        Phase::Verifying => T::CpsVerifying.get(lang),
    };
    el("div")
        .class("sesame-form")
        .child(
            state
                .problem
                .as_ref()
                .map(|problem| error_message(problem, lang, Some(&*props.support))),
        )
        .child(
            el("p")
                .class("sesame-hint")
                .id(hint_id.clone())
                .text(T::CpsHint.get(lang)),
        )
        .child(
            el("button")
                .attr("type", "button")
                .class("sesame-primary")
                .node_ref(&button)
                .attr("data-action", dom::action::CPS_LOGIN)
                .attr("aria-describedby", hint_id)
                .attr_opt("aria-disabled", state.busy().then_some("true"))
                .on("click", onclick)
                .text(props.label.clone()),
        )
        .child(el("p").attr("role", "status").text(said))
        .into()
}
