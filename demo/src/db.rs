//! The database: connection pool, embedded migrations, and every query (accounts and their
//! failure counters, trusted devices, sessions, audit log; for one-time codes: authenticator
//! secrets, login attempts, the outbox; the captcha solutions already used; the account
//! journeys' links and the terms accepted).
//!
//! One pool type for both databases the demo runs on, chosen by `DATABASE_URL`: SQLite
//! (`sqlite:…`) or PostgreSQL (`postgres://…`), through sqlx's `Any` driver. Every query is
//! written once, for both: `$n` placeholders, `BIGINT` / `TEXT` columns (the types `Any`
//! carries: i64, String, Option of those), `ON CONFLICT`, `RETURNING`, no `rowid`, no
//! PRAGMA (but SQLite's foreign keys at connect), no date function (times are Unix seconds bound by the caller). The one
//! PostgreSQL-only statement is the QR code's move with its `NOTIFY` ([`is_postgres`],
//! `crate::qr::move_state`). The migrations of `demo/migrations/` run on both.

use anyhow::Context;
use sesame_core::api::SessionInfo;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, ConnectOptions, Connection};
use std::str::FromStr;
use std::time::Duration;

/// The pool type: SQLite or PostgreSQL, as `DATABASE_URL` says.
pub type Db = AnyPool;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite:…`
    Sqlite,
    /// `postgres://…` or `postgresql://…`
    Postgres,
}

impl Backend {
    /// The database `url` names; an error naming the (redacted) URL otherwise.
    pub fn of(url: &str) -> anyhow::Result<Backend> {
        let scheme = url.split_once(':').map_or("", |(s, _)| s);
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => anyhow::bail!(
                "DATABASE_URL {:?} is neither an SQLite (sqlite:…) nor a PostgreSQL \
                 (postgres://…) URL",
                redact(url)
            ),
        }
    }
}

/// Whether the pool is on PostgreSQL (where a QR code's move also sends a `NOTIFY`).
pub fn is_postgres(db: &Db) -> bool {
    matches!(
        db.connect_options().database_url.scheme(),
        "postgres" | "postgresql"
    )
}

/// Opens the database at `url` and applies the migrations of `demo/migrations/`.
/// SQLite: the file is created if missing, foreign keys are on, and an in-memory URL
/// (`sqlite::memory:`) gets a single, never-recycled connection, so every query sees the same
/// database. PostgreSQL: the database must exist (the tables are created by the migrations).
pub async fn connect(url: &str) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of(url)?;
    let options = AnyConnectOptions::from_str(url)
        .with_context(|| format!("DATABASE_URL {:?} cannot be read", redact(url)))?;
    let mut pool = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(3));
    pool = match backend {
        Backend::Sqlite => {
            // `Any` opens SQLite from the URL alone: create the file first with the SQLite
            // driver's own options (`create_if_missing`), then turn foreign keys on for every
            // connection of the pool (sqlx's SQLite default, said explicitly).
            let sqlite = SqliteConnectOptions::from_str(url)
                .with_context(|| format!("DATABASE_URL {:?} is not an SQLite URL", redact(url)))?
                .create_if_missing(true)
                .foreign_keys(true);
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            if !in_memory {
                sqlite
                    .connect()
                    .await
                    .with_context(|| format!("cannot open the database {:?}", redact(url)))?
                    .close()
                    .await
                    .ok();
            }
            let pool = pool.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query("PRAGMA foreign_keys = ON")
                        .execute(conn)
                        .await
                        .map(drop)
                })
            });
            if in_memory {
                pool.max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
            } else {
                pool.max_connections(5)
            }
        }
        Backend::Postgres => pool.max_connections(10),
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

/// Whether `text` can be stored and compared on both databases: PostgreSQL's text holds no
/// NUL character (SQLite's does). Text from outside (an identifier, a subject) with one
/// names no row: the lookups below answer "none" for it instead of a database error.
pub fn storable(text: &str) -> bool {
    !text.contains('\0')
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
    /// What the account may do ([`AccountStatus`]'s stored form).
    pub account_status: String,
}

impl Account {
    /// Whether the account logs in with a password: active (not invited without a password
    /// yet, nor signed up and unconfirmed).
    pub fn logs_in_with_password(&self) -> bool {
        self.account_status == AccountStatus::Active.as_str()
    }
}

/// What an account may do (`accounts.account_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    /// It logs in.
    Active,
    /// Created without a password (an invitation): it logs in with one once it is set through
    /// its first-login link.
    Invited,
    /// Signed up, not confirmed: it cannot log in.
    Pending,
}

impl AccountStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Invited => "invited",
            AccountStatus::Pending => "pending",
        }
    }
}

/// The `password_hash` of an account without a password: no PHC string, so no password ever
/// verifies against it (and the login does not try: such an account is not active).
pub const NO_PASSWORD: &str = "!";

impl std::fmt::Debug for Account {
    /// Hides the identifier and the hash.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("portal", &self.portal)
            .field("identifier", &"***")
            .field("failures", &self.failures)
            .field("account_status", &self.account_status)
            .finish_non_exhaustive()
    }
}

/// The columns of [`Account`], for `concat!` (sqlx takes only static SQL).
macro_rules! account_columns {
    () => {
        "portal, identifier, display_name, password_hash, failures, last_failure, account_status"
    };
}

