//! `POST /api/logout`: ends the session, if any (and says where the provider's ends, for a
//! login through Pro Santé Connect or the regional SSO).

use crate::audit::{self, AuditEvent, AuditOutcome, Entry};
use crate::db;
use crate::error::AppError;
use crate::rate_limit::ClientIp;
use crate::routes;
use crate::session::{self, PendingOrReadySession};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sesame_core::oidc::ProviderLogout;
use sesame_core::ApiError;

/// Ends the session (ready or pending) and removes its cookie. Answers 204 even without a
/// session.
#[utoipa::path(
    post,
    path = "/api/logout",
    tag = "session",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    responses(
        (status = 204, description = "Logged out; the cookie is removed"),
        (status = 200, description = "Logged out here; the session came from Pro Santé Connect or the regional SSO: go to `end_session_url` to end the provider's session too", body = ProviderLogout),
        (status = 403, description = "`csrf_rejected`", body = ApiError),
    )
)]
pub async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    current: Option<PendingOrReadySession>,
) -> Result<Response, AppError> {
    let mut provider = None;
    if let Some(PendingOrReadySession(current)) = current {
        provider = routes::oidc::provider_logout(&state, &current).await;
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
    let cookie = [(
        header::SET_COOKIE,
        session::clear_cookie(state.config.dev_mode),
    )];
    Ok(match provider {
        Some(end_session_url) => (cookie, Json(ProviderLogout { end_session_url })).into_response(),
        None => (StatusCode::NO_CONTENT, cookie).into_response(),
    })
}
