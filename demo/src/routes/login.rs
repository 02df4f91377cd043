//! `POST /api/login/password`: identifier + password → a session, or the code step that
//! remains (`202`, with the attempt cookie) when the offer's steps include a code.

use crate::attempt;
use crate::audit::AuditEvent;
use crate::captcha;
use crate::credentials::{self, Attempt};
use crate::device;
use crate::error::AppError;
use crate::json::AppJson;
use crate::openapi::CommonErrors;
use crate::rate_limit::ClientIp;
use crate::session;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::Json;
use sesame_core::api::{CodeStep, LoginPasswordBody, SessionInfo};
use sesame_core::{ApiError, ErrorCode, Step};

/// Logs in with an identifier and a password.
#[utoipa::path(
    post,
    path = "/api/login/password",
    tag = "session",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = LoginPasswordBody,
    responses(
        (status = 200, description = "Logged in (the method has no other step); the session cookie is set, and the device cookie renewed", body = SessionInfo),
        (status = 202, description = "Password right, a code step remains: the attempt cookie `__Host-sesame-attempt` is set; the code was sent if the portal has one sending channel", body = CodeStep),
        (status = 401, description = "`invalid_credentials`: wrong identifier or password, or access suspended", body = ApiError),
        (status = 401, description = "`captcha_invalid` (wrong, used, another challenge's or another site's solution; the provider refused the token) or `captcha_expired` (do the step again); the password was not checked", body = ApiError),
        (status = 424, description = "`captcha_unavailable`: the captcha provider failed or did not answer in time; the password was not checked, try again", body = ApiError),
        (status = 428, description = "`captcha_required`: the offer's captcha step is due (always, or after failures) and `captcha` is missing; the password was not checked", body = ApiError),
        (status = 422, description = "`method_not_available`: the portal does not offer this method (or passwords)", body = ApiError),
        (status = 503, description = "`send_failed`: the first code could not be sent; the attempt cookie is set, send again (`/login/code/send`)", body = ApiError),
        CommonErrors,
    )
)]
pub async fn login_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(body): AppJson<LoginPasswordBody>,
) -> Result<Response, AppError> {
    let (request, solution) = body.into_parts();
    let portal = state
        .portal(&request.portal)
        .ok_or(ErrorCode::UnknownPortal)?;
    let offer = portal
        .offer(request.method)
        .ok_or(ErrorCode::MethodNotAvailable)?;
    let steps = offer.steps();
    if steps.first() != Some(&Step::Password) {
        return Err(ErrorCode::MethodNotAvailable.into());
    }
    let dev_mode = state.config.dev_mode;
    let device_token = device::token_from(&headers, dev_mode);
    // The "not a robot" step, when due, before the password is looked at (nothing counted).
    if steps.contains(&Step::Captcha) {
        captcha::gate(
            &state,
            portal,
            &request.identifier,
            device_token.as_deref(),
            ip,
            solution.as_deref(),
        )
        .await?;
    }
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
    if steps.contains(&Step::Code) {
        let (token, step) =
            attempt::start(&state, portal, &account.identifier, offer.method, ip).await?;
        let cookie = [(header::SET_COOKIE, attempt::set_cookie(&token, dev_mode))];
        return Ok(match step {
            Ok(step) => (StatusCode::ACCEPTED, cookie, Json(step)).into_response(),
            // The first code could not be sent: the attempt is kept, to send again.
            Err(e) => (cookie, e).into_response(),
        });
    }
    let mut info = SessionInfo::new(
        portal.id.clone(),
        account.identifier,
        account.display_name,
        Step::session_method(&[Step::Password]),
        state.now(),
    );
    let token = session::create(
        &state,
        &mut info,
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
