//! `POST /api/account/*`: the account journeys (`ACCOUNT-CONTRACT.md`) — forgotten password and
//! identifier, what a link is, the password it sets, the sign-up it confirms — and, in dev mode
//! only, `POST /api/demo/invite` and `POST /api/demo/signup`, which create the accounts those
//! journeys start from (for tests; `sesame-demo invite|signup` does the same from the command
//! line). The work is [`crate::account`]'s.
//!
//! The forgotten-password and forgotten-identifier answers are the same `202` for every
//! account, known or not, sent [`ACCOUNT_ANSWER_FLOOR_MS`] after the handler started: the
//! lookup and the e-mail run in a task of their own, whose outcome the answer never waits for.
//! Per address, [`FORGOT_PER_ADDRESS_PER_HOUR`] of them an hour (both journeys together, in
//! the limiter's tables, bucket `account:<address>`); beyond, 429 `rate_limited`.

use crate::account::{self, NewAccount};
use crate::error::AppError;
use crate::json::AppJson;
use crate::openapi::CommonErrors;
use crate::rate_limit::{bucket, ClientIp};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use sesame_core::account::{
    ForgotIdentifierRequest, ForgotPasswordRequest, LinkInfo, LinkRequest, PasswordSet,
    SetPasswordRequest, SignupConfirmRequest, ACCOUNT_ANSWER_FLOOR_MS, FORGOT_PER_ADDRESS_PER_HOUR,
};
use sesame_core::{ApiError, ErrorCode, PortalConfig, PortalId};
use std::future::Future;
use std::net::IpAddr;
use std::time::Duration;

/// `POST /api/demo/invite` (dev mode only).
pub const DEMO_INVITE: &str = "/demo/invite";
/// `POST /api/demo/signup` (dev mode only).
pub const DEMO_SIGNUP: &str = "/demo/signup";

/// The portal of a forgotten-password or forgotten-identifier request, if it offers the
/// journey: 400 `unknown_portal`, 422 `method_not_available`.
fn portal_offering(
    state: &AppState,
    id: &PortalId,
    offers: fn(&PortalConfig) -> bool,
) -> Result<PortalConfig, AppError> {
    let portal = state.portal(id).ok_or(ErrorCode::UnknownPortal)?;
    if !offers(portal) {
        return Err(ErrorCode::MethodNotAvailable.into());
    }
    Ok(portal.clone())
}

/// Counts a forgotten-password or forgotten-identifier request of `ip`; 429 `rate_limited`
/// beyond the address's allowance.
async fn address_allowance(state: &AppState, ip: IpAddr) -> Result<(), AppError> {
    let key = ["account:", &bucket(ip).to_string()].concat();
    let slot = state
        .ip_limiter
        .try_reserve_in(
            &key,
            state.now(),
            FORGOT_PER_ADDRESS_PER_HOUR as usize,
            60 * 60,
        )
        .await?;
    if slot.is_none() {
        tracing::info!(ip = %ip, "account journey rate_limited");
        return Err(ErrorCode::RateLimited.into());
    }
    Ok(())
}

/// Runs `work` in a task of its own and answers `202` once the floor has passed since
/// `started`, whatever the work does or how long it takes.
async fn answer_after_floor(
    started: tokio::time::Instant,
    work: impl Future<Output = Result<(), AppError>> + Send + 'static,
) -> StatusCode {
    tokio::spawn(async move {
        match work.await {
            Ok(()) => {}
            Err(AppError::Internal(e)) => {
                tracing::error!(error = format!("{e:#}"), "account journey failed")
            }
            Err(e) => tracing::warn!(code = e.code().as_str(), "account journey failed"),
        }
    });
    let floor = Duration::from_millis(u64::from(ACCOUNT_ANSWER_FLOOR_MS));
    tokio::time::sleep_until(started + floor).await;
    StatusCode::ACCEPTED
}

