//! `POST /api/login/captcha/challenge`: a new proof-of-work challenge (ALTCHA) for the
//! captcha step. The rules are in [`crate::captcha`]; the solution comes back in the login's
//! `captcha` field.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use sesame_core::captcha::CaptchaChallenge;
use sesame_core::ApiError;

/// A new proof-of-work challenge.
#[utoipa::path(
    post,
    path = "/api/login/captcha/challenge",
    tag = "session",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    responses(
        (status = 200, description = "A challenge (ALTCHA): find the number in `0..=maxnumber` whose SHA-256 of `salt` followed by the number in decimal is `challenge`, then send base64 of `{\"algorithm\",\"challenge\",\"number\",\"salt\",\"signature\"}` as the login's `captcha`, once, before the expiry in the salt (5 minutes)", body = CaptchaChallenge),
        (status = 403, description = "`csrf_rejected`", body = ApiError),
    )
)]
pub async fn challenge(State(state): State<AppState>) -> Result<Json<CaptchaChallenge>, AppError> {
    let challenge = state
        .captcha()?
        .challenge(state.now(), state.config.captcha.max_number)?;
    Ok(Json(challenge))
}
