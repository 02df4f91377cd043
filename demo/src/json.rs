//! `AppJson<T>`: axum's JSON extractor, with its rejections answered in core's error codes.
//!
//! Missing or wrong content type → 415 `unsupported_media_type`; body over the limit → 413
//! `body_too_large`; anything unreadable (invalid UTF-8 or JSON, wrong types, missing or unknown
//! fields) → 400 `invalid_request`.

use crate::error::AppError;
use axum::extract::{FromRequest, Request};
use axum::Json;
use serde::de::DeserializeOwned;

/// The largest request body the API reads.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// A JSON request body.
#[derive(Debug)]
pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(AppJson(value)),
            Err(rejection) => Err(rejection.into()),
        }
    }
}
