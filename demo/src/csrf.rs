//! CSRF protection: every state-changing request carries the `x-sesame-csrf: 1` header
//! ([`CSRF_HEADER`]) and, when it has an `Origin`, comes from an allowed origin; else 403
//! `csrf_rejected`. A foreign page cannot add the header without a CORS preflight, which this
//! server never grants.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sesame_core::api::CSRF_HEADER;
use sesame_core::ErrorCode;

/// Middleware: rejects unsafe-method requests that fail the CSRF check.
pub async fn check_csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !passes(&state, &request) {
        tracing::warn!(method = %request.method(), path = request.uri().path(), "csrf rejected");
        return AppError::from(ErrorCode::CsrfRejected).into_response();
    }
    next.run(request).await
}

fn passes(state: &AppState, request: &Request) -> bool {
    let headers = request.headers();
    let marked = headers
        .get_all(CSRF_HEADER)
        .iter()
        .any(|v| v.as_bytes() == b"1");
    let origin_ok = headers.get_all(header::ORIGIN).iter().all(|origin| {
        origin
            .to_str()
            .is_ok_and(|o| state.allowed_origins().iter().any(|a| a == o))
    });
    marked && origin_ok
}
