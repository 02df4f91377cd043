//! CPS card login: `POST /api/login/cps/nonce` (a one-time nonce for this browser) and
//! `POST /api/login/cps` (the card's token → the session). The rules are in [`crate::cps`].
//!
//! The token is checked in this order, each failure with its own code and audit outcome:
//! 1. the portal offers card login (`unknown_portal`, `method_not_available`), and the address
//!    has failures left (`rate_limited`: the attempt is counted now, forgotten on success);
//! 2. the origin: the request's `Origin` header and the body's `origin` are the same, and one
//!    of the portal's (`csrf_rejected`);
//! 3. the fields' shape: algorithm, base64, DER (`invalid_request`; the nonce is kept);
//! 4. the nonce, used once by the browser it was issued to, within its life
//!    (`cps_nonce_invalid`: unknown, used, expired and another browser's alike);
//! 5. the certificate (`cps_certificate_refused`), then the signature over
//!    [`to_be_signed`]`(origin, nonce)` (`cps_signature_invalid`);
//! 6. the holder's account on the portal (`cps_holder_unknown`).
//!
//! Success starts a session with method `cps` (strong, from core) and clears the CPS cookie.
//! The audit log records the outcome, and the identifier only on success; never the
//! certificate, the nonce or the signature.

use crate::audit::{self, AuditEvent, AuditOutcome, Entry};
use crate::cps::{self, CardAlgorithm};
use crate::db;
use crate::error::AppError;
use crate::json::AppJson;
use crate::openapi::CommonErrors;
use crate::rate_limit::ClientIp;
use crate::session;
use crate::state::AppState;
use crate::token;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::Json;
use sesame_core::api::{CpsLoginRequest, CpsNonce, SessionInfo, CPS_NONCE_LIFE_SECS};
use sesame_core::host::to_be_signed;
use sesame_core::{ApiError, ErrorCode, Method};

/// A nonce for a CPS card login, bound to this browser.
#[utoipa::path(
    post,
    path = "/api/login/cps/nonce",
    tag = "session",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    responses(
        (status = 200, description = "A nonce to have the card sign, usable once within `expires_in` seconds by this browser: the CPS cookie `__Host-sesame-cps` (`sesame-cps` in dev mode) is set", body = CpsNonce),
        (status = 403, description = "`csrf_rejected`", body = ApiError),
        (status = 429, description = "`rate_limited`: too many failed logins from this address; see `Retry-After`", body = ApiError),
    )
)]
pub async fn nonce(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let now = state.now();
    // An address out of failures gets no nonce either; asking for one counts nothing.
    if state.ip_limiter.recent(ip, now).await? >= crate::rate_limit::MAX_FAILURES_PER_IP {
        return Err(ErrorCode::RateLimited.into());
    }
    let dev_mode = state.config.dev_mode;
    let browser = match cps::token_from(&headers, dev_mode) {
        Some(token) => token,
        None => token::new_token()?,
    };
    let nonce = cps::new_nonce()?;
    let life = i64::from(CPS_NONCE_LIFE_SECS);
    db::insert_cps_nonce(
        &state.db,
        &token::hash(&nonce),
        &token::hash(&browser),
        now,
        now.saturating_sub(life),
    )
    .await?;
    let body = CpsNonce {
        nonce,
        expires_in: CPS_NONCE_LIFE_SECS,
    };
    Ok((
        [(header::SET_COOKIE, cps::set_cookie(&browser, dev_mode))],
        Json(body),
    )
        .into_response())
}

