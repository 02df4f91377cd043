//! The database: connection pool, embedded migrations, and every query (accounts and their
//! failure counters, trusted devices, sessions, audit log).
//!
//! Queries use `$n` placeholders and standard SQL so they stay valid for PostgreSQL.

use anyhow::Context;
use sesame_core::api::SessionInfo;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

/// The pool type.
pub type Db = SqlitePool;

/// Opens the database at `url` and applies the migrations of `demo/migrations/`.
/// An in-memory URL (`sqlite::memory:`) gets a single, never-recycled connection, so every
/// query sees the same database.
pub async fn connect(url: &str) -> anyhow::Result<Db> {
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("DATABASE_URL {:?} is not an SQLite URL", redact(url)))?
        .create_if_missing(true)
        .foreign_keys(true);
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let mut pool = SqlitePoolOptions::new().acquire_timeout(Duration::from_secs(3));
    pool = if in_memory {
        pool.max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
    } else {
        pool.max_connections(5)
    };
    let db = pool
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open the database {:?}", redact(url)))?;
    sqlx::migrate!("./migrations")
        .run(&db)
        .await
        .context("cannot apply the database migrations")?;
    Ok(db)
}

/// `url` with the password of its user information (`scheme://user:password@host`) hidden, for
/// error messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split_once(':').map_or(user_info, |(u, _)| u);
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

/// An account row.
#[derive(Clone, sqlx::FromRow)]
pub struct Account {
    /// Portal id.
    pub portal: String,
    /// Identifier.
    pub identifier: String,
    /// Name to greet with.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Consecutive failures.
    pub failures: i64,
    /// Last failure, Unix seconds.
    pub last_failure: Option<i64>,
}

impl std::fmt::Debug for Account {
    /// Hides the identifier and the hash.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("portal", &self.portal)
            .field("identifier", &"***")
            .field("failures", &self.failures)
            .finish_non_exhaustive()
    }
}

/// The account `identifier` of `portal`, if any.
pub async fn find_account(
    db: &Db,
    portal: &str,
    identifier: &str,
) -> sqlx::Result<Option<Account>> {
    sqlx::query_as::<_, Account>(
        "SELECT portal, identifier, display_name, password_hash, failures, last_failure \
         FROM accounts WHERE portal = $1 AND identifier = $2",
    )
    .bind(portal)
    .bind(identifier)
    .fetch_optional(db)
    .await
}

/// Replaces an account's password hash.
pub async fn set_password_hash<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    portal: &str,
    identifier: &str,
    hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE accounts SET password_hash = $1 WHERE portal = $2 AND identifier = $3")
        .bind(hash)
        .bind(portal)
        .bind(identifier)
        .execute(db)
        .await?;
    Ok(())
}

/// Creates or resets an account (seeding): the password, name and failure count are set anew.
pub async fn upsert_account(
    db: &Db,
    portal: &str,
    identifier: &str,
    display_name: &str,
    hash: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO accounts (portal, identifier, display_name, password_hash, failures, last_failure) \
         VALUES ($1, $2, $3, $4, 0, NULL) \
         ON CONFLICT (portal, identifier) DO UPDATE SET display_name = excluded.display_name, \
         password_hash = excluded.password_hash, failures = 0, last_failure = NULL",
    )
    .bind(portal)
    .bind(identifier)
    .bind(display_name)
    .bind(hash)
    .execute(db)
    .await?;
    Ok(())
}

/// A failure counter: the account's own (strict, for untrusted browsers) or a trusted device's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counter {
    /// The account's counter.
    Account {
        /// Portal id.
        portal: String,
        /// Identifier.
        identifier: String,
        /// Consecutive failures, as read.
        failures: i64,
        /// Last failure, as read.
        last_failure: Option<i64>,
    },
    /// A trusted device's counter.
    Device {
        /// SHA-256 of the device cookie's token.
        token_hash: String,
        /// Consecutive failures, as read.
        failures: i64,
        /// Last failure, as read.
        last_failure: Option<i64>,
    },
}

impl Counter {
    /// The count as read.
    pub fn failures(&self) -> i64 {
        match self {
            Counter::Account { failures, .. } | Counter::Device { failures, .. } => *failures,
        }
    }