/// The account `identifier` of `portal`, if any.
pub async fn find_account(
    db: &Db,
    portal: &str,
    identifier: &str,
) -> sqlx::Result<Option<Account>> {
    if !storable(identifier) {
        return Ok(None);
    }
    sqlx::query_as::<_, Account>(concat!(
        "SELECT ",
        account_columns!(),
        " FROM accounts WHERE portal = $1 AND identifier = $2"
    ))
    .bind(portal)
    .bind(identifier)
    .fetch_optional(db)
    .await
}

/// The accounts of `portal` whose e-mail address is `email` (compared in lower case), in
/// identifier order.
pub async fn find_accounts_by_email(
    db: &Db,
    portal: &str,
    email: &str,
) -> sqlx::Result<Vec<Account>> {
    if !storable(email) {
        return Ok(Vec::new());
    }
    sqlx::query_as::<_, Account>(concat!(
        "SELECT ",
        account_columns!(),
        " FROM accounts WHERE portal = $1 AND LOWER(email) = $2 ORDER BY identifier"
    ))
    .bind(portal)
    .bind(email.trim().to_lowercase())
    .fetch_all(db)
    .await
}

/// Creates an account that logs in with no password yet (`status` invited or pending), unless
/// one has this identifier already; whether it was created.
pub async fn insert_account_without_password<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    portal: &str,
    identifier: &str,
    display_name: &str,
    contact: &Contact,
    status: AccountStatus,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO accounts (portal, identifier, display_name, password_hash, failures, \
         last_failure, phone, email, otp_failures, otp_last_failure, account_status) \
         VALUES ($1, $2, $3, $4, 0, NULL, $5, $6, 0, NULL, $7) \
         ON CONFLICT (portal, identifier) DO NOTHING",
    )
    .bind(portal)
    .bind(identifier)
    .bind(display_name)
    .bind(NO_PASSWORD)
    .bind(contact.phone.as_deref())
    .bind(contact.email.as_deref())
    .bind(status.as_str())
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets what an account may do.
pub async fn set_account_status<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    portal: &str,
    identifier: &str,
    status: AccountStatus,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE accounts SET account_status = $1 WHERE portal = $2 AND identifier = $3")
        .bind(status.as_str())
        .bind(portal)
        .bind(identifier)
        .execute(db)
        .await
        .map(drop)
}

/// Every failure counter of an account back to none: the password's, the one-time codes', and
/// its trusted devices'. After a reset by e-mail (what support's reset did).
pub async fn clear_counters<E>(db: &mut E, portal: &str, identifier: &str) -> sqlx::Result<()>
where
    E: Send,
    for<'c> &'c mut E: sqlx::AnyExecutor<'c>,
{
    sqlx::query(
        "UPDATE accounts SET failures = 0, last_failure = NULL, otp_failures = 0, \
         otp_last_failure = NULL WHERE portal = $1 AND identifier = $2",
    )
    .bind(portal)
    .bind(identifier)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "UPDATE trusted_devices SET failures = 0, last_failure = NULL \
         WHERE portal = $1 AND identifier = $2",
    )
    .bind(portal)
    .bind(identifier)
    .execute(&mut *db)
    .await
    .map(drop)
}

/// Ends every session of an account, and every login attempt waiting for its code step.
pub async fn end_account_sessions<E>(db: &mut E, portal: &str, identifier: &str) -> sqlx::Result<()>
where
    E: Send,
    for<'c> &'c mut E: sqlx::AnyExecutor<'c>,
{
    sqlx::query("DELETE FROM sessions WHERE portal = $1 AND identifier = $2")
        .bind(portal)
        .bind(identifier)
        .execute(&mut *db)
        .await?;
    sqlx::query("DELETE FROM login_attempts WHERE portal = $1 AND identifier = $2")
        .bind(portal)
        .bind(identifier)
        .execute(&mut *db)
        .await
        .map(drop)
}

/// Replaces an account's password hash.
pub async fn set_password_hash<'e>(
    db: impl sqlx::AnyExecutor<'e>,
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

/// Creates or resets an account (seeding): the password, name, phone, e-mail and both failure
/// counts are set anew, and it is active (an authenticator app already set up is kept).
pub async fn upsert_account(
    db: &Db,
    portal: &str,
    identifier: &str,
    display_name: &str,
    hash: &str,
    contact: &Contact,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO accounts (portal, identifier, display_name, password_hash, failures, last_failure, \
         phone, email, otp_failures, otp_last_failure) \
         VALUES ($1, $2, $3, $4, 0, NULL, $5, $6, 0, NULL) \
         ON CONFLICT (portal, identifier) DO UPDATE SET display_name = excluded.display_name, \
         password_hash = excluded.password_hash, failures = 0, last_failure = NULL, \
         phone = excluded.phone, email = excluded.email, otp_failures = 0, otp_last_failure = NULL, \
         account_status = 'active'",
    )
    .bind(portal)
    .bind(identifier)
    .bind(display_name)
    .bind(hash)
    .bind(contact.phone.as_deref())
    .bind(contact.email.as_deref())
    .execute(db)
    .await?;
    Ok(())
}

/// Where an account's one-time codes go.
#[derive(Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Contact {
    /// Mobile phone, for SMS.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

impl std::fmt::Debug for Contact {
    /// Shows them masked only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contact")
            .field(
                "phone",
                &self.phone.as_deref().map(sesame_core::otp::mask_phone),
            )
            .field(
                "email",
                &self.email.as_deref().map(sesame_core::otp::mask_email),
            )
            .finish()
    }
}

