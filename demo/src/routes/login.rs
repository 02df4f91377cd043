//! `POST /api/login/password`: identifier + password → a session.

use crate::audit::AuditEvent;
use crate::credentials::{self, Attempt};
use crate::device;
use crate::error::AppError;
use crate::json::AppJson;
use crate::openapi::CommonErrors;
use crate::rate_limit::ClientIp;
use crate::session;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::Json;
use sesame_core::api::{LoginPasswordRequest, SessionInfo};
use sesame_core::{ApiError, ErrorCode, Method};

/// Logs in with an identifier and a password.
#[utoipa::path(
    post,
    path = "/api/login/password",
    tag = "session",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = LoginPasswordRequest,
    responses(
        (status = 200, description = "Logged in; the session cookie is set, and the device cookie renewed", body = SessionInfo),
        (status = 401, description = "`invalid_credentials`: wrong identifier or password, or access suspended", body = ApiError),
        (status = 422, description = "`method_not_available`: the portal does not offer passwords", body = ApiError),
        CommonErrors,
    )
)]
pub async fn login_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(request): AppJson<LoginPasswordRequest>,
) -> Result<Response, AppError> {
    let portal = state
        .portal(&request.portal)
        .ok_or(ErrorCode::UnknownPortal)?;
    if portal.offer(Method::Password).is_none() {
        return Err(ErrorCode::MethodNotAvailable.into());
    }
    let dev_mode = state.config.dev_mode;
    let device_token = device::token_from(&headers, dev_mode);
    let verified = credentials::check(
        &state,
        Attempt {
            event: AuditEvent::LoginPassword,
            portal,
            identifier: &request.identifier,
            password: &request.password,
            ip,
            device: device_token.as_deref(),
        },
    )
    .await?;
    let account = verified.account;
    let info = SessionInfo::new(
        portal.id.clone(),
        account.identifier,
        account.display_name,
        Method::Password,
        state.now(),
    );
    let token = session::create(
        &state,
        &info,
        session::token_from(&headers, dev_mode).as_deref(),
    )
    .await?;
    let device_cookie = device::trust(
        &state.db,
        &account.portal,
        &info.identifier,
        verified.device.as_deref(),
        info.authenticated_at,
        dev_mode,
    )
    .await?;
    let cookies = AppendHeaders([
        (header::SET_COOKIE, session::set_cookie(&token, dev_mode)),
        (header::SET_COOKIE, device_cookie),
    ]);
    Ok((cookies, Json(info)).into_response())
}