    /// The count as core's lockout functions take it.
    pub fn failure_count(&self) -> u32 {
        u32::try_from(self.failures().max(0)).unwrap_or(u32::MAX)
    }

    /// The last failure as read.
    pub fn last_failure(&self) -> Option<i64> {
        match self {
            Counter::Account { last_failure, .. } | Counter::Device { last_failure, .. } => {
                *last_failure
            }
        }
    }
}

/// Counts an attempt as a failure before it is checked, if the count is still `expected`
/// (the count the lockout gate was computed on); the new count, or `None` if nothing matched
/// (another attempt came first, or there is no such account).
pub async fn reserve_attempt(
    db: &Db,
    counter: &Counter,
    expected: i64,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    match counter {
        Counter::Account {
            portal, identifier, ..
        } => {
            sqlx::query_scalar(
                "UPDATE accounts SET failures = failures + 1, last_failure = $1 \
                 WHERE portal = $2 AND identifier = $3 AND failures = $4 RETURNING failures",
            )
            .bind(now)
            .bind(portal)
            .bind(identifier)
            .bind(expected)
            .fetch_optional(db)
            .await
        }
        Counter::Device { token_hash, .. } => {
            sqlx::query_scalar(
                "UPDATE trusted_devices SET failures = failures + 1, last_failure = $1 \
                 WHERE token_hash = $2 AND failures = $3 RETURNING failures",
            )
            .bind(now)
            .bind(token_hash)
            .bind(expected)
            .fetch_optional(db)
            .await
        }
    }
}

/// The write an attempt that counts nothing makes instead of its reservation (an unknown
/// account, a delayed or locked one), so that every failure costs the same disk writes.
pub async fn write_decoy(db: &Db) -> sqlx::Result<()> {
    sqlx::query("UPDATE timing_decoy SET writes = writes + 1 WHERE id = 1")
        .execute(db)
        .await
        .map(drop)
}

/// The counter as stored now.
pub async fn read_counter(db: &Db, counter: &Counter) -> sqlx::Result<Option<Counter>> {
    let row: Option<(i64, Option<i64>)> =
        match counter {
            Counter::Account {
                portal, identifier, ..
            } => sqlx::query_as(
                "SELECT failures, last_failure FROM accounts WHERE portal = $1 AND identifier = $2",
            )
            .bind(portal)
            .bind(identifier)
            .fetch_optional(db)
            .await?,
            Counter::Device { token_hash, .. } => {
                sqlx::query_as(
                    "SELECT failures, last_failure FROM trusted_devices WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(db)
                .await?
            }
        };
    Ok(row.map(|(failures, last_failure)| {
        let mut c = counter.clone();
        match &mut c {
            Counter::Account {
                failures: f,
                last_failure: l,
                ..
            }
            | Counter::Device {
                failures: f,
                last_failure: l,
                ..
            } => {
                *f = failures;
                *l = last_failure;
            }
        }
        c
    }))
}

/// Sets the counter back to no failure (after a success).
pub async fn reset_counter<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    counter: &Counter,
) -> sqlx::Result<()> {
    match counter {
        Counter::Account {
            portal, identifier, ..
        } => {
            sqlx::query(
                "UPDATE accounts SET failures = 0, last_failure = NULL \
                 WHERE portal = $1 AND identifier = $2",
            )
            .bind(portal)
            .bind(identifier)
            .execute(db)
            .await?
        }
        Counter::Device { token_hash, .. } => sqlx::query(
            "UPDATE trusted_devices SET failures = 0, last_failure = NULL WHERE token_hash = $1",
        )
        .bind(token_hash)
        .execute(db)
        .await?,
    };
    Ok(())
}

/// A trusted device row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Device {
    /// SHA-256 of the device cookie's token.
    pub token_hash: String,
    /// Consecutive failures from this device.
    pub failures: i64,
    /// Last failure, Unix seconds.
    pub last_failure: Option<i64>,
}