/// "Mot de passe oublié ?": a reset link by e-mail, if the account exists.
#[utoipa::path(
    post,
    path = "/api/account/forgot-password",
    tag = "account",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "Always, known account or not, after the same floor (`ACCOUNT_ANSWER_FLOOR_MS`); the reset link is e-mailed afterwards when the identifier or address names an account (at most 3 e-mails per account per hour)"),
        (status = 422, description = "`method_not_available`: the portal does not offer the journey", body = ApiError),
        (status = 429, description = "`rate_limited`: 10 requests per address per hour (both forgotten-password and forgotten-identifier); see `Retry-After`", body = ApiError),
        CommonErrors,
    )
)]
pub async fn forgot_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(request): AppJson<ForgotPasswordRequest>,
) -> Result<StatusCode, AppError> {
    let started = tokio::time::Instant::now();
    let portal = portal_offering(&state, &request.portal, |p| p.account.forgot_password)?;
    address_allowance(&state, ip).await?;
    let work =
        async move { account::forgot_password(&state, &portal, &request.identifier, ip).await };
    Ok(answer_after_floor(started, work).await)
}

/// "Identifiant oublié ?": the identifier by e-mail, if an account has this address.
#[utoipa::path(
    post,
    path = "/api/account/forgot-identifier",
    tag = "account",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = ForgotIdentifierRequest,
    responses(
        (status = 202, description = "Always, known address or not, after the same floor (`ACCOUNT_ANSWER_FLOOR_MS`); the identifier is e-mailed afterwards when an account of the portal has this address"),
        (status = 422, description = "`method_not_available`: the portal does not offer the journey", body = ApiError),
        (status = 429, description = "`rate_limited`: 10 requests per address per hour (both journeys); see `Retry-After`", body = ApiError),
        CommonErrors,
    )
)]
pub async fn forgot_identifier(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(request): AppJson<ForgotIdentifierRequest>,
) -> Result<StatusCode, AppError> {
    let started = tokio::time::Instant::now();
    let portal = portal_offering(&state, &request.portal, |p| p.account.forgot_identifier)?;
    address_allowance(&state, ip).await?;
    let work = async move { account::forgot_identifier(&state, &portal, &request.email, ip).await };
    Ok(answer_after_floor(started, work).await)
}

/// What an e-mailed link is for and where it is.
#[utoipa::path(
    post,
    path = "/api/account/link",
    tag = "account",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = LinkRequest,
    responses(
        (status = 200, description = "The link: its purpose and status (`valid`, `expired`, `used`); while valid, its life left and the account's identifier (or, for a sign-up, the masked phone and when a code may be sent again)", body = LinkInfo),
        (status = 404, description = "`link_invalid`: not a link (incomplete, changed, unknown)", body = ApiError),
        CommonErrors,
    )
)]
pub async fn link(
    State(state): State<AppState>,
    AppJson(request): AppJson<LinkRequest>,
) -> Result<Json<LinkInfo>, AppError> {
    Ok(Json(account::link_info(&state, &request.token).await?))
}

/// The password of a first-login or reset link.
#[utoipa::path(
    post,
    path = "/api/account/set-password",
    tag = "account",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = SetPasswordRequest,
    responses(
        (status = 200, description = "Set: the link is used, every other password link of the account spent, its failure counters cleared and its sessions ended; log in with the identifier", body = PasswordSet),
        (status = 404, description = "`link_invalid`", body = ApiError),
        (status = 410, description = "`link_expired` or `link_used`", body = ApiError),
        (status = 422, description = "`password_rules_not_met`, with every rule's outcome in `rules`", body = ApiError),
        CommonErrors,
    )
)]
pub async fn set_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(request): AppJson<SetPasswordRequest>,
) -> Result<Json<PasswordSet>, AppError> {
    let set = account::set_password(&state, &request.token, request.new_password, ip).await?;
    Ok(Json(set))
}

