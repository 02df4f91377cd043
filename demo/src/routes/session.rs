//! `GET /api/session`: who is logged in, and how.
//!
//! No session is not an error: the answer is `204 No Content`, so a page that checks for a
//! session on load does not log a failed request in the browser console.

use crate::session::CurrentSession;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sesame_core::api::SessionInfo;

/// The current session, or 204 when there is none.
#[utoipa::path(
    get,
    path = "/api/session",
    tag = "session",
    responses(
        (status = 200, description = "The session", body = SessionInfo),
        (status = 204, description = "No session: log in"),
    )
)]
pub async fn current_session(current: Option<CurrentSession>) -> Response {
    match current {
        Some(current) => Json(current.info).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}
