//! The one error type of the handlers, answered as core's [`ApiError`] JSON.
//!
//! Client errors carry their code (and for rule failures, the outcomes). Server errors answer
//! `internal_error` without details; the real error rides in a response extension and is logged
//! by [`log_app_errors`], so the conversion itself has no side effects.

use axum::extract::rejection::JsonRejection;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sesame_core::password::RuleOutcome;
use sesame_core::{ApiError, ErrorCode};
use std::sync::Arc;

/// A failed request.
#[derive(Debug)]
pub enum AppError {
    /// A failure the client is told about.
    Api(ApiError),
    /// A failure the client is told about, with how many seconds to wait (`Retry-After`).
    Retry(ApiError, u32),
    /// A failure of the server: logged, never shown.
    Internal(anyhow::Error),
}

impl AppError {
    /// `password_rules_not_met` with every rule's outcome.
    pub fn rules_not_met(rules: Vec<RuleOutcome>) -> AppError {
        let mut e = ApiError::new(ErrorCode::PasswordRulesNotMet);
        e.rules = rules;
        AppError::Api(e)
    }

    /// A client error whose message adds `detail` to the code's text.
    pub fn with_detail(code: ErrorCode, detail: impl std::fmt::Display) -> AppError {
        let mut e = ApiError::new(code);
        e.message = format!("{} ({detail})", e.message);
        AppError::Api(e)
    }

    /// A client error that says when to try again (`Retry-After: seconds`).
    pub fn retry_after(code: ErrorCode, seconds: u32) -> AppError {
        AppError::Retry(ApiError::new(code), seconds)
    }

    /// The code answered.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Api(e) | AppError::Retry(e, _) => e.code,
            AppError::Internal(_) => ErrorCode::InternalError,
        }
    }
}

impl From<ErrorCode> for AppError {
    fn from(code: ErrorCode) -> AppError {
        AppError::Api(ApiError::new(code))
    }
}

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> AppError {
        AppError::Api(e)
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> AppError {
        AppError::Internal(e)
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> AppError {
        AppError::Internal(anyhow::Error::new(e).context("database"))
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> AppError {
        let code = match &rejection {
            JsonRejection::MissingJsonContentType(_) => ErrorCode::UnsupportedMediaType,
            JsonRejection::BytesRejection(_)
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                ErrorCode::BodyTooLarge
            }
            _ => ErrorCode::InvalidRequest,
        };
        AppError::with_detail(code, rejection_detail(&rejection))
    }
}

/// What was wrong with a JSON body, naming the field but never repeating its value (a password
/// sent as a number must not come back in the answer).
fn rejection_detail(rejection: &JsonRejection) -> String {
    use std::error::Error;
    match rejection {
        JsonRejection::JsonDataError(e) => {
            // axum wraps serde_path_to_error's error, which knows the field's path.
            let mut source: Option<&(dyn Error + 'static)> = e.source();
            let mut path = None;
            while let Some(s) = source {
                if let Some(e) = s.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
                    path = Some(e.path().to_string());
                    break;
                }
                source = s.source();
            }
            match path.as_deref() {
                Some(".") | None => "the body does not have the expected fields".to_owned(),
                Some(field) => format!("field `{field}` is missing, unknown or of the wrong type"),
            }
        }
        JsonRejection::JsonSyntaxError(_) => "the body is not valid JSON".to_owned(),
        JsonRejection::MissingJsonContentType(_) => {
            "the body must be sent as application/json".to_owned()
        }
        _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => format!(
            "the body is larger than {} bytes",
            crate::json::MAX_BODY_BYTES
        ),
        _ => "the body could not be read".to_owned(),
    }
}

/// The real error behind an `internal_error` answer, for [`log_app_errors`].
#[derive(Debug, Clone)]
struct InternalErrorReport(Arc<anyhow::Error>);

/// The `Retry-After` of an answer, in seconds: a short wait when busy, the limiter's window
/// when rate-limited.
fn retry_after(code: ErrorCode) -> Option<u32> {
    match code {
        ErrorCode::ServerBusy => Some(SERVER_BUSY_RETRY_SECONDS),
        ErrorCode::RateLimited => Some(60),
        _ => None,
    }
}

/// The `Retry-After` of a `server_busy` answer.
pub const SERVER_BUSY_RETRY_SECONDS: u32 = 2;

fn status_of(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::Retry(e, seconds) => {
                let mut response = (status_of(e.code), Json(e)).into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                response
            }
            AppError::Api(e) => {
                let retry_after = retry_after(e.code);
                let mut response = (status_of(e.code), Json(e)).into_response();
                if let Some(seconds) = retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                }
                response
            }
            AppError::Internal(err) => {
                let code = ErrorCode::InternalError;
                let mut response = (status_of(code), Json(ApiError::new(code))).into_response();
                response
                    .extensions_mut()
                    .insert(InternalErrorReport(Arc::new(err)));
                response
            }
        }
    }
}

/// Middleware: logs the real error of every `internal_error` answer.
pub async fn log_app_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if let Some(InternalErrorReport(err)) = response.extensions().get::<InternalErrorReport>() {
        tracing::error!(error = format!("{err:#}"), "internal error");
    }
    response
}

/// Errors of the tower layers (request timeout, load shedding): 503 `server_busy`.
pub async fn overloaded(_: tower::BoxError) -> AppError {
    ErrorCode::ServerBusy.into()
}

/// Fallback under `/api`: 404 `not_found`.
pub async fn api_not_found() -> AppError {
    ErrorCode::NotFound.into()
}

/// Wrong method on an `/api` route: 405 `method_not_allowed`.
pub async fn api_method_not_allowed() -> AppError {
    ErrorCode::MethodNotAllowed.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn timeouts_and_overload_answer_server_busy_with_retry_after() {
        let response = overloaded(Box::new(tower::timeout::error::Elapsed::new()))
            .await
            .into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers()[header::RETRY_AFTER],
            SERVER_BUSY_RETRY_SECONDS.to_string()
        );
    }
}
