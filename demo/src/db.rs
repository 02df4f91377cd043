//! The database: connection pool, embedded migrations, and the account and session queries.
//!
//! Queries use `$n` placeholders and standard SQL so they stay valid for PostgreSQL.

use anyhow::Context;
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
        .with_context(|| format!("DATABASE_URL {url:?} is not an SQLite URL"))?
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
        .with_context(|| format!("cannot open the database {url:?}"))?;
    sqlx::migrate!("./migrations")
        .run(&db)
        .await
        .context("cannot apply the database migrations")?;
    Ok(db)
}

/// An account row.
#[derive(Debug, Clone, sqlx::FromRow)]
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

impl Account {
    /// The failure count as core's lockout functions take it.
    pub fn failure_count(&self) -> u32 {
        u32::try_from(self.failures.max(0)).unwrap_or(u32::MAX)
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

/// Records the failure count after an attempt (0 and no time after a success).
pub async fn set_failures<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    portal: &str,
    identifier: &str,
    failures: u32,
    last_failure: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE accounts SET failures = $1, last_failure = $2 WHERE portal = $3 AND identifier = $4",
    )
    .bind(i64::from(failures))
    .bind(last_failure)
    .bind(portal)
    .bind(identifier)
    .execute(db)
    .await?;
    Ok(())
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