/// A new sign-up code by SMS.
#[utoipa::path(
    post,
    path = "/api/account/signup/send",
    tag = "account",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = LinkRequest,
    responses(
        (status = 200, description = "Sent: the link, with the masked phone and `resend_in`", body = LinkInfo),
        (status = 404, description = "`link_invalid` (also a link that is not a sign-up's)", body = ApiError),
        (status = 410, description = "`link_expired` or `link_used`", body = ApiError),
        (status = 429, description = "`resend_too_soon` (see `Retry-After`) or `too_many_sends` (3 codes per sign-up)", body = ApiError),
        (status = 503, description = "`send_failed`: try again", body = ApiError),
        CommonErrors,
    )
)]
pub async fn signup_send(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(request): AppJson<LinkRequest>,
) -> Result<Json<LinkInfo>, AppError> {
    Ok(Json(
        account::signup_send(&state, &request.token, ip).await?,
    ))
}

/// The sign-up confirmed with the code received by SMS.
#[utoipa::path(
    post,
    path = "/api/account/signup/confirm",
    tag = "account",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = SignupConfirmRequest,
    responses(
        (status = 200, description = "Confirmed (`status: used`): the account awaits its first password, whose link is e-mailed now", body = LinkInfo),
        (status = 401, description = "`invalid_code`: wrong or expired code", body = ApiError),
        (status = 404, description = "`link_invalid`", body = ApiError),
        (status = 410, description = "`link_expired`, or `link_used` (also after 5 wrong codes: the link is spent, call support)", body = ApiError),
        (status = 422, description = "`code_malformed`: not 4 digits; nothing counted", body = ApiError),
        CommonErrors,
    )
)]
pub async fn signup_confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(request): AppJson<SignupConfirmRequest>,
) -> Result<Json<LinkInfo>, AppError> {
    let info = account::signup_confirm(&state, &request.token, &request.code, ip).await?;
    Ok(Json(info))
}

/// The body of the dev-mode `POST /api/demo/invite` and `POST /api/demo/signup`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoAccountRequest {
    /// The portal.
    pub portal: PortalId,
    /// The identifier (the portal's shape).
    pub identifier: String,
    /// The name to greet with.
    pub display_name: String,
    /// The e-mail address, where the links go.
    pub email: String,
    /// The mobile phone; needed for a sign-up (its code goes there).
    #[serde(default)]
    pub phone: Option<String>,
}

/// The answer of the dev-mode account creations: who was created.
#[derive(Debug, Serialize)]
pub struct DemoAccountCreated {
    /// The portal.
    pub portal: PortalId,
    /// The identifier, in its canonical form.
    pub identifier: String,
}

fn new_account(request: &DemoAccountRequest) -> NewAccount {
    NewAccount {
        identifier: request.identifier.clone(),
        display_name: request.display_name.clone(),
        email: request.email.clone(),
        phone: request.phone.clone(),
    }
}

/// `POST /api/demo/invite` (dev mode): an account without a password, its identifier and
/// first-login link e-mailed (the demo's outbox, or SMTP). 201, or 400 `invalid_request`
/// (the detail says why: an identifier taken, an address that is none…).
pub async fn demo_invite(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(request): AppJson<DemoAccountRequest>,
) -> Result<(StatusCode, Json<DemoAccountCreated>), AppError> {
    let portal = state
        .portal(&request.portal)
        .ok_or(ErrorCode::UnknownPortal)?
        .clone();
    let new = account::invite(&state, &portal, new_account(&request), ip).await?;
    Ok((
        StatusCode::CREATED,
        Json(DemoAccountCreated {
            portal: portal.id,
            identifier: new.identifier,
        }),
    ))
}

/// `POST /api/demo/signup` (dev mode): a pending account, its link e-mailed and its first
/// code sent by SMS. 201, 422 `method_not_available` on a portal that does not confirm
/// sign-ups, or 400 `invalid_request`.
pub async fn demo_signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(request): AppJson<DemoAccountRequest>,
) -> Result<(StatusCode, Json<DemoAccountCreated>), AppError> {
    let portal = state
        .portal(&request.portal)
        .ok_or(ErrorCode::UnknownPortal)?
        .clone();
    let new = account::signup(&state, &portal, new_account(&request), ip).await?;
    Ok((
        StatusCode::CREATED,
        Json(DemoAccountCreated {
            portal: portal.id,
            identifier: new.identifier,
        }),
    ))
}
