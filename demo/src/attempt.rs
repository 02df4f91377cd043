//! Login attempts: a login whose password step passed and whose code step remains.
//!
//! - The browser holds a random token ([`crate::token`]) in the attempt cookie,
//!   `__Host-sesame-attempt` (`sesame-attempt` in dev mode; HttpOnly, SameSite=Strict, Path=/,
//!   Secure outside dev mode, 10 minutes) — the cookie helpers are the session's. Only its
//!   SHA-256 is stored (`login_attempts`), with the portal, identifier, method, steps done,
//!   expiry, the current code's hash and the counters (codes sent, codes checked).
//! - A sent code is 6 digits drawn uniformly from the OS random source, stored as the SHA-256
//!   of the attempt token and the code: bound to this attempt (a code sent for another attempt
//!   never matches) and not testable from the database alone. Valid
//!   [`CODE_LIFE_SECS`](sesame_core::otp::CODE_LIFE_SECS), used once.
//! - Sending is reserved by one conditional `UPDATE` (attempt live, fewer than
//!   [`MAX_SENDS_PER_ATTEMPT`] sends, none in the last
//!   [`RESEND_COOLDOWN_SECS`](sesame_core::otp::RESEND_COOLDOWN_SECS)), so 20 parallel
//!   requests send one code. A failed send keeps the attempt and lifts the cooldown.
//! - The code step is in [`crate::routes::code`].

use crate::audit::{self, AuditEvent, AuditOutcome, Entry};
use crate::db::{self, AttemptRow};
use crate::error::AppError;
use crate::sender::Message;
use crate::session::{cookie_header, read_cookie};
use crate::state::AppState;
use crate::token;
use crate::totp::{self, Params};
use anyhow::anyhow;
use axum::http::{HeaderMap, HeaderValue};
use sesame_core::api::CodeStep;
use sesame_core::otp::{
    mask_email, mask_phone, OtpChannel, OtpSettings, ATTEMPT_LIFE_SECS, CODE_LIFE_SECS,
    MAX_SENDS_PER_ATTEMPT, RESEND_COOLDOWN_SECS,
};
use sesame_core::{ErrorCode, Method, PortalConfig, Step};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// The cookie's name in dev mode (plain HTTP); outside it, with the `__Host-` prefix.
pub const COOKIE_NAME: &str = "sesame-attempt";

/// The attempt cookie's name for this mode.
pub fn cookie_name(dev_mode: bool) -> &'static str {
    if dev_mode {
        COOKIE_NAME
    } else {
        "__Host-sesame-attempt"
    }
}

/// The `Set-Cookie` value that gives the browser the attempt `token`.
pub fn set_cookie(token: &str, dev_mode: bool) -> HeaderValue {
    cookie_header(
        cookie_name(dev_mode),
        token,
        i64::from(ATTEMPT_LIFE_SECS),
        dev_mode,
    )
}

/// The `Set-Cookie` value that removes the attempt cookie.
pub fn clear_cookie(dev_mode: bool) -> HeaderValue {
    cookie_header(cookie_name(dev_mode), "", 0, dev_mode)
}

/// The attempt token of the request's cookies, if well formed.
pub fn token_from(headers: &HeaderMap, dev_mode: bool) -> Option<String> {
    read_cookie(headers, cookie_name(dev_mode))
}

/// What the database keeps of a sent code: bound to the attempt's token.
pub fn code_hash(attempt_token: &str, code: &str) -> String {
    let mut h = Sha256::new();
    h.update(attempt_token.as_bytes());
    h.update(b":");
    h.update(code.as_bytes());
    hex::encode(h.finalize())
}

/// Six digits, uniform, from the OS random source (rejection sampling: no modulo bias).
pub fn random_code() -> anyhow::Result<String> {
    random_digits(6)
}

/// `digits` digits (1 to 9), uniform, from the OS random source (rejection sampling: no
/// modulo bias).
pub fn random_digits(digits: u32) -> anyhow::Result<String> {
    anyhow::ensure!((1..=9).contains(&digits), "{digits} digits");
    let range = 10u32.pow(digits);
    let limit = u32::MAX - u32::MAX % range;
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness: {e}"))?;
        let n = u32::from_le_bytes(bytes);
        if n < limit {
            let width = digits as usize;
            return Ok(format!("{:0width$}", n % range));
        }
    }
}

