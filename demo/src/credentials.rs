//! Checking an identifier and password, with brute-force protection:
//! - per account, core's [`lockout`] schedule (delay after 5 failures, lock after 10), its
//!   counters stored in the database;
//! - per client address, the in-memory [`crate::rate_limit`] counter;
//! - one generic `invalid_credentials` for an unknown account, a wrong password, a delayed or a
//!   locked account, and always one argon2 verification (against a dummy hash when there is no
//!   account to check), so neither the answer nor its timing tells them apart.

use crate::audit::{self, Entry};
use crate::db::{self, Account};
use crate::error::AppError;
use crate::password_hash;
use crate::state::AppState;
use sesame_core::identifier::MAX_IDENTIFIER_LEN;
use sesame_core::lockout::{self, Gate};
use sesame_core::{ErrorCode, PortalConfig, Secret};
use std::net::IpAddr;

/// An attempt to check.
#[derive(Debug)]
pub struct Attempt<'a> {
    /// The audit event name.
    pub event: &'static str,
    /// The portal.
    pub portal: &'a PortalConfig,
    /// The identifier as sent (trimmed here).
    pub identifier: &'a str,
    /// The password.
    pub password: &'a Secret,
    /// The client.
    pub ip: IpAddr,
}

/// Whether an identifier is worth looking up: not empty, not too long, no control characters.
fn plausible(identifier: &str) -> bool {
    !identifier.is_empty()
        && identifier.chars().count() <= MAX_IDENTIFIER_LEN
        && !identifier.chars().any(char::is_control)
}

/// Checks the attempt; the account on success, `invalid_credentials` (or `rate_limited`) if not.
pub async fn check(state: &AppState, attempt: Attempt<'_>) -> Result<Account, AppError> {
    let now = state.now();
    let identifier = attempt.identifier.trim();
    let portal = attempt.portal.id.as_str();
    // The identifier is recorded only when it names an account: people sometimes type their
    // password in the identifier field, and the audit log must never hold a password.
    let audit = |outcome: &'static str, known: bool| Entry {
        at: now,
        event: attempt.event,
        portal,
        identifier: if known { identifier } else { "" },
        ip: attempt.ip,
        outcome,
    };

    if state.ip_limiter.is_limited(attempt.ip, now) {
        audit::record(&state.db, audit("rate_limited", false)).await?;
        return Err(ErrorCode::RateLimited.into());
    }

    let account = if plausible(identifier) {
        db::find_account(&state.db, portal, identifier).await?
    } else {
        None
    };
    let gate = account.as_ref().map_or(Gate::Open, |a| {
        lockout::gate(a.failure_count(), a.last_failure, now)
    });
    let hash = match (&account, gate) {
        (Some(a), Gate::Open) => a.password_hash.clone(),
        _ => password_hash::dummy_hash()?.to_owned(),
    };
    let matches = password_hash::verify_blocking(attempt.password.clone(), hash).await?;

    let known = account.is_some();
    // One transaction, one commit, on every path: the number of disk syncs does not tell a
    // known account from an unknown one either.
    let mut tx = state.db.begin().await?;
    let outcome = match (account, gate) {
        (None, _) => "unknown_account",
        (Some(_), Gate::Delayed { .. }) => "delayed",
        (Some(_), Gate::Locked { .. }) => "locked",
        (Some(a), Gate::Open) if matches => {
            db::set_failures(&mut *tx, portal, &a.identifier, 0, None).await?;
            audit::record(&mut *tx, audit("success", true)).await?;
            tx.commit().await?;
            return Ok(a);
        }
        (Some(a), Gate::Open) => {
            let failures = lockout::effective_failures(a.failure_count(), a.last_failure, now)
                .saturating_add(1);
            db::set_failures(&mut *tx, portal, &a.identifier, failures, Some(now)).await?;
            if failures >= lockout::LOCK_AFTER_FAILURES {
                "failure_now_locked"
            } else {
                "failure"
            }
        }
    };
    state.ip_limiter.record_failure(attempt.ip, now);
    audit::record(&mut *tx, audit(outcome, known)).await?;
    tx.commit().await?;
    Err(ErrorCode::InvalidCredentials.into())
}
