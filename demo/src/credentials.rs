//! Checking an identifier and password, with brute-force protection:
//! - per client address, the in-memory [`crate::rate_limit`] counter, which counts an attempt
//!   **before** it is checked (and forgets it after a success);
//! - per account, core's [`lockout`] schedule (delay after 5 failures, lock after 10, blocked
//!   after 100 until a reset), its counters stored in the database. The counter is the account's
//!   own ("strict", shared by every untrusted browser) or, for a browser holding a valid device
//!   cookie for the account ([`crate::device`]), that device's;
//! - every attempt is **reserved** before argon2 runs ([`crate::reservation`], shared with the
//!   one-time codes): one `UPDATE … SET failures = failures + 1 … WHERE failures = <the count
//!   the gate was computed on> RETURNING failures`. Guesses sent in parallel race for that
//!   statement: each checked guess has been counted first, and a guess that lost the race
//!   re-reads the count (and so meets the delay or the lock);
//! - one generic `invalid_credentials` for an unknown account, a wrong password, a delayed or a
//!   locked account, and always one argon2 verification (against a dummy hash when there is no
//!   account to check or the gate is closed), with the same writes on every failure path (the
//!   reservation, or when there is nothing to count a write to the `timing_decoy` row, and one
//!   audit row: measured, a reservation matching no row cost one disk sync less),
//!   so neither the answer nor its timing tells them apart. A success also resets the counter.
//! - only an account blocked after [`lockout::BLOCK_AFTER_FAILURES`] answers otherwise:
//!   `account_blocked`, which tells the person to call support (the count was reached by
//!   whoever chose that identifier, so it reveals nothing they did not know).

use crate::audit::{self, AuditEvent, AuditOutcome, Entry};
use crate::db::{self, Account, Counter};
use crate::error::AppError;
use crate::password_hash;
use crate::state::AppState;
use sesame_core::identifier::MAX_IDENTIFIER_LEN;
use sesame_core::lockout::{self, Gate};
use sesame_core::{ErrorCode, PortalConfig, Secret};
use std::net::IpAddr;

/// An attempt to check. Its `Debug` hides the identifier (people type passwords there).
pub struct Attempt<'a> {
    /// The audit event.
    pub event: AuditEvent,
    /// The portal.
    pub portal: &'a PortalConfig,
    /// The identifier as sent (put in its canonical form here).
    pub identifier: &'a str,
    /// The password.
    pub password: &'a Secret,
    /// The client.
    pub ip: IpAddr,
    /// The device cookie's token, if the browser sent one.
    pub device: Option<&'a str>,
}

impl std::fmt::Debug for Attempt<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attempt")
            .field("event", &self.event)
            .field("portal", &self.portal.id)
            .field("identifier", &"***")
            .field("password", self.password)
            .field("ip", &self.ip)
            .field("device", &self.device.map(|_| "***"))
            .finish()
    }
}

/// A successful check.
#[derive(Debug)]
pub struct Verified {
    /// The account.
    pub account: Account,
    /// The device counter used, if the browser was trusted (its token hash).
    pub device: Option<String>,
}

/// Whether an identifier is worth looking up: not empty, not too long, no control characters.
fn plausible(identifier: &str) -> bool {
    !identifier.is_empty()
        && identifier.chars().count() <= MAX_IDENTIFIER_LEN
        && !identifier.chars().any(char::is_control)
}

/// Checks the attempt; the account on success, `invalid_credentials` (or `rate_limited`,
/// `server_busy`, `account_blocked`) if not.
pub async fn check(state: &AppState, attempt: Attempt<'_>) -> Result<Verified, AppError> {
    let now = state.now();
    let identifier = attempt.portal.identifier.rule.canonical(attempt.identifier);
    let portal = attempt.portal.id.as_str();

    // The address's attempt is counted now, before any check, and given back after a success.
    // A refusal here writes nothing to disk (it would let a flood fill the audit log).
    let Some(ip_slot) = state.ip_limiter.try_reserve(attempt.ip, now).await? else {
        tracing::info!(event = attempt.event.as_str(), portal, ip = %attempt.ip, "rate_limited");
        return Err(ErrorCode::RateLimited.into());
    };
    // A bounded number of argon2 runs at once; the others wait a little, then get 503.
    let permit = match state.hash_permit().await {
        Ok(p) => p,
        Err(e) => {
            state.ip_limiter.release(ip_slot).await;
            return Err(e);
        }
    };

    // An account without a password yet (invited, or signed up and not confirmed) is checked
    // as an unknown one: the dummy hash, the same answer.
    let account = if plausible(&identifier) {
        db::find_account(&state.db, portal, &identifier)
            .await?
            .filter(Account::logs_in_with_password)
    } else {
        None
    };
    let device = match (&account, attempt.device) {
        (Some(_), Some(token)) => {
            db::find_device(
                &state.db,
                portal,
                &identifier,
                &crate::token::hash(token),
                now,
            )
            .await?
        }
        _ => None,
    };
    let counter = match &device {
        Some(d) => Counter::Device {
            token_hash: d.token_hash.clone(),
            failures: d.failures,
            last_failure: d.last_failure,
        },
        None => Counter::Account {
            portal: portal.to_owned(),
            identifier: identifier.clone(),
            failures: account.as_ref().map_or(0, |a| a.failures),
            last_failure: account.as_ref().and_then(|a| a.last_failure),
        },
    };

    // Reserve: count the attempt if the gate is open on the count just read. An unknown account
    // runs the same statement (it matches no row).
    let reservation =
        crate::reservation::reserve(&state.db, counter, account.is_some(), now).await?;
    let (gate, counter, reserved) = (reservation.gate, reservation.counter, reservation.reserved);

    let hash = match (&account, reserved) {
        (Some(a), true) => a.password_hash.clone(),
        _ => password_hash::dummy_hash()?.to_owned(),
    };
    let matches = password_hash::verify_blocking(attempt.password.clone(), hash).await?;
    drop(permit);

    let known = account.is_some();
    // The identifier is recorded only when it names an account: people sometimes type their
    // password in the identifier field, and the audit log must never hold a password.
    let audit = |outcome: AuditOutcome| Entry {
        at: now,
        event: attempt.event,
        portal,
        identifier: if known { &identifier } else { "" },
        ip: attempt.ip,
        outcome,
    };
    let mut tx = state.db.begin().await?;
    let outcome = match (account, gate) {
        (None, _) => AuditOutcome::UnknownAccount,
        (Some(_), Gate::Delayed { .. }) => AuditOutcome::Delayed,
        (Some(_), Gate::Locked { .. }) => AuditOutcome::Locked,
        (Some(_), Gate::Blocked) => AuditOutcome::Blocked,
        (Some(a), Gate::Open) if matches => {
            db::reset_counter(&mut *tx, &counter).await?;
            audit::record(&mut *tx, audit(AuditOutcome::Success)).await?;
            tx.commit().await?;
            state.ip_limiter.release(ip_slot).await;
            return Ok(Verified {
                account: a,
                device: device.map(|d| d.token_hash),
            });
        }
        (Some(_), Gate::Open) => {
            if counter.failure_count().saturating_add(1) >= lockout::LOCK_AFTER_FAILURES {
                AuditOutcome::FailureNowLocked
            } else {
                AuditOutcome::Failure
            }
        }
    };
    audit::record(&mut *tx, audit(outcome)).await?;
    tx.commit().await?;
    if outcome == AuditOutcome::Blocked && device.is_none() {
        return Err(ErrorCode::AccountBlocked.into());
    }
    Err(ErrorCode::InvalidCredentials.into())
}
