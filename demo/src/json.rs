//! `AppJson<T>`: axum's JSON extractor (through `#[derive(FromRequest)]`), with its rejections
//! answered in core's error codes by `From<JsonRejection> for AppError`.
//!
//! Missing or wrong content type → 415 `unsupported_media_type`; body over the limit
//! ([`MAX_BODY_BYTES`]) → 413 `body_too_large`; anything unreadable (invalid UTF-8 or JSON,
//! wrong types, missing or unknown fields) → 400 `invalid_request`, whose message names the
//! field at fault but never repeats what it held.

use crate::error::AppError;
use axum::extract::FromRequest;

/// The largest request body the API reads.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// A JSON request body.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct AppJson<T>(pub T);
