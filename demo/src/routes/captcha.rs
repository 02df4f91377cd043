//! `POST /api/login/captcha/challenge?portal=…`: what the captcha step starts with — a new
//! proof-of-work challenge (ALTCHA), or the hosted provider the portal is configured with. The
//! rules are in [`crate::captcha`]; the solution (or the provider's token) comes back in the
//! login's `captcha` field.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use sesame_core::captcha::CaptchaStart;
use sesame_core::{ApiError, ErrorCode, PortalId};

/// The portal whose step starts (optional: without it, a proof-of-work challenge).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ChallengeQuery {
    /// The portal.
    #[param(example = "entractes")]
    portal: Option<String>,
}

/// The start of the captcha step.
#[utoipa::path(
    post,
    path = "/api/login/captcha/challenge",
    tag = "session",
    params(
        ChallengeQuery,
        ("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)"),
    ),
    responses(
        (status = 200, description = "For the proof of work, a challenge (ALTCHA): find the number in `0..=maxnumber` whose SHA-256 of `salt` followed by the number in decimal is `challenge`, then send base64 of `{\"algorithm\",\"challenge\",\"number\",\"salt\",\"signature\"}` as the login's `captcha`, once, before the expiry in the salt (5 minutes). For a portal configured with reCAPTCHA, hCaptcha or Turnstile, `{kind, site_key, script}`: render that provider and send its token.", body = CaptchaStart),
        (status = 400, description = "`invalid_request`: a malformed portal", body = ApiError),
        (status = 403, description = "`csrf_rejected`", body = ApiError),
    )
)]
pub async fn challenge(
    State(state): State<AppState>,
    query: Result<Query<ChallengeQuery>, QueryRejection>,
) -> Result<Json<CaptchaStart>, AppError> {
    let portal = match query.map(|Query(q)| q.portal) {
        Ok(None) => None,
        Ok(Some(id)) => Some(PortalId::new(&id).map_err(|_| ErrorCode::InvalidRequest)?),
        Err(_) => return Err(ErrorCode::InvalidRequest.into()),
    };
    let provider = portal
        .as_ref()
        .and_then(|id| state.portal(id))
        .and_then(|p| p.captcha.as_ref())
        .map(|c| &c.provider);
    if let Some(hosted) = provider.and_then(|p| state.config.captcha.hosted_start(p)) {
        return Ok(Json(CaptchaStart::Hosted(hosted)));
    }
    let challenge = state
        .captcha()?
        .challenge(state.now(), state.config.captcha.max_number)?;
    Ok(Json(CaptchaStart::ProofOfWork(challenge)))
}
