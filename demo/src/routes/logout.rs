//! `POST /api/logout`: ends the session, if any.

use crate::audit::{self, AuditEvent, AuditOutcome, Entry};
use crate::db;
use crate::error::AppError;
use crate::rate_limit::ClientIp;
use crate::session::{self, CurrentSession};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sesame_core::ApiError;

/// Ends the session and removes its cookie. Answers 204 even without a session.
#[utoipa::path(
    post,
    path = "/api/logout",
    tag = "session",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    responses(
        (status = 204, description = "Logged out; the cookie is removed"),
        (status = 403, description = "`csrf_rejected`", body = ApiError),
    )
)]
pub async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    current: Option<CurrentSession>,
) -> Result<Response, AppError> {
    if let Some(current) = current {
        db::delete_session(&state.db, &current.token_hash).await?;
        audit::record(
            &state.db,
            Entry {
                at: state.now(),
                event: AuditEvent::Logout,
                portal: current.info.portal.as_str(),
                identifier: &current.info.identifier,
                ip,
                outcome: AuditOutcome::Success,
            },
        )
        .await?;
    }
    let cookie = session::clear_cookie(state.config.dev_mode);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}