/// The unexpired device `token_hash` of that account, if any.
pub async fn find_device(
    db: &Db,
    portal: &str,
    identifier: &str,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<Option<Device>> {
    sqlx::query_as::<_, Device>(
        "SELECT token_hash, failures, last_failure FROM trusted_devices \
         WHERE token_hash = $1 AND portal = $2 AND identifier = $3 AND expires_at > $4",
    )
    .bind(token_hash)
    .bind(portal)
    .bind(identifier)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Trusts a new device for the account (replacing `old`, if given) and removes expired ones.
pub async fn trust_device(
    db: &Db,
    portal: &str,
    identifier: &str,
    token_hash: &str,
    old: Option<&str>,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM trusted_devices WHERE expires_at <= $1 OR token_hash = $2")
        .bind(now)
        .bind(old.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO trusted_devices (token_hash, portal, identifier, failures, last_failure, expires_at) \
         VALUES ($1, $2, $3, 0, NULL, $4)",
    )
    .bind(token_hash)
    .bind(portal)
    .bind(identifier)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Stores a new session (ending the session `replaced`, and every expired one).
pub async fn create_session(
    db: &Db,
    token_hash: &str,
    replaced: Option<&str>,
    info: &SessionInfo,
    expires_at: i64,
) -> sqlx::Result<()> {
    let now = info.authenticated_at;
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR token_hash = $2")
        .bind(now)
        .bind(replaced.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, portal, identifier, method, authenticated_at, expires_at, last_seen) \
         VALUES ($1, $2, $3, $4, $5, $6, $5)",
    )
    .bind(token_hash)
    .bind(info.portal.as_str())
    .bind(&info.identifier)
    .bind(info.method.as_str())
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// A live session, as read by [`touch_session`].
#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    /// Portal id.
    pub portal: String,
    /// Identifier.
    pub identifier: String,
    /// Method (core's `Method::as_str`).
    pub method: String,
    /// Login time.
    pub authenticated_at: i64,
    /// The account's name.
    pub display_name: String,
}

/// The session `token_hash` if it has not expired and was seen after `idle_since`; marks it
/// seen at `now`.
pub async fn touch_session(
    db: &Db,
    token_hash: &str,
    now: i64,
    idle_since: i64,
) -> sqlx::Result<Option<SessionRow>> {
    let touched = sqlx::query(
        "UPDATE sessions SET last_seen = $1 \
         WHERE token_hash = $2 AND expires_at > $1 AND last_seen > $3",
    )
    .bind(now)
    .bind(token_hash)
    .bind(idle_since)
    .execute(db)
    .await?;
    if touched.rows_affected() == 0 {
        return Ok(None);
    }
    sqlx::query_as::<_, SessionRow>(
        "SELECT s.portal, s.identifier, s.method, s.authenticated_at, a.display_name \
         FROM sessions s JOIN accounts a ON a.portal = s.portal AND a.identifier = s.identifier \
         WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// Ends the session with this token hash.
pub async fn delete_session(db: &Db, token_hash: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session of an account except `keep`.
pub async fn delete_other_sessions<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    portal: &str,
    identifier: &str,
    keep: &str,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE portal = $1 AND identifier = $2 AND token_hash <> $3")
        .bind(portal)
        .bind(identifier)
        .bind(keep)
        .execute(db)
        .await?;
    Ok(())
}

/// Appends an audit row.
pub async fn insert_audit<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    entry: &crate::audit::Entry<'_>,
    identifier: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, event, portal, identifier, ip, outcome) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.at)
    .bind(entry.event.as_str())
    .bind(entry.portal)
    .bind(identifier)
    .bind(entry.ip.to_string())
    .bind(entry.outcome.as_str())
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact("postgres://sesame:hunter2@db.example:5432/sesame?sslmode=require"),
            "postgres://sesame:***@db.example:5432/sesame?sslmode=require"
        );
        assert_eq!(
            redact("sqlite://demo.sqlite?mode=rwc"),
            "sqlite://demo.sqlite?mode=rwc"
        );
        assert_eq!(redact("sqlite::memory:"), "sqlite::memory:");
    }

    #[tokio::test]
    async fn connection_errors_do_not_show_the_password() {
        let err = connect("postgres://sesame:hunter2@db.example/sesame")
            .await
            .unwrap_err();
        let text = format!("{err:#}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("***"), "{text}");
    }
}