/// The account's phone and e-mail.
pub async fn find_contact(db: &Db, portal: &str, identifier: &str) -> sqlx::Result<Contact> {
    if !storable(identifier) {
        return Ok(Contact::default());
    }
    Ok(sqlx::query_as::<_, Contact>(
        "SELECT phone, email FROM accounts WHERE portal = $1 AND identifier = $2",
    )
    .bind(portal)
    .bind(identifier)
    .fetch_optional(db)
    .await?
    .unwrap_or_default())
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
    /// The account's one-time-code counter (apart from the password's: a right password does
    /// not reset it).
    Otp {
        /// Portal id.
        portal: String,
        /// Identifier.
        identifier: String,
        /// Consecutive wrong codes, as read.
        failures: i64,
        /// Last wrong code, as read.
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
            Counter::Account { failures, .. }
            | Counter::Otp { failures, .. }
            | Counter::Device { failures, .. } => *failures,
        }
    }

    /// The count as core's lockout functions take it.
    pub fn failure_count(&self) -> u32 {
        u32::try_from(self.failures().max(0)).unwrap_or(u32::MAX)
    }

    /// The last failure as read.
    pub fn last_failure(&self) -> Option<i64> {
        match self {
            Counter::Account { last_failure, .. }
            | Counter::Otp { last_failure, .. }
            | Counter::Device { last_failure, .. } => *last_failure,
        }
    }
}

