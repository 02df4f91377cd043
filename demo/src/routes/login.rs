//! `POST /api/login/password`: identifier + password → a session.

use crate::credentials::{self, Attempt};
use crate::error::AppError;
use crate::json::AppJson;
use crate::rate_limit::ClientIp;
use crate::session;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
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
        (status = 200, description = "Logged in; the `sesame_session` cookie is set", body = SessionInfo),
        (status = 400, description = "`invalid_request` or `unknown_portal`", body = ApiError),
        (status = 401, description = "`invalid_credentials`: wrong identifier or password, or access suspended", body = ApiError),
        (status = 403, description = "`csrf_rejected`", body = ApiError),
        (status = 413, description = "`body_too_large`", body = ApiError),
        (status = 415, description = "`unsupported_media_type`", body = ApiError),
        (status = 422, description = "`method_not_available`: the portal does not offer passwords", body = ApiError),
        (status = 429, description = "`rate_limited`: too many failures from this address", body = ApiError),
    )
)]
pub async fn login_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(request): AppJson<LoginPasswordRequest>,
) -> Result<Response, AppError> {
    let portal = state
        .portal(&request.portal)
        .ok_or(ErrorCode::UnknownPortal)?;
    if portal.offer(Method::Password).is_none() {
        return Err(ErrorCode::MethodNotAvailable.into());
    }
    let account = credentials::check(
        &state,
        Attempt {
            event: "login_password",
            portal,
            identifier: &request.identifier,
            password: &request.password,
            ip,
        },
    )
    .await?;
    let now = state.now();
    let method = Method::Password;
    let token =
        session::create(&state.db, &account.portal, &account.identifier, method, now).await?;
    let info = SessionInfo {
        portal: portal.id.clone(),
        identifier: account.identifier,
        display_name: account.display_name,
        method,
        assurance: method.assurance(),
        authenticated_at: now,
    };
    let cookie = session::set_cookie(&token, state.config.dev_mode);
    Ok(([(header::SET_COOKIE, cookie)], Json(info)).into_response())
}
