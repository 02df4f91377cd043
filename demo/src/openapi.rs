//! The OpenAPI document of the portal API, generated from core's wire types.

use crate::routes::{change_password, login, logout, session};
use axum::Json;
use sesame_core::api::{ChangePasswordRequest, LoginPasswordRequest, SessionInfo};
use sesame_core::password::RuleOutcome;
use sesame_core::{ApiError, AssuranceLevel, ErrorCode, Method};
use utoipa::OpenApi;

/// The API's document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sésame portal API",
        description = "Login endpoints of a Sésame portal. Errors are `ApiError` JSON with a stable `code`. \
            Every POST must carry `x-sesame-csrf: 1`. The session is the HttpOnly `sesame_session` cookie."
    ),
    paths(
        login::login_password,
        logout::logout,
        session::current_session,
        change_password::change_password,
        openapi_json
    ),
    components(schemas(
        LoginPasswordRequest,
        ChangePasswordRequest,
        SessionInfo,
        ApiError,
        ErrorCode,
        RuleOutcome,
        Method,
        AssuranceLevel
    )),
    tags((name = "session", description = "Log in, log out, session, password change"))
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "session",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