impl Counter {
    /// Where the counter is stored: its table, its two columns, and its key columns with their
    /// values. Table and column names are the fixed strings below, never input (hence the
    /// `AssertSqlSafe` of the statements built from them); values are always bound.
    fn place(
        &self,
    ) -> (
        &'static str,
        &'static str,
        &'static str,
        Vec<(&'static str, &str)>,
    ) {
        match self {
            Counter::Account {
                portal, identifier, ..
            } => (
                "accounts",
                "failures",
                "last_failure",
                vec![("portal", portal), ("identifier", identifier)],
            ),
            Counter::Otp {
                portal, identifier, ..
            } => (
                "accounts",
                "otp_failures",
                "otp_last_failure",
                vec![("portal", portal), ("identifier", identifier)],
            ),
            Counter::Device { token_hash, .. } => (
                "trusted_devices",
                "failures",
                "last_failure",
                vec![("token_hash", token_hash)],
            ),
        }
    }

    /// This counter with the values read.
    fn with(&self, failures: i64, last_failure: Option<i64>) -> Counter {
        let mut c = self.clone();
        match &mut c {
            Counter::Account {
                failures: f,
                last_failure: l,
                ..
            }
            | Counter::Otp {
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
    }
}

/// `key1 = $first AND key2 = $first+1…` for the key columns of a [`Counter::place`].
fn key_condition(keys: &[(&str, &str)], first: usize) -> String {
    keys.iter()
        .enumerate()
        .map(|(i, (column, _))| format!("{column} = ${}", first + i))
        .collect::<Vec<_>>()
        .join(" AND ")
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
    let (table, failures, last, keys) = counter.place();
    if !keys.iter().all(|(_, value)| storable(value)) {
        return Ok(None);
    }
    let sql = format!(
        "UPDATE {table} SET {failures} = {failures} + 1, {last} = $1 \
         WHERE {failures} = $2 AND {} RETURNING {failures}",
        key_condition(&keys, 3)
    );
    let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(expected);
    for (_, value) in keys {
        query = query.bind(value);
    }
    query.fetch_optional(db).await
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
    let (table, failures, last, keys) = counter.place();
    if !keys.iter().all(|(_, value)| storable(value)) {
        return Ok(None);
    }
    let sql = format!(
        "SELECT {failures}, {last} FROM {table} WHERE {}",
        key_condition(&keys, 1)
    );
    let mut query = sqlx::query_as::<_, (i64, Option<i64>)>(sqlx::AssertSqlSafe(sql));
    for (_, value) in keys {
        query = query.bind(value);
    }
    let row = query.fetch_optional(db).await?;
    Ok(row.map(|(failures, last_failure)| counter.with(failures, last_failure)))
}

/// Sets the counter back to no failure (after a success).
pub async fn reset_counter<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    counter: &Counter,
) -> sqlx::Result<()> {
    let (table, failures, last, keys) = counter.place();
    let sql = format!(
        "UPDATE {table} SET {failures} = 0, {last} = NULL WHERE {}",
        key_condition(&keys, 1)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (_, value) in keys {
        query = query.bind(value);
    }
    query.execute(db).await.map(drop)
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

/// Stores a new session (ending the session `replaced`, and every expired one); `id_token`
/// is the provider's, for a login through OpenID Connect. A session whose `info.terms` are set
/// is stored pending, with their version.
pub async fn create_session(
    db: &Db,
    token_hash: &str,
    replaced: Option<&str>,
    info: &SessionInfo,
    expires_at: i64,
    id_token: Option<&str>,
) -> sqlx::Result<()> {
    let now = info.authenticated_at;
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR token_hash = $2")
        .bind(now)
        .bind(replaced.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    // Only what differs from the method's own assurance is stored.
    let assurance = (info.assurance != info.method.assurance()).then(|| info.assurance.as_str());
    sqlx::query(
        "INSERT INTO sessions (token_hash, portal, identifier, method, authenticated_at, expires_at, last_seen, \
         assurance, means, establishment, establishments, id_token, terms_version) \
         VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8, $9, $10, $11, $12)",
    )
    .bind(token_hash)
    .bind(info.portal.as_str())
    .bind(&info.identifier)
    .bind(info.method.as_str())
    .bind(now)
    .bind(expires_at)
    .bind(assurance)
    .bind(info.means.map(|m| m.as_str()))
    .bind(json_of(&info.establishment)?)
    .bind(json_of(&Some(&info.establishments).filter(|e| !e.is_empty()))?)
    .bind(id_token)
    .bind(info.terms.as_ref().map(|t| t.version.as_str()))
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// `value` as JSON text, `None` stays NULL.
fn json_of<T: serde::Serialize>(value: &Option<T>) -> sqlx::Result<Option<String>> {
    value
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// The establishment of session `token_hash` is `chosen` (one of those it offered, checked by
/// the caller): stored, and nothing left to choose. Whether the session was there.
pub async fn choose_establishment(
    db: &Db,
    token_hash: &str,
    chosen: &sesame_core::oidc::Establishment,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE sessions SET establishment = $1, establishments = NULL \
         WHERE token_hash = $2 AND establishments IS NOT NULL",
    )
    .bind(json_of(&Some(chosen))?)
    .bind(token_hash)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The provider's ID token of session `token_hash`, if it came through OpenID Connect.
pub async fn session_id_token(db: &Db, token_hash: &str) -> sqlx::Result<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT id_token FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(db)
            .await?;
    Ok(row.and_then(|(t,)| t))
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
    /// The assurance, when not the method's.
    pub assurance: Option<String>,
    /// How a PSC login was made.
    pub means: Option<String>,
    /// The establishment chosen (JSON).
    pub establishment: Option<String>,
    /// The establishments to choose from (JSON).
    pub establishments: Option<String>,
    /// The version of the terms the session waits for (pending), if any.
    pub terms_version: Option<String>,
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
        "SELECT s.portal, s.identifier, s.method, s.authenticated_at, a.display_name, \
         s.assurance, s.means, s.establishment, s.establishments, s.terms_version \
         FROM sessions s JOIN accounts a ON a.portal = s.portal AND a.identifier = s.identifier \
         WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// Ends the session with this token hash.
pub async fn delete_session<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    token_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session of an account except `keep`.
pub async fn delete_other_sessions<'e>(
    db: impl sqlx::AnyExecutor<'e>,
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

/// Whether the account accepted the terms `version`.
pub async fn terms_accepted(
    db: &Db,
    portal: &str,
    identifier: &str,
    version: &str,
) -> sqlx::Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT accepted_at FROM terms_acceptances \
         WHERE portal = $1 AND identifier = $2 AND version = $3",
    )
    .bind(portal)
    .bind(identifier)
    .bind(version)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

/// Records that the account accepted the terms `version` at `now` (kept as first accepted when
/// it was already).
pub async fn accept_terms<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    portal: &str,
    identifier: &str,
    version: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO terms_acceptances (portal, identifier, version, accepted_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (portal, identifier, version) DO NOTHING",
    )
    .bind(portal)
    .bind(identifier)
    .bind(version)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

/// Forgets every terms version the account accepted (seeding).
pub async fn forget_terms(db: &Db, portal: &str, identifier: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM terms_acceptances WHERE portal = $1 AND identifier = $2")
        .bind(portal)
        .bind(identifier)
        .execute(db)
        .await
        .map(drop)
}

/// The session `token_hash` no longer waits for terms: ready.
pub async fn session_ready<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    token_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET terms_version = NULL WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await
        .map(drop)
}

/// An e-mailed link ([`crate::account`]).
#[derive(Clone, sqlx::FromRow)]
pub struct LinkRow {
    /// SHA-256 of the token.
    pub token_hash: String,
    /// Portal id.
    pub portal: String,
    /// Identifier.
    pub identifier: String,
    /// `first_login`, `reset` or `signup` (core's `LinkPurpose::as_str`).
    pub purpose: String,
    /// When it was made.
    pub created_at: i64,
    /// When it expires.
    pub expires_at: i64,
    /// When it was used or spent.
    pub used_at: Option<i64>,
    /// Sign-up: the current code's hash (SHA-256 of the token and the code).
    pub code_hash: Option<String>,
    /// Sign-up: when the current code expires.
    pub code_expires_at: Option<i64>,
    /// Sign-up: codes sent.
    pub sends: i64,
    /// Sign-up: when the last code was sent.
    pub last_send_at: Option<i64>,
    /// Sign-up: codes checked (each counted before it is checked).
    pub wrong_codes: i64,
}

impl std::fmt::Debug for LinkRow {
    /// Hides the identifier and the hashes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkRow")
            .field("portal", &self.portal)
            .field("purpose", &self.purpose)
            .field("expires_at", &self.expires_at)
            .field("used_at", &self.used_at)
            .field("sends", &self.sends)
            .field("wrong_codes", &self.wrong_codes)
            .finish_non_exhaustive()
    }
}

/// The columns of [`LinkRow`], for `concat!`.
macro_rules! link_columns {
    () => {
        "token_hash, portal, identifier, purpose, created_at, expires_at, used_at, code_hash, \
         code_expires_at, sends, last_send_at, wrong_codes"
    };
}

/// Stores a new link (its token's hash) for an account, spending first every unspent link of
/// the same account and purpose: one link of a kind works at a time. The account's row is
/// written first, so that links made at once for one account take turns (a row lock on
/// PostgreSQL, the write lock on SQLite) and each spends those committed before it.
#[allow(clippy::too_many_arguments)]
pub async fn insert_link<E>(
    db: &mut E,
    token_hash: &str,
    portal: &str,
    identifier: &str,
    purpose: &str,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()>
where
    E: Send,
    for<'c> &'c mut E: sqlx::AnyExecutor<'c>,
{
    sqlx::query(
        "UPDATE accounts SET account_status = account_status \
         WHERE portal = $1 AND identifier = $2",
    )
    .bind(portal)
    .bind(identifier)
    .execute(&mut *db)
    .await?;
    spend_links(&mut *db, portal, identifier, &[purpose], now).await?;
    sqlx::query(
        "INSERT INTO account_links (token_hash, portal, identifier, purpose, created_at, \
         expires_at, sends, wrong_codes) VALUES ($1, $2, $3, $4, $5, $6, 0, 0)",
    )
    .bind(token_hash)
    .bind(portal)
    .bind(identifier)
    .bind(purpose)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *db)
    .await
    .map(drop)
}

/// Spends every unspent link of an account for one of `purposes`.
pub async fn spend_links<E>(
    db: &mut E,
    portal: &str,
    identifier: &str,
    purposes: &[&str],
    now: i64,
) -> sqlx::Result<()>
where
    E: Send,
    for<'c> &'c mut E: sqlx::AnyExecutor<'c>,
{
    for purpose in purposes {
        sqlx::query(
            "UPDATE account_links SET used_at = $1 \
             WHERE portal = $2 AND identifier = $3 AND purpose = $4 AND used_at IS NULL",
        )
        .bind(now)
        .bind(portal)
        .bind(identifier)
        .bind(*purpose)
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

/// The link `token_hash`, used or not, expired or not.
pub async fn find_link(db: &Db, token_hash: &str) -> sqlx::Result<Option<LinkRow>> {
    sqlx::query_as::<_, LinkRow>(concat!(
        "SELECT ",
        link_columns!(),
        " FROM account_links WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// Uses the link `token_hash` if it is unused and unexpired at `now`, in one conditional
/// statement (two requests with the same link: one wins). Whether it was.
pub async fn use_link<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE account_links SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(token_hash)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new sign-up code for the link, if it is live, has sent fewer than `max_sends` codes and
/// none since `cooldown_start`: one conditional statement. The link as updated, or `None`.
#[allow(clippy::too_many_arguments)]
pub async fn reserve_signup_send(
    db: &Db,
    token_hash: &str,
    code_hash: &str,
    now: i64,
    code_expires_at: i64,
    cooldown_start: i64,
    max_sends: i64,
) -> sqlx::Result<Option<LinkRow>> {
    sqlx::query_as::<_, LinkRow>(concat!(
        "UPDATE account_links SET sends = sends + 1, last_send_at = $1, code_hash = $2, \
         code_expires_at = $3 \
         WHERE token_hash = $4 AND purpose = 'signup' AND used_at IS NULL AND expires_at > $1 \
         AND sends < $5 AND (last_send_at IS NULL OR last_send_at <= $6) RETURNING ",
        link_columns!()
    ))
    .bind(now)
    .bind(code_hash)
    .bind(code_expires_at)
    .bind(token_hash)
    .bind(max_sends)
    .bind(cooldown_start)
    .fetch_optional(db)
    .await
}

/// After a failed send: no code, and no cooldown (the send still counts toward the cap).
pub async fn release_signup_send(db: &Db, token_hash: &str, code_hash: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE account_links SET last_send_at = NULL, code_hash = NULL, code_expires_at = NULL \
         WHERE token_hash = $1 AND code_hash = $2",
    )
    .bind(token_hash)
    .bind(code_hash)
    .execute(db)
    .await
    .map(drop)
}

/// Counts a sign-up code check before it is made, if the link is live and has checked fewer
/// than `max` codes; the link as updated, or `None`.
pub async fn reserve_signup_check(
    db: &Db,
    token_hash: &str,
    now: i64,
    max: i64,
) -> sqlx::Result<Option<LinkRow>> {
    sqlx::query_as::<_, LinkRow>(concat!(
        "UPDATE account_links SET wrong_codes = wrong_codes + 1 \
         WHERE token_hash = $1 AND purpose = 'signup' AND used_at IS NULL AND expires_at > $2 \
         AND wrong_codes < $3 RETURNING ",
        link_columns!()
    ))
    .bind(token_hash)
    .bind(now)
    .bind(max)
    .fetch_optional(db)
    .await
}

/// Confirms a sign-up with its right code: uses the link only if its code is still
/// `code_hash` (a code confirms once). Whether it did.
pub async fn use_signup_code<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    token_hash: &str,
    code_hash: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE account_links SET used_at = $1 \
         WHERE token_hash = $2 AND code_hash = $3 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(token_hash)
    .bind(code_hash)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Appends an audit row.
pub async fn insert_audit<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    entry: &crate::audit::Entry<'_>,
    identifier: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, event, portal, identifier, ip, outcome, seq) \
         VALUES ($1, $2, $3, $4, $5, $6, (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log))",
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

/// An account's authenticator app.
#[derive(Clone, sqlx::FromRow)]
pub struct TotpRow {
    /// The secret, sealed ([`crate::totp::SecretBox`]).
    pub secret_sealed: String,
    /// 1 once a first code confirmed it.
    pub confirmed: i64,
    /// The last time step accepted.
    pub last_step: Option<i64>,
}

impl std::fmt::Debug for TotpRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpRow")
            .field("confirmed", &self.confirmed)
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

/// The account's authenticator app, if one was set up (or is being set up).
pub async fn find_totp(db: &Db, portal: &str, identifier: &str) -> sqlx::Result<Option<TotpRow>> {
    sqlx::query_as::<_, TotpRow>(
        "SELECT secret_sealed, confirmed, last_step FROM totp_secrets \
         WHERE portal = $1 AND identifier = $2",
    )
    .bind(portal)
    .bind(identifier)
    .fetch_optional(db)
    .await
}

/// Stores a pending (unconfirmed) secret unless the account has one already.
pub async fn insert_pending_totp(
    db: &Db,
    portal: &str,
    identifier: &str,
    sealed: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO totp_secrets (portal, identifier, secret_sealed, confirmed, last_step, created_at) \
         VALUES ($1, $2, $3, 0, NULL, $4) ON CONFLICT (portal, identifier) DO NOTHING",
    )
    .bind(portal)
    .bind(identifier)
    .bind(sealed)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Accepts time step `step` for the secret `sealed` — only if it is later than the last one
/// accepted (RFC 6238 §5.2), in one conditional statement, so two requests carrying the same
/// code cannot both pass — and confirms the secret. Whether it was accepted.
pub async fn accept_totp_step<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    portal: &str,
    identifier: &str,
    sealed: &str,
    step: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE totp_secrets SET last_step = $1, confirmed = 1 \
         WHERE portal = $2 AND identifier = $3 AND secret_sealed = $4 \
         AND (last_step IS NULL OR last_step < $1)",
    )
    .bind(step)
    .bind(portal)
    .bind(identifier)
    .bind(sealed)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A login attempt waiting for its code step.
#[derive(Clone, sqlx::FromRow)]
pub struct AttemptRow {
    /// SHA-256 of the attempt cookie's token.
    pub token_hash: String,
    /// Portal id.
    pub portal: String,
    /// Identifier.
    pub identifier: String,
    /// The method (core's `Method::as_str`).
    pub method: String,
    /// The steps done, comma-separated.
    pub steps_done: String,
    /// When the attempt ends.
    pub expires_at: i64,
    /// The channel of the current code.
    pub channel: Option<String>,
    /// The current code's hash ([`crate::attempt`]).
    pub code_hash: Option<String>,
    /// When the current code expires.
    pub code_expires_at: Option<i64>,
    /// When the last code was sent.
    pub last_send_at: Option<i64>,
    /// Codes sent.
    pub sends: i64,
    /// Codes checked (each counted before it is checked).
    pub wrong_codes: i64,
}

impl std::fmt::Debug for AttemptRow {
    /// Hides the identifier and the code's hash.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttemptRow")
            .field("portal", &self.portal)
            .field("method", &self.method)
            .field("steps_done", &self.steps_done)
            .field("expires_at", &self.expires_at)
            .field("channel", &self.channel)
            .field("sends", &self.sends)
            .field("wrong_codes", &self.wrong_codes)
            .finish_non_exhaustive()
    }
}

/// The columns of [`AttemptRow`], for `concat!` (sqlx takes only static SQL).
macro_rules! attempt_columns {
    () => {
        "token_hash, portal, identifier, method, steps_done, expires_at, channel, code_hash, \
         code_expires_at, last_send_at, sends, wrong_codes"
    };
}

/// Stores a new attempt (and removes the expired ones).
#[allow(clippy::too_many_arguments)]
pub async fn create_attempt(
    db: &Db,
    token_hash: &str,
    portal: &str,
    identifier: &str,
    method: &str,
    steps_done: &str,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM login_attempts WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO login_attempts (token_hash, portal, identifier, method, steps_done, created_at, \
         expires_at, sends, wrong_codes) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0)",
    )
    .bind(token_hash)
    .bind(portal)
    .bind(identifier)
    .bind(method)
    .bind(steps_done)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// The attempt `token_hash`, expired or not.
pub async fn find_attempt(db: &Db, token_hash: &str) -> sqlx::Result<Option<AttemptRow>> {
    sqlx::query_as::<_, AttemptRow>(concat!(
        "SELECT ",
        attempt_columns!(),
        " FROM login_attempts WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// A new code for the attempt, if it is live, has sent fewer than `max_sends` codes and sent
/// none since `cooldown_start`: one conditional statement, so parallel requests cannot pass the
/// cap or the cooldown. The attempt as updated, or `None`.
#[allow(clippy::too_many_arguments)]
pub async fn reserve_send(
    db: &Db,
    token_hash: &str,
    channel: &str,
    code_hash: &str,
    now: i64,
    code_expires_at: i64,
    cooldown_start: i64,
    max_sends: i64,
) -> sqlx::Result<Option<AttemptRow>> {
    sqlx::query_as::<_, AttemptRow>(concat!(
        "UPDATE login_attempts SET sends = sends + 1, last_send_at = $1, channel = $2, \
         code_hash = $3, code_expires_at = $4 \
         WHERE token_hash = $5 AND expires_at > $1 AND sends < $6 \
         AND (last_send_at IS NULL OR last_send_at <= $7) RETURNING ",
        attempt_columns!()
    ))
    .bind(now)
    .bind(channel)
    .bind(code_hash)
    .bind(code_expires_at)
    .bind(token_hash)
    .bind(max_sends)
    .bind(cooldown_start)
    .fetch_optional(db)
    .await
}

/// After a failed send: no code, and no cooldown (the send still counts toward the cap).
pub async fn release_send(db: &Db, token_hash: &str, code_hash: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE login_attempts SET last_send_at = NULL, code_hash = NULL, code_expires_at = NULL \
         WHERE token_hash = $1 AND code_hash = $2",
    )
    .bind(token_hash)
    .bind(code_hash)
    .execute(db)
    .await?;
    Ok(())
}

/// Counts a code check against the attempt before it is made, if the attempt is live and has
/// checked fewer than `max` codes; the attempt as updated, or `None` (the attempt is over).
pub async fn reserve_code_check(
    db: &Db,
    token_hash: &str,
    now: i64,
    max: i64,
) -> sqlx::Result<Option<AttemptRow>> {
    sqlx::query_as::<_, AttemptRow>(concat!(
        "UPDATE login_attempts SET wrong_codes = wrong_codes + 1 \
         WHERE token_hash = $1 AND expires_at > $2 AND wrong_codes < $3 RETURNING ",
        attempt_columns!()
    ))
    .bind(token_hash)
    .bind(now)
    .bind(max)
    .fetch_optional(db)
    .await
}

/// Ends the attempt with its right code: deletes it only if its code is still `code_hash`, so
/// a code is used once. Whether it was.
pub async fn use_sent_code<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    token_hash: &str,
    code_hash: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM login_attempts WHERE token_hash = $1 AND code_hash = $2")
        .bind(token_hash)
        .bind(code_hash)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends the attempt.
pub async fn delete_attempt<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    token_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_attempts WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// A message in the demo's outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct OutboxRow {
    /// Its order of arrival.
    pub seq: i64,
    /// When it was sent, Unix seconds.
    pub sent_at: i64,
    /// `sms` or `email`.
    pub channel: String,
    /// The phone number or address.
    pub destination: String,
    /// The subject (e-mail) or a title (SMS).
    pub subject: String,
    /// The text.
    pub body: String,
}

/// Puts a message in the outbox. Its `seq` is the outbox's `MAX + 1`: two messages stored at
/// once on PostgreSQL may compute the same one, and the second then takes the next (a few
/// tries; the account journeys send e-mails in parallel tasks). (`WHERE 1 = 1`: SQLite reads
/// an `INSERT … SELECT … ON CONFLICT` only with a `WHERE`.)
pub async fn insert_outbox(
    db: &Db,
    sent_at: i64,
    channel: &str,
    destination: &str,
    subject: &str,
    body: &str,
) -> sqlx::Result<()> {
    const TRIES: usize = 20;
    for _ in 0..TRIES {
        let done = sqlx::query(
            "INSERT INTO outbox (seq, sent_at, channel, destination, subject, body) \
             SELECT COALESCE(MAX(seq), 0) + 1, $1, $2, $3, $4, $5 FROM outbox WHERE 1 = 1 \
             ON CONFLICT (seq) DO NOTHING",
        )
        .bind(sent_at)
        .bind(channel)
        .bind(destination)
        .bind(subject)
        .bind(body)
        .execute(db)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
    }
    Err(sqlx::Error::Protocol(format!(
        "no free outbox number after {TRIES} tries"
    )))
}

/// The outbox, newest first (`limit` messages), only those to `destination` if given.
pub async fn list_outbox(
    db: &Db,
    destination: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<OutboxRow>> {
    if !destination.is_none_or(storable) {
        return Ok(Vec::new());
    }
    match destination {
        Some(to) => {
            sqlx::query_as::<_, OutboxRow>(
                "SELECT seq, sent_at, channel, destination, subject, body FROM outbox \
             WHERE destination = $1 ORDER BY seq DESC LIMIT $2",
            )
            .bind(to)
            .bind(limit)
            .fetch_all(db)
            .await
        }
        None => {
            sqlx::query_as::<_, OutboxRow>(
                "SELECT seq, sent_at, channel, destination, subject, body FROM outbox \
             ORDER BY seq DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(db)
            .await
        }
    }
}

/// Stores a CPS nonce (its hash) for the browser whose CPS token hashes to `browser_hash`,
/// after removing the nonces older than `stale_before` (every nonce past its life).
pub async fn insert_cps_nonce(
    db: &Db,
    nonce_hash: &str,
    browser_hash: &str,
    now: i64,
    stale_before: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM cps_nonces WHERE created_at < $1")
        .bind(stale_before)
        .execute(db)
        .await?;
    sqlx::query(
        "INSERT INTO cps_nonces (nonce_hash, browser_hash, created_at, used) VALUES ($1, $2, $3, 0)",
    )
    .bind(nonce_hash)
    .bind(browser_hash)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Uses a CPS nonce: one conditional statement, so it succeeds once — for the browser it was
/// issued to, unused, created at or after `fresh_since`. Whether it did.
pub async fn consume_cps_nonce(
    db: &Db,
    nonce_hash: &str,
    browser_hash: &str,
    fresh_since: i64,
) -> sqlx::Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE cps_nonces SET used = 1 \
         WHERE nonce_hash = $1 AND browser_hash = $2 AND used = 0 AND created_at >= $3 \
         RETURNING created_at",
    )
    .bind(nonce_hash)
    .bind(browser_hash)
    .bind(fresh_since)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

/// A login sent to an OpenID provider, as stored until it returns.
#[derive(Debug, sqlx::FromRow)]
pub struct OidcRequestRow {
    /// `pro_sante_connect` or `regional_sso`.
    pub method: String,
    /// The portal.
    pub portal: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier for the code exchange.
    pub pkce_verifier: String,
    /// The page to come back to (a safe path).
    pub return_to: String,
}

/// Stores a login sent to a provider (and forgets those older than `stale_before`).
pub async fn insert_oidc_request(
    db: &Db,
    state_hash: &str,
    browser_hash: &str,
    request: &OidcRequestRow,
    now: i64,
    stale_before: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM oidc_requests WHERE created_at < $1")
        .bind(stale_before)
        .execute(db)
        .await?;
    sqlx::query(
        "INSERT INTO oidc_requests (state_hash, browser_hash, method, portal, nonce, pkce_verifier, return_to, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(state_hash)
    .bind(browser_hash)
    .bind(&request.method)
    .bind(&request.portal)
    .bind(&request.nonce)
    .bind(&request.pkce_verifier)
    .bind(&request.return_to)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Takes the login of `state_hash` back: one statement that deletes it, so a return is
/// accepted once — from the browser that started it, for `method`, created at or after
/// `fresh_since`.
pub async fn take_oidc_request(
    db: &Db,
    state_hash: &str,
    browser_hash: &str,
    method: &str,
    fresh_since: i64,
) -> sqlx::Result<Option<OidcRequestRow>> {
    sqlx::query_as::<_, OidcRequestRow>(
        "DELETE FROM oidc_requests \
         WHERE state_hash = $1 AND browser_hash = $2 AND method = $3 AND created_at >= $4 \
         RETURNING method, portal, nonce, pkce_verifier, return_to",
    )
    .bind(state_hash)
    .bind(browser_hash)
    .bind(method)
    .bind(fresh_since)
    .fetch_optional(db)
    .await
}

/// Links the identity `subject` at `provider` to an account of `portal`.
pub async fn upsert_oidc_account(
    db: &Db,
    provider: &str,
    subject: &str,
    portal: &str,
    identifier: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO oidc_accounts (provider, subject, portal, identifier) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (provider, subject, portal) DO UPDATE SET identifier = excluded.identifier",
    )
    .bind(provider)
    .bind(subject)
    .bind(portal)
    .bind(identifier)
    .execute(db)
    .await?;
    Ok(())
}

/// The account of `portal` that the identity `subject` at `provider` opens (an unconfirmed
/// sign-up opens none).
pub async fn find_oidc_account(
    db: &Db,
    provider: &str,
    subject: &str,
    portal: &str,
) -> sqlx::Result<Option<Account>> {
    if !storable(subject) {
        return Ok(None);
    }
    sqlx::query_as::<_, Account>(
        "SELECT a.portal, a.identifier, a.display_name, a.password_hash, a.failures, a.last_failure, \
         a.account_status \
         FROM oidc_accounts o JOIN accounts a ON a.portal = o.portal AND a.identifier = o.identifier \
         WHERE o.provider = $1 AND o.subject = $2 AND o.portal = $3 AND a.account_status <> 'pending'",
    )
    .bind(provider)
    .bind(subject)
    .bind(portal)
    .fetch_optional(db)
    .await
}

/// Links the card holder `national_id` to an account of `portal` (replacing the holder's
/// previous account there).
pub async fn upsert_cps_holder(
    db: &Db,
    portal: &str,
    national_id: &str,
    identifier: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO cps_holders (portal, national_id, identifier) VALUES ($1, $2, $3) \
         ON CONFLICT (portal, national_id) DO UPDATE SET identifier = excluded.identifier",
    )
    .bind(portal)
    .bind(national_id)
    .bind(identifier)
    .execute(db)
    .await?;
    Ok(())
}

/// The account of `portal` that the card holder `national_id` owns, if any (an unconfirmed
/// sign-up is none).
pub async fn find_cps_account(
    db: &Db,
    portal: &str,
    national_id: &str,
) -> sqlx::Result<Option<Account>> {
    if !storable(national_id) {
        return Ok(None);
    }
    sqlx::query_as::<_, Account>(
        "SELECT a.portal, a.identifier, a.display_name, a.password_hash, a.failures, a.last_failure, \
         a.account_status \
         FROM cps_holders h JOIN accounts a ON a.portal = h.portal AND a.identifier = h.identifier \
         WHERE h.portal = $1 AND h.national_id = $2 AND a.account_status <> 'pending'",
    )
    .bind(portal)
    .bind(national_id)
    .fetch_optional(db)
    .await
}

/// Accepts a proof-of-work solution for `challenge` once: removes the entries expired at `now`,
/// then one `INSERT … ON CONFLICT DO NOTHING`. Whether this call inserted it (false: already
/// used, by this instance or another sharing the database).
pub async fn use_captcha_solution(
    db: &Db,
    challenge: &str,
    expires_at: i64,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM captcha_solutions WHERE expires_at < $1")
        .bind(now)
        .execute(db)
        .await?;
    let done = sqlx::query(
        "INSERT INTO captcha_solutions (challenge, expires_at) VALUES ($1, $2) \
         ON CONFLICT (challenge) DO NOTHING",
    )
    .bind(challenge)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
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