/// Logs in with a CPS card's signature of the nonce.
#[utoipa::path(
    post,
    path = "/api/login/cps",
    tag = "session",
    params(
        ("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)"),
        ("Origin" = String, Header, description = "The portal's origin: the one the card signed for (`origin`)"),
    ),
    request_body = CpsLoginRequest,
    responses(
        (status = 200, description = "Logged in with a strong session (method `cps`): the session cookie is set, the CPS cookie cleared", body = SessionInfo),
        (status = 401, description = "`cps_nonce_invalid` (unknown, used, expired or another browser's nonce: ask for a new one), `cps_certificate_refused` (not issued by a trusted CA, expired or not yet valid, not an authentication certificate) or `cps_signature_invalid` (wrong signature, or an algorithm that does not fit the key)", body = ApiError),
        (status = 403, description = "`cps_holder_unknown`: a valid card whose holder has no account on this portal; `csrf_rejected`: the `Origin` header or the body's `origin` is not the portal's, or they differ", body = ApiError),
        (status = 422, description = "`method_not_available`: the portal does not offer card login", body = ApiError),
        CommonErrors,
    )
)]
pub async fn login_cps(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(request): AppJson<CpsLoginRequest>,
) -> Result<Response, AppError> {
    let now = state.now();
    let dev_mode = state.config.dev_mode;
    let portal = state
        .portal(&request.portal)
        .ok_or(ErrorCode::UnknownPortal)?;
    portal
        .offer(Method::Cps)
        .ok_or(ErrorCode::MethodNotAvailable)?;
    let Some(slot) = state.ip_limiter.try_reserve(ip, now).await? else {
        return Err(ErrorCode::RateLimited.into());
    };
    // One audit row per try: a refusal (no account known yet), or the account logged in.
    let audit = async |identifier: &str, outcome: AuditOutcome| {
        let entry = Entry {
            at: now,
            event: AuditEvent::LoginCps,
            portal: portal.id.as_str(),
            identifier,
            ip,
            outcome,
        };
        audit::record(&state.db, entry).await
    };
    let fail = async |outcome: AuditOutcome, error: AppError| -> Result<Response, AppError> {
        audit("", outcome).await?;
        Err(error)
    };

    // 2. The origin: the browser's and the signed one, both the portal's.
    let mut origins = headers.get_all(header::ORIGIN).iter();
    let header_origin = match (origins.next(), origins.next()) {
        (Some(o), None) => o.to_str().ok(),
        _ => None,
    };
    let allowed = |o: &str| state.allowed_origins().iter().any(|a| a == o);
    if header_origin != Some(request.origin.as_str()) || !allowed(&request.origin) {
        return fail(AuditOutcome::OriginRefused, ErrorCode::CsrfRejected.into()).await;
    }

    // 3. The fields' shape, before the nonce is used.
    let malformed = |field: &str, what: &str| {
        AppError::with_detail(
            ErrorCode::InvalidRequest,
            format!("field `{field}` is not {what}"),
        )
    };
    let Some(algorithm) = CardAlgorithm::parse(&request.algorithm) else {
        let e = malformed("algorithm", "one of RS256, PS256, ES256");
        return fail(AuditOutcome::Malformed, e).await;
    };
    let Some(der) = cps::decode_base64(&request.certificate) else {
        return fail(AuditOutcome::Malformed, malformed("certificate", "base64")).await;
    };
    let Some(certificate) = cps::parse_certificate(&der) else {
        let e = malformed("certificate", "a DER X.509 certificate");
        return fail(AuditOutcome::Malformed, e).await;
    };
    let Some(signature) = cps::decode_base64(&request.signature) else {
        return fail(AuditOutcome::Malformed, malformed("signature", "base64")).await;
    };

    // 4. The nonce, used once by its browser.
    let fresh_since = now.saturating_sub(i64::from(CPS_NONCE_LIFE_SECS));
    let used = match cps::token_from(&headers, dev_mode) {
        Some(browser) => {
            db::consume_cps_nonce(
                &state.db,
                &token::hash(&request.nonce),
                &token::hash(&browser),
                fresh_since,
            )
            .await?
        }
        None => false,
    };
    if !used {
        return fail(
            AuditOutcome::NonceInvalid,
            ErrorCode::CpsNonceInvalid.into(),
        )
        .await;
    }

    // 5. The certificate, then the signature.
    if let Err(code) = cps::check_certificate(state.cps_trust(), now, &certificate) {
        return fail(AuditOutcome::CertificateRefused, code.into()).await;
    }
    let signed = to_be_signed(&request.origin, &request.nonce);
    if let Err(code) = cps::check_signature(&certificate, algorithm, &signed, &signature) {
        return fail(AuditOutcome::SignatureInvalid, code.into()).await;
    }

    // 6. The holder's account.
    let account = match cps::national_id(&certificate) {
        Some(id) => db::find_cps_account(&state.db, portal.id.as_str(), &id).await?,
        None => None,
    };
    let Some(account) = account else {
        return fail(
            AuditOutcome::HolderUnknown,
            ErrorCode::CpsHolderUnknown.into(),
        )
        .await;
    };

    state.ip_limiter.release(slot).await;
    let mut info = SessionInfo::new(
        portal.id.clone(),
        account.identifier,
        account.display_name,
        Method::Cps,
        now,
    );
    let token = session::create(
        &state,
        &mut info,
        session::token_from(&headers, dev_mode).as_deref(),
    )
    .await?;
    audit(&info.identifier, AuditOutcome::Success).await?;
    let cookies = AppendHeaders([
        (header::SET_COOKIE, session::set_cookie(&token, dev_mode)),
        (header::SET_COOKIE, cps::clear_cookie(dev_mode)),
    ]);
    Ok((cookies, Json(info)).into_response())
}