/// The steps done, as stored.
pub fn steps_to_text(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The steps done, as read (unknown ones left out).
pub fn steps_from_text(text: &str) -> Vec<Step> {
    text.split(',').filter_map(Step::parse).collect()
}

/// The portal's OTP settings; `internal_error` if a portal with a code step has none
/// (validation refuses such a configuration).
pub fn settings(portal: &PortalConfig) -> Result<&OtpSettings, AppError> {
    portal
        .otp
        .as_ref()
        .ok_or_else(|| anyhow!("portal {} has a code step but no otp settings", portal.id).into())
}

/// The TOTP parameters of a portal.
pub fn params(otp: &OtpSettings) -> Params {
    Params {
        digits: otp.digits,
        period: otp.period_secs,
    }
}

/// The seconds until `at`, if in the future.
fn seconds_until(at: Option<i64>, now: i64) -> Option<u32> {
    at.map(|at| at.saturating_sub(now))
        .filter(|s| *s > 0)
        .map(|s| u32::try_from(s).unwrap_or(u32::MAX))
}

/// The code step as the widget sees it, for an attempt of `portal`.
pub async fn code_step(
    state: &AppState,
    portal: &PortalConfig,
    row: &AttemptRow,
    enrol: Option<sesame_core::api::Enrolment>,
) -> Result<CodeStep, AppError> {
    let otp = settings(portal)?;
    let now = state.now();
    let channel = row.channel.as_deref().and_then(OtpChannel::parse);
    let destination = match channel {
        Some(c) if c.is_sent() => {
            let contact = db::find_contact(&state.db, &row.portal, &row.identifier).await?;
            match c {
                OtpChannel::Sms => contact.phone.as_deref().map(mask_phone),
                _ => contact.email.as_deref().map(mask_email),
            }
        }
        _ => None,
    };
    let has_code = row.code_hash.is_some();
    let sent = otp.sending_channels().next().is_some();
    let sends = u32::try_from(row.sends.max(0)).unwrap_or(u32::MAX);
    Ok(CodeStep {
        step: Step::Code,
        channels: otp.channels.clone(),
        channel: channel.filter(|_| has_code),
        destination: destination.filter(|_| has_code),
        digits: otp.digits,
        period: otp.period_secs,
        expires_in: if has_code {
            seconds_until(row.code_expires_at, now)
        } else {
            None
        },
        resend_in: seconds_until(
            row.last_send_at
                .map(|t| t.saturating_add(i64::from(RESEND_COOLDOWN_SECS))),
            now,
        ),
        sends_left: if sent {
            MAX_SENDS_PER_ATTEMPT.saturating_sub(sends)
        } else {
            0
        },
        server_time: now,
        enrol,
    })
}

/// Starts the code step after a right password: stores the attempt, then either prepares the
/// authenticator app (enrolment when the account has none confirmed) or, when the portal sends
/// codes on one channel only, sends the first code. The attempt token and the code step; a
/// failed first send is the `Err` of the second member (the attempt stays: send again).
pub async fn start(
    state: &AppState,
    portal: &PortalConfig,
    identifier: &str,
    method: Method,
    ip: IpAddr,
) -> Result<(String, Result<CodeStep, AppError>), AppError> {
    let otp = settings(portal)?;
    let now = state.now();
    let token = token::new_token()?;
    let hash = token::hash(&token);
    db::create_attempt(
        &state.db,
        &hash,
        portal.id.as_str(),
        identifier,
        method.as_str(),
        &steps_to_text(&[Step::Password]),
        now,
        now.saturating_add(i64::from(ATTEMPT_LIFE_SECS)),
    )
    .await?;
    let mut enrol = None;
    if otp.uses_app() {
        enrol = enrolment_if_needed(state, portal, otp, identifier).await?;
    } else if let Some(channel) = otp.only_sending_channel() {
        let sent = send(state, portal, &token, channel, ip).await;
        return Ok((token, sent));
    }
    let row = db::find_attempt(&state.db, &hash)
        .await?
        .ok_or_else(|| anyhow!("the attempt just stored is gone"))?;
    let step = code_step(state, portal, &row, enrol).await;
    Ok((token, step))
}

/// The enrolment to show when the account has no confirmed authenticator: a pending secret,
/// made now or reused (a reload shows the same QR code).
async fn enrolment_if_needed(
    state: &AppState,
    portal: &PortalConfig,
    otp: &OtpSettings,
    identifier: &str,
) -> Result<Option<sesame_core::api::Enrolment>, AppError> {
    let id = portal.id.as_str();
    let aad = secret_aad(id, identifier);
    let row = match db::find_totp(&state.db, id, identifier).await? {
        Some(row) => row,
        None => {
            let secret = totp::new_secret()?;
            let sealed = state.secret_box()?.seal(&secret, &aad)?;
            db::insert_pending_totp(&state.db, id, identifier, &sealed, state.now()).await?;
            // Another request may have stored one first: read what is there.
            db::find_totp(&state.db, id, identifier)
                .await?
                .ok_or_else(|| anyhow!("the pending secret just stored is gone"))?
        }
    };
    if row.confirmed != 0 {
        return Ok(None);
    }
    let secret = state.secret_box()?.open(&row.secret_sealed, &aad)?;
    Ok(Some(totp::enrolment(
        &secret,
        params(otp),
        &portal.name,
        identifier,
    )?))
}

/// The associated data a secret is sealed with: its account.
pub fn secret_aad(portal: &str, identifier: &str) -> String {
    format!("{portal}\u{0}{identifier}")
}

/// Sends a new code on `channel` for the attempt of `token` (reserving the send first); the
/// code step after it.
pub async fn send(
    state: &AppState,
    portal: &PortalConfig,
    token: &str,
    channel: OtpChannel,
    ip: IpAddr,
) -> Result<CodeStep, AppError> {
    let otp = settings(portal)?;
    if !channel.is_sent() || !otp.channels.contains(&channel) {
        return Err(ErrorCode::MethodNotAvailable.into());
    }
    let hash = token::hash(token);
    let now = state.now();
    let current = db::find_attempt(&state.db, &hash)
        .await?
        .filter(|row| row.expires_at > now && row.portal == portal.id.as_str())
        .ok_or(ErrorCode::AttemptExpired)?;
    let contact = db::find_contact(&state.db, &current.portal, &current.identifier).await?;
    let to = match channel {
        OtpChannel::Sms => contact.phone,
        _ => contact.email,
    }
    // The account has nowhere to send this channel's codes.
    .ok_or(ErrorCode::MethodNotAvailable)?;
    let code = zeroize::Zeroizing::new(random_code()?);
    let code_hash = code_hash(token, &code);
    let reserved = db::reserve_send(
        &state.db,
        &hash,
        channel.as_str(),
        &code_hash,
        now,
        now.saturating_add(i64::from(CODE_LIFE_SECS)),
        now.saturating_sub(i64::from(RESEND_COOLDOWN_SECS)),
        i64::from(MAX_SENDS_PER_ATTEMPT),
    )
    .await?;
    let audit = |outcome| Entry {
        at: now,
        event: AuditEvent::SendCode,
        portal: portal.id.as_str(),
        identifier: &current.identifier,
        ip,
        outcome,
    };
    let Some(row) = reserved else {
        // Why not: read again (another request may have changed it).
        let row = db::find_attempt(&state.db, &hash)
            .await?
            .filter(|row| row.expires_at > now)
            .ok_or(ErrorCode::AttemptExpired)?;
        if row.sends >= i64::from(MAX_SENDS_PER_ATTEMPT) {
            return Err(ErrorCode::TooManySends.into());
        }
        let wait = seconds_until(
            row.last_send_at
                .map(|t| t.saturating_add(i64::from(RESEND_COOLDOWN_SECS))),
            now,
        )
        .unwrap_or(1);
        return Err(AppError::retry_after(ErrorCode::ResendTooSoon, wait));
    };
    let message = Message {
        channel,
        to,
        subject: format!("{} : votre code de connexion", portal.name),
        body: message_text(&portal.name, &code, channel),
        at: now,
    };
    let sender = state
        .senders
        .for_channel(channel)
        .ok_or(ErrorCode::MethodNotAvailable)?;
    if let Err(e) = sender.send(&message).await {
        // Logged without the message (it holds the code) nor the destination.
        tracing::warn!(
            channel = channel.as_str(),
            error = format!("{e:#}"),
            "send failed"
        );
        db::release_send(&state.db, &hash, &code_hash).await?;
        audit::record(&state.db, audit(AuditOutcome::SendFailed)).await?;
        return Err(ErrorCode::SendFailed.into());
    }
    audit::record(&state.db, audit(AuditOutcome::CodeSent)).await?;
    code_step(state, portal, &row, None).await
}

/// The message that carries a code, in French (the portals' language), with what to do.
pub fn message_text(portal_name: &str, code: &str, channel: OtpChannel) -> String {
    let grouped = format!(
        "{} {}",
        &code[..3.min(code.len())],
        &code[3.min(code.len())..]
    );
    match channel {
        OtpChannel::Sms => format!(
            "{portal_name} : votre code de connexion est {grouped}. Il est valable 10 minutes. \
             Ne le communiquez à personne."
        ),
        _ => format!(
            "Bonjour,\n\nVotre code de connexion à {portal_name} est : {grouped}\n\n\
             Saisissez-le sur la page de connexion. Il est valable 10 minutes et ne sert \
             qu'une fois.\nSi vous n'avez pas demandé à vous connecter, ne le communiquez à \
             personne et prévenez l'assistance du portail.\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_bound_to_their_attempt() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let code = random_code().unwrap();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
            seen.insert(code);
        }
        assert!(seen.len() > 190, "random");
        assert_ne!(code_hash("a", "123456"), code_hash("b", "123456"));
        assert_eq!(
            steps_from_text(&steps_to_text(&[Step::Password, Step::Code])),
            [Step::Password, Step::Code]
        );
        let sms = message_text("SPICO", "123456", OtpChannel::Sms);
        assert!(sms.contains("123 456"), "{sms}");
    }
}
