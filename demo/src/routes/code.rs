//! The code step: `POST /api/login/code/send` (a new code by SMS or e-mail) and
//! `POST /api/login/code` (the code → the session).
//!
//! Checking a code, for the attempt of the attempt cookie ([`crate::attempt`]):
//! 1. what was typed must be a code ([`normalize_code`]): else 422 `code_malformed`, and
//!    nothing is counted;
//! 2. the check is counted against the attempt first (one conditional `UPDATE`: at most
//!    [`MAX_WRONG_CODES_PER_ATTEMPT`] checks, whatever runs in parallel); an attempt that is over
//!    answers `attempt_expired` (start again from the password);
//! 3. then against the account's one-time-code counter, with core's lockout schedule and the
//!    password's reservation pattern ([`crate::reservation`]): across attempts, sessions and
//!    parallel requests; a delayed or locked account gets the generic answer without a check;
//! 4. the code is compared: for the app, TOTP within one step either way, a step later than
//!    the last accepted, recorded by one conditional `UPDATE` (a replay loses); for a sent code,
//!    its hash (bound to the attempt), unexpired, used by deleting the attempt where the hash
//!    still matches.
//!
//! Every wrong, expired, replayed or other-attempt code answers the same 401 `invalid_code`
//! after the same statements (the two reservations — or the decoy write — and one audit row);
//! success resets the account's counter, ends the attempt and starts a session whose method
//! and assurance come from core ([`Step::session_method`]).

use crate::attempt::{self, secret_aad, settings};
use crate::audit::{self, AuditEvent, AuditOutcome, Entry};
use crate::db::{self, Counter};
use crate::device;
use crate::error::AppError;
use crate::json::AppJson;
use crate::openapi::CommonErrors;
use crate::rate_limit::ClientIp;
use crate::reservation;
use crate::session;
use crate::state::AppState;
use crate::token;
use crate::totp;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::Json;
use sesame_core::api::{CodeStep, SendCodeRequest, SessionInfo, VerifyCodeRequest};
use sesame_core::lockout::Gate;
use sesame_core::otp::{normalize_code, MAX_WRONG_CODES_PER_ATTEMPT};
use sesame_core::{ApiError, ErrorCode, PortalId, Step};

/// The attempt of the request's cookie: its token and row, if live; else `attempt_expired`.
async fn current_attempt(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(String, db::AttemptRow), AppError> {
    let token =
        attempt::token_from(headers, state.config.dev_mode).ok_or(ErrorCode::AttemptExpired)?;
    let row = db::find_attempt(&state.db, &token::hash(&token))
        .await?
        .filter(|row| row.expires_at > state.now())
        .ok_or(ErrorCode::AttemptExpired)?;
    Ok((token, row))
}

/// An error answer that also removes the attempt cookie (the attempt is over).
fn attempt_over(error: impl Into<AppError>, dev_mode: bool) -> Response {
    (
        [(header::SET_COOKIE, attempt::clear_cookie(dev_mode))],
        error.into(),
    )
        .into_response()
}

/// Sends a new code on a channel.
#[utoipa::path(
    post,
    path = "/api/login/code/send",
    tag = "session",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = SendCodeRequest,
    responses(
        (status = 200, description = "A new code was sent; the code step", body = CodeStep),
        (status = 401, description = "`attempt_expired`: no live login attempt (attempt cookie `__Host-sesame-attempt`): start again from the password", body = ApiError),
        (status = 422, description = "`method_not_available`: the portal does not send codes on this channel, or the account has nowhere to send them", body = ApiError),
        (status = 429, description = "`resend_too_soon` (see `Retry-After`) or `too_many_sends`", body = ApiError),
        (status = 503, description = "`send_failed`: the code could not be sent; the attempt is kept", body = ApiError),
        CommonErrors,
    )
)]
pub async fn send_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(request): AppJson<SendCodeRequest>,
) -> Result<Response, AppError> {
    let dev_mode = state.config.dev_mode;
    let (token, row) = match current_attempt(&state, &headers).await {
        Ok(found) => found,
        Err(e) => return Ok(attempt_over(e, dev_mode)),
    };
    let portal = portal_of(&state, &row.portal)?;
    let step = attempt::send(&state, portal, &token, request.channel, ip).await?;
    Ok(Json(step).into_response())
}

fn portal_of<'s>(state: &'s AppState, id: &str) -> Result<&'s sesame_core::PortalConfig, AppError> {
    PortalId::new(id)
        .ok()
        .and_then(|id| state.portal(&id))
        .ok_or_else(|| anyhow::anyhow!("attempt of an unknown portal {id:?}").into())
}

