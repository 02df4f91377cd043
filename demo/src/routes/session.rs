//! `GET /api/session`: who is logged in, and how.

use crate::session::CurrentSession;
use axum::Json;
use sesame_core::api::SessionInfo;
use sesame_core::ApiError;

/// The current session.
#[utoipa::path(
    get,
    path = "/api/session",
    tag = "session",
    responses(
        (status = 200, description = "The session", body = SessionInfo),
        (status = 401, description = "`not_authenticated`", body = ApiError),
    )
)]
pub async fn current_session(current: CurrentSession) -> Json<SessionInfo> {
    Json(current.info)
}
