//! `GET /api/session`: who is logged in, and how; `POST /api/session/terms`: the terms of use
//! accepted (the session becomes ready) or declined (it ends).
//!
//! No session is not an error: the answer is `204 No Content`, so a page that checks for a
//! session on load does not log a failed request in the browser console. A pending session
//! (terms to accept) is answered too, with its `terms`.

use crate::audit::{self, AuditEvent, AuditOutcome, Entry};
use crate::db;
use crate::error::AppError;
use crate::json::AppJson;
use crate::openapi::CommonErrors;
use crate::rate_limit::ClientIp;
use crate::session::{self, PendingOrReadySession};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sesame_core::account::TermsRequest;
use sesame_core::api::SessionInfo;
use sesame_core::{ApiError, ErrorCode};

/// The current session, or 204 when there is none.
#[utoipa::path(
    get,
    path = "/api/session",
    tag = "session",
    responses(
        (status = 200, description = "The session; with `terms` while it waits for the terms of use to be accepted (`POST /api/session/terms`)", body = SessionInfo),
        (status = 204, description = "No session: log in"),
    )
)]
pub async fn current_session(current: Option<PendingOrReadySession>) -> Response {
    match current {
        Some(PendingOrReadySession(current)) => Json(current.info).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

/// Accepts (or declines) the portal's terms of use for this session.
#[utoipa::path(
    post,
    path = "/api/session/terms",
    tag = "session",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = TermsRequest,
    responses(
        (status = 200, description = "`accept: true`: the acceptance recorded, the session ready (no `terms`); `accept: false`: an empty body, the session ended and its cookie cleared", body = SessionInfo),
        (status = 401, description = "`not_authenticated`", body = ApiError),
        (status = 409, description = "`terms_outdated`: not the portal's current version (read `GET /api/session`'s `terms` again)", body = ApiError),
        CommonErrors,
    )
)]
pub async fn terms(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    PendingOrReadySession(current): PendingOrReadySession,
    AppJson(request): AppJson<TermsRequest>,
) -> Result<Response, AppError> {
    let now = state.now();
    let mut info = current.info;
    let entry = |outcome| Entry {
        at: now,
        event: AuditEvent::Terms,
        portal: info.portal.as_str(),
        identifier: &info.identifier,
        ip,
        outcome,
    };
    if !request.accept {
        let mut tx = state.db.begin().await?;
        db::delete_session(&mut *tx, &current.token_hash).await?;
        audit::record(&mut *tx, entry(AuditOutcome::TermsDeclined)).await?;
        tx.commit().await?;
        let cookie = [(
            header::SET_COOKIE,
            session::clear_cookie(state.config.dev_mode),
        )];
        return Ok((StatusCode::OK, cookie).into_response());
    }
    let current_terms = state
        .portal(&info.portal)
        .and_then(|p| p.terms.as_ref())
        .filter(|t| t.version == request.version);
    let Some(terms) = current_terms else {
        audit::record(&state.db, entry(AuditOutcome::TermsOutdated)).await?;
        return Err(ErrorCode::TermsOutdated.into());
    };
    let mut tx = state.db.begin().await?;
    db::accept_terms(
        &mut *tx,
        info.portal.as_str(),
        &info.identifier,
        &terms.version,
        now,
    )
    .await?;
    db::session_ready(&mut *tx, &current.token_hash).await?;
    audit::record(&mut *tx, entry(AuditOutcome::TermsAccepted)).await?;
    tx.commit().await?;
    info.terms = None;
    Ok(Json(info).into_response())
}