/// Checks the code of the login attempt; the session on success.
#[utoipa::path(
    post,
    path = "/api/login/code",
    tag = "session",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = VerifyCodeRequest,
    responses(
        (status = 200, description = "Logged in with a strong session: the session cookie is set, the attempt cookie cleared, the device cookie renewed", body = SessionInfo),
        (status = 401, description = "`invalid_code` (wrong, expired, already used, or another attempt's code: one answer), or `attempt_expired` (too old or too many wrong codes: start again from the password; the attempt cookie is cleared)", body = ApiError),
        (status = 422, description = "`code_malformed`: not a code (letters, wrong length); nothing counted", body = ApiError),
        CommonErrors,
    )
)]
pub async fn verify_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(request): AppJson<VerifyCodeRequest>,
) -> Result<Response, AppError> {
    let dev_mode = state.config.dev_mode;
    let now = state.now();
    let (token, row) = match current_attempt(&state, &headers).await {
        Ok(found) => found,
        Err(e) => return Ok(attempt_over(e, dev_mode)),
    };
    let portal = portal_of(&state, &row.portal)?;
    let otp = settings(portal)?;
    // 1. The shape, before anything is counted.
    let code = normalize_code(request.code.expose(), otp.digits)
        .map(zeroize::Zeroizing::new)
        .map_err(|_| ErrorCode::CodeMalformed)?;
    let audit = |outcome| Entry {
        at: now,
        event: AuditEvent::LoginCode,
        portal: portal.id.as_str(),
        identifier: &row.identifier,
        ip,
        outcome,
    };
    // 2. Counted against the attempt.
    let Some(row) = db::reserve_code_check(
        &state.db,
        &row.token_hash,
        now,
        i64::from(MAX_WRONG_CODES_PER_ATTEMPT),
    )
    .await?
    else {
        db::delete_attempt(&state.db, &row.token_hash).await?;
        audit::record(&state.db, audit(AuditOutcome::AttemptOver)).await?;
        return Ok(attempt_over(ErrorCode::AttemptExpired, dev_mode));
    };
    // 3. Counted against the account.
    let counter = db::read_counter(
        &state.db,
        &Counter::Otp {
            portal: row.portal.clone(),
            identifier: row.identifier.clone(),
            failures: 0,
            last_failure: None,
        },
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("attempt without its account"))?;
    let reservation = reservation::reserve(&state.db, counter, true, now).await?;
    // 4. The code itself (computed whatever the gate said, so every path costs the same).
    // Everything is read before the transaction: an in-memory database has one connection.
    enum Match {
        Totp { sealed: String, step: i64 },
        Sent { hash: String },
        None,
    }
    let found = if otp.uses_app() {
        let aad = secret_aad(&row.portal, &row.identifier);
        match db::find_totp(&state.db, &row.portal, &row.identifier).await? {
            Some(secret_row) => {
                let secret = state.secret_box()?.open(&secret_row.secret_sealed, &aad)?;
                let step = totp::verify(
                    &secret,
                    attempt::params(otp),
                    &code,
                    now,
                    secret_row.last_step,
                )?;
                match step {
                    Some(step) => Match::Totp {
                        sealed: secret_row.secret_sealed,
                        step,
                    },
                    None => Match::None,
                }
            }
            None => Match::None,
        }
    } else {
        let hash = attempt::code_hash(&token, &code);
        let matches = row
            .code_hash
            .as_deref()
            .is_some_and(|stored| constant_time_eq(stored.as_bytes(), hash.as_bytes()))
            && row.code_expires_at.is_some_and(|at| at > now);
        if matches {
            Match::Sent { hash }
        } else {
            Match::None
        }
    };
    let mut tx = state.db.begin().await?;
    let accepted = match found {
        _ if !reservation.may_check() => false,
        Match::Totp { sealed, step } => {
            db::accept_totp_step(&mut *tx, &row.portal, &row.identifier, &sealed, step).await?
        }
        Match::Sent { hash } => db::use_sent_code(&mut *tx, &row.token_hash, &hash).await?,
        Match::None => false,
    };
    if !accepted {
        let outcome = match reservation.gate {
            Gate::Open => AuditOutcome::Failure,
            Gate::Delayed { .. } => AuditOutcome::Delayed,
            Gate::Locked { .. } => AuditOutcome::Locked,
            Gate::Blocked => AuditOutcome::Blocked,
        };
        audit::record(&mut *tx, audit(outcome)).await?;
        tx.commit().await?;
        if reservation.gate == Gate::Blocked {
            return Err(ErrorCode::AccountBlocked.into());
        }
        return Err(ErrorCode::InvalidCode.into());
    }
    db::reset_counter(&mut *tx, &reservation.counter).await?;
    db::delete_attempt(&mut *tx, &row.token_hash).await?;
    audit::record(&mut *tx, audit(AuditOutcome::Success)).await?;
    tx.commit().await?;

    let mut done = attempt::steps_from_text(&row.steps_done);
    done.push(Step::Code);
    let account = db::find_account(&state.db, &row.portal, &row.identifier)
        .await?
        .ok_or_else(|| anyhow::anyhow!("attempt without its account"))?;
    let mut info = SessionInfo::new(
        portal.id.clone(),
        account.identifier,
        account.display_name,
        Step::session_method(&done),
        now,
    );
    let session_token = session::create(
        &state,
        &mut info,
        session::token_from(&headers, dev_mode).as_deref(),
    )
    .await?;
    let device_token = device::token_from(&headers, dev_mode);
    let device_hash = match &device_token {
        Some(t) => db::find_device(
            &state.db,
            &account.portal,
            &info.identifier,
            &token::hash(t),
            now,
        )
        .await?
        .map(|d| d.token_hash),
        None => None,
    };
    let device_cookie = device::trust(
        &state.db,
        &account.portal,
        &info.identifier,
        device_hash.as_deref(),
        now,
        dev_mode,
    )
    .await?;
    let cookies = AppendHeaders([
        (
            header::SET_COOKIE,
            session::set_cookie(&session_token, dev_mode),
        ),
        (header::SET_COOKIE, device_cookie),
        (header::SET_COOKIE, attempt::clear_cookie(dev_mode)),
    ]);
    Ok((cookies, Json(info)).into_response())
}

/// Byte-by-byte comparison that takes the same time wherever the first difference is.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
