//! QR-code login, the portal's side: codes bound to the browser, enrolled phones, enrolment
//! codes, and the checks of a phone's approval. The endpoints are in [`crate::routes::qr`]; the
//! rules (life, grace, state machine, signed bytes, payloads) in [`sesame_core::qr`].
//!
//! - **Code**: the browser holds a random token in the QR cookie (`__Host-sesame-qr`, dev
//!   `sesame-qr`; HttpOnly, SameSite=Strict, [`COOKIE_SECS`]); `qr_sessions` keeps only the
//!   SHA-256 of that token, of the browser's handle (`id`) and of the session key. Every read
//!   from the browser's side matches both the id and the cookie: another browser's poll or
//!   stream finds nothing (`qr_unknown`). State lives in the database only, so a code survives
//!   a restart and instances sharing the database agree; each move of the state is one
//!   conditional `UPDATE … WHERE state = <the state read>`.
//! - **Devices** (`qr_devices`): a public key (ES256: P-256 uncompressed point; EdDSA:
//!   Ed25519) for one account of one portal, the app PIN's argon2id hash and its consecutive
//!   failures, reserved before the PIN is checked (one conditional `UPDATE`, as passwords are),
//!   locked at [`MAX_PIN_FAILURES`].
//! - **Enrolment codes** (`qr_enrolments`): a one-time token for the logged-in account,
//!   [`ENROL_LIFE_SECS`], used by one conditional `UPDATE`.
//! - **Creation limit**: [`QR_MAX_CREATES`] codes per client address (IPv6 per /64) within
//!   [`QR_CREATE_WINDOW_SECS`], counted in the database.

use crate::db::Db;
use crate::session::{cookie_header, read_cookie};
use anyhow::{anyhow, Context};
use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use qrcode::render::svg;
use ring::signature::{self, UnparsedPublicKey};
use sesame_core::qr::{QrState, QrTimes, ENROL_LIFE_SECS, MAX_PIN_FAILURES, QR_CLAIM_SECS};
#[cfg(doc)]
use sesame_core::qr::{QR_CREATE_WINDOW_SECS, QR_MAX_CREATES};
use std::net::IpAddr;

/// The QR cookie's name in dev mode (plain HTTP); outside it, with the `__Host-` prefix.
pub const COOKIE_NAME: &str = "sesame-qr";
/// The QR cookie's life, in seconds: long enough for a page to renew its code a few times.
pub const COOKIE_SECS: i64 = 10 * 60;
/// The API's path in the payloads (the demo serves it under `/api`).
pub const API_PATH: &str = "/api";
/// The longest User-Agent kept, in characters.
pub const MAX_USER_AGENT_CHARS: usize = 512;

/// The QR cookie's name for this mode.
pub fn cookie_name(dev_mode: bool) -> &'static str {
    if dev_mode {
        COOKIE_NAME
    } else {
        "__Host-sesame-qr"
    }
}

/// The `Set-Cookie` value that gives the browser its QR `token`.
pub fn set_cookie(token: &str, dev_mode: bool) -> HeaderValue {
    cookie_header(cookie_name(dev_mode), token, COOKIE_SECS, dev_mode)
}

/// The QR token of the request's cookies, if well formed.
pub fn token_from(headers: &HeaderMap, dev_mode: bool) -> Option<String> {
    read_cookie(headers, cookie_name(dev_mode))
}

/// `n` random bytes, unpadded base64url.
pub fn random_b64(n: usize) -> anyhow::Result<String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness: {e}"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Four random bytes, for [`sesame_core::qr::digit_choices`].
pub fn random4() -> anyhow::Result<[u8; 4]> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness: {e}"))?;
    Ok(bytes)
}

/// `text` as a QR code, an SVG element (no XML declaration: the page inserts it).
pub fn svg(text: &str) -> anyhow::Result<String> {
    let svg = qrcode::QrCode::new(text.as_bytes())
        .context("QR code")?
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok(match svg.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or(svg.clone(), |(_, s)| s.trim_start().to_owned()),
        None => svg,
    })
}

/// Where a request came from, roughly, in French then English: the demo has no geolocation
/// database, so a public address is shown by its network (IPv4 /24, IPv6 /48).
pub fn place(ip: IpAddr) -> String {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    if ip.is_loopback() {
        return "cet ordinateur (this computer)".to_owned();
    }
    match ip {
        IpAddr::V4(v4) if v4.is_private() || v4.is_link_local() => {
            "réseau local (local network)".to_owned()
        }
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("réseau {a}.{b}.{c}.0/24 (lieu inconnu — place unknown)")
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            if (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80 {
                "réseau local (local network)".to_owned()
            } else {
                format!(
                    "réseau {:x}:{:x}:{:x}::/48 (lieu inconnu — place unknown)",
                    s[0], s[1], s[2]
                )
            }
        }
    }
}

/// A device key's algorithm (core's `ALGORITHMS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceAlgorithm {
    /// ECDSA P-256 with SHA-256.
    Es256,
    /// Ed25519.
    EdDsa,
}

impl DeviceAlgorithm {
    /// Parses the JOSE name.
    pub fn parse(name: &str) -> Option<DeviceAlgorithm> {
        match name {
            "ES256" => Some(DeviceAlgorithm::Es256),
            "EdDSA" => Some(DeviceAlgorithm::EdDsa),
            _ => None,
        }
    }

    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceAlgorithm::Es256 => "ES256",
            DeviceAlgorithm::EdDsa => "EdDSA",
        }
    }

    /// Whether `key` has this algorithm's raw public key shape (ES256: an uncompressed P-256
    /// point, EdDSA: 32 bytes).
    pub fn key_shape_ok(self, key: &[u8]) -> bool {
        match self {
            DeviceAlgorithm::Es256 => key.len() == 65 && key[0] == 4,
            DeviceAlgorithm::EdDsa => key.len() == 32,
        }
    }

    /// Whether `signature` is this algorithm's, by `public_key`, over `message`. ES256 accepts
    /// `r ‖ s` (64 bytes, as WebCrypto and ring give it) or ASN.1 DER.
    pub fn verify(self, public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
        let algorithm: &dyn signature::VerificationAlgorithm = match self {
            DeviceAlgorithm::Es256 if signature.len() == 64 => &signature::ECDSA_P256_SHA256_FIXED,
            DeviceAlgorithm::Es256 => &signature::ECDSA_P256_SHA256_ASN1,
            DeviceAlgorithm::EdDsa => &signature::ED25519,
        };
        UnparsedPublicKey::new(algorithm, public_key)
            .verify(message, signature)
            .is_ok()
    }
}

/// Base64url (or base64), padded or not; `None` if neither.
pub fn decode_b64(text: &str) -> Option<Vec<u8>> {
    crate::cps::decode_base64(text)
}

/// Whether `id` has the shape of a device id (32 hex digits), so garbage is not looked up.
pub fn is_device_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A code as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QrRow {
    /// SHA-256 of the browser's handle.
    pub id_hash: String,
    /// The challenge.
    pub challenge: String,
    /// Portal id.
    pub portal: String,
    /// The requesting origin.
    pub origin: String,
    /// The requesting User-Agent.
    pub user_agent: String,
    /// The requesting address.
    pub ip: String,
    /// The page's digits.
    pub digits: String,
    /// The phone's three pairs, comma-separated.
    pub choices: String,
    /// Unix seconds.
    pub created_at: i64,
    /// The code's life.
    pub life_secs: i64,
    /// When a phone opened it.
    pub seen_at: Option<i64>,
    /// When it was decided.
    pub decided_at: Option<i64>,
    /// Core's `QrState::as_str`.
    pub state: String,
    /// The approving account, once approved.
    pub identifier: Option<String>,
    /// The last counted poll's second.
    pub last_poll: Option<i64>,
    /// Polls counted in that second.
    pub polls: i64,
}

impl QrRow {
    /// The stored state; an unknown one reads as declined (never approvable).
    pub fn state(&self) -> QrState {
        QrState::parse(&self.state).unwrap_or(QrState::Declined)
    }

    /// The times core's `phase` needs.
    pub fn times(&self) -> QrTimes {
        QrTimes {
            created_at: self.created_at,
            life_secs: u32::try_from(self.life_secs).unwrap_or(0),
            seen_at: self.seen_at,
            decided_at: self.decided_at,
        }
    }

    /// The phase at `now`.
    pub fn phase(&self, now: i64) -> sesame_core::qr::QrPhase {
        sesame_core::qr::phase(self.state(), self.times(), now)
    }

    /// The next second after `now` at which the phase may change by time alone (the code's
    /// expiry, the grace's end, the claim window's end), if any: a stream waits for it or for
    /// a move of the state, whichever comes first.
    pub fn next_time_change(&self, now: i64) -> Option<i64> {
        let times = self.times();
        let end = times.expires_at();
        let decided = self.decided_at.unwrap_or(self.created_at);
        [
            end,
            end.saturating_add(i64::from(sesame_core::qr::QR_GRACE_SECS)),
            decided.saturating_add(i64::from(QR_CLAIM_SECS)),
        ]
        .into_iter()
        .filter(|t| *t > now)
        .min()
    }
}

/// A code's columns, then `$where` (static SQL: sqlx takes no built strings).
macro_rules! select_qr {
    ($where:literal) => {
        concat!(
            "SELECT id_hash, challenge, portal, origin, user_agent, ip, digits, choices, \
             created_at, life_secs, seen_at, decided_at, state, identifier, last_poll, polls \
             FROM qr_sessions ",
            $where
        )
    };
}

/// A new code to store.
#[derive(Debug, Clone)]
pub struct NewQr<'a> {
    /// SHA-256 of the browser's handle.
    pub id_hash: &'a str,
    /// SHA-256 of the session key.
    pub key_hash: &'a str,
    /// SHA-256 of the QR cookie's token.
    pub browser_hash: &'a str,
    /// The challenge.
    pub challenge: &'a str,
    /// Portal id.
    pub portal: &'a str,
    /// The requesting origin.
    pub origin: &'a str,
    /// The requesting User-Agent.
    pub user_agent: &'a str,
    /// The requesting address.
    pub ip: IpAddr,
    /// The page's digits.
    pub digits: &'a str,
    /// The phone's three pairs, comma-separated.
    pub choices: &'a str,
    /// Unix seconds.
    pub now: i64,
    /// The code's life.
    pub life_secs: u32,
}

/// How many codes the client `bucket` asked for since `since`.
pub async fn count_created(db: &Db, client: &str, since: i64) -> sqlx::Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM qr_sessions WHERE client = $1 AND created_at > $2")
            .bind(client)
            .bind(since)
            .fetch_one(db)
            .await?;
    Ok(n)
}

/// Stores a code, after removing those long past any use (older than `stale_before`).
pub async fn insert(db: &Db, qr: &NewQr<'_>, stale_before: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM qr_sessions WHERE created_at < $1")
        .bind(stale_before)
        .execute(db)
        .await?;
    sqlx::query(
        "INSERT INTO qr_sessions (id_hash, key_hash, browser_hash, challenge, portal, origin, \
         user_agent, ip, client, digits, choices, created_at, life_secs, state, polls) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', 0)",
    )
    .bind(qr.id_hash)
    .bind(qr.key_hash)
    .bind(qr.browser_hash)
    .bind(qr.challenge)
    .bind(qr.portal)
    .bind(qr.origin)
    .bind(qr.user_agent)
    .bind(qr.ip.to_string())
    .bind(crate::rate_limit::bucket(qr.ip).to_string())
    .bind(qr.digits)
    .bind(qr.choices)
    .bind(qr.now)
    .bind(i64::from(qr.life_secs))
    .execute(db)
    .await?;
    Ok(())
}

/// How long a row is kept after its creation: its life, the grace, the claim window, and a
/// margin for the creation limit's window.
pub fn keep_secs(life_secs: u32) -> i64 {
    i64::from(life_secs)
        + i64::from(sesame_core::qr::QR_GRACE_SECS)
        + i64::from(QR_CLAIM_SECS)
        + i64::from(sesame_core::qr::QR_CREATE_WINDOW_SECS)
}

/// The code with this handle, if the browser whose cookie hashes to `browser_hash` asked for it.
pub async fn find_for_browser(
    db: &Db,
    id_hash: &str,
    browser_hash: &str,
) -> sqlx::Result<Option<QrRow>> {
    sqlx::query_as::<_, QrRow>(select_qr!("WHERE id_hash = $1 AND browser_hash = $2"))
        .bind(id_hash)
        .bind(browser_hash)
        .fetch_optional(db)
        .await
}

/// The code whose session key hashes to `key_hash` (the phone's side).
pub async fn find_by_key(db: &Db, key_hash: &str) -> sqlx::Result<Option<QrRow>> {
    sqlx::query_as::<_, QrRow>(select_qr!("WHERE key_hash = $1"))
        .bind(key_hash)
        .fetch_optional(db)
        .await
}

/// Notes that a phone opened the code at `now` (the first time only).
pub async fn mark_seen(db: &Db, id_hash: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE qr_sessions SET seen_at = $1 WHERE id_hash = $2 AND seen_at IS NULL")
        .bind(now)
        .bind(id_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Stores the poll count of a code.
pub async fn store_poll(db: &Db, id_hash: &str, at: i64, polls: u32) -> sqlx::Result<()> {
    sqlx::query("UPDATE qr_sessions SET last_poll = $1, polls = $2 WHERE id_hash = $3")
        .bind(at)
        .bind(i64::from(polls))
        .bind(id_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Moves a code from `from` to `to` at `now` (with the approving device and account, if any):
/// one conditional statement, so of two racing moves one wins. Whether this one did. The move
/// is stamped (`changed_at`, wall-clock milliseconds) for the streams' watcher
/// ([`crate::qr_watch`]), whichever instance wrote it. On PostgreSQL the same statement also
/// sends a `NOTIFY` on [`crate::qr_watch::CHANNEL`] (in the move's own transaction: it is
/// delivered when, and only if, the move commits), so every instance's watcher wakes the
/// code's streams at once instead of at its next tick.
pub async fn move_state(
    db: &Db,
    id_hash: &str,
    from: QrState,
    to: QrState,
    now: i64,
    approver: Option<(&str, &str)>,
) -> sqlx::Result<bool> {
    // One `UPDATE` for both databases; on PostgreSQL wrapped in a data-modifying `WITH` whose
    // `SELECT pg_notify(…)` runs once per moved row, in the same statement.
    macro_rules! update {
        () => {
            "UPDATE qr_sessions SET state = $1, decided_at = COALESCE(decided_at, $2), \
             device_id = COALESCE($3, device_id), identifier = COALESCE($4, identifier), \
             changed_at = $7 WHERE id_hash = $5 AND state = $6"
        };
    }
    let changed_at = crate::qr_watch::wall_millis();
    let query = if crate::db::is_postgres(db) {
        sqlx::query(concat!(
            "WITH moved AS (",
            update!(),
            " RETURNING id_hash, changed_at, state) \
             SELECT pg_notify($8, moved.id_hash || ' ' || moved.changed_at || ' ' || moved.state) \
             FROM moved"
        ))
    } else {
        sqlx::query(update!())
    };
    let query = query
        .bind(to.as_str())
        .bind(now)
        .bind(approver.map(|(device, _)| device))
        .bind(approver.map(|(_, identifier)| identifier))
        .bind(id_hash)
        .bind(from.as_str())
        .bind(changed_at);
    if crate::db::is_postgres(db) {
        let rows = query.bind(crate::qr_watch::CHANNEL).fetch_all(db).await?;
        Ok(rows.len() == 1)
    } else {
        let done = query.execute(db).await?;
        Ok(done.rows_affected() == 1)
    }
}

/// An enrolled device.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeviceRow {
    /// Its id.
    pub device_id: String,
    /// Portal id.
    pub portal: String,
    /// The account.
    pub identifier: String,
    /// JOSE name.
    pub algorithm: String,
    /// Raw public key, base64url.
    pub public_key: String,
    /// The PIN's argon2id hash.
    pub pin_hash: String,
    /// Consecutive wrong PINs.
    pub pin_failures: i64,
}

impl DeviceRow {
    /// Whether too many wrong PINs locked it.
    pub fn locked(&self) -> bool {
        self.pin_failures >= i64::from(MAX_PIN_FAILURES)
    }
}

/// The device with this id.
pub async fn find_device(db: &Db, device_id: &str) -> sqlx::Result<Option<DeviceRow>> {
    sqlx::query_as::<_, DeviceRow>(
        "SELECT device_id, portal, identifier, algorithm, public_key, pin_hash, pin_failures \
         FROM qr_devices WHERE device_id = $1",
    )
    .bind(device_id)
    .fetch_optional(db)
    .await
}

/// Stores a device.
pub async fn insert_device(db: &Db, device: &DeviceRow, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO qr_devices (device_id, portal, identifier, algorithm, public_key, pin_hash, \
         pin_failures, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
    )
    .bind(&device.device_id)
    .bind(&device.portal)
    .bind(&device.identifier)
    .bind(&device.algorithm)
    .bind(&device.public_key)
    .bind(&device.pin_hash)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Counts a PIN try before it is checked: raises the failures from `seen` (what the caller
/// read) while below the lock. `None` when another try moved the count first or the device is
/// locked: that try is not checked.
pub async fn reserve_pin(db: &Db, device_id: &str, seen: i64) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE qr_devices SET pin_failures = pin_failures + 1 \
         WHERE device_id = $1 AND pin_failures = $2 AND pin_failures < $3 \
         RETURNING pin_failures",
    )
    .bind(device_id)
    .bind(seen)
    .bind(i64::from(MAX_PIN_FAILURES))
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(n,)| n))
}

/// Forgets the device's PIN failures (a right PIN).
pub async fn reset_pin(db: &Db, device_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE qr_devices SET pin_failures = 0 WHERE device_id = $1")
        .bind(device_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Stores an enrolment token (its hash) for an account, after removing expired ones.
pub async fn insert_enrolment(
    db: &Db,
    token_hash: &str,
    portal: &str,
    identifier: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM qr_enrolments WHERE created_at < $1")
        .bind(now.saturating_sub(i64::from(ENROL_LIFE_SECS)))
        .execute(db)
        .await?;
    sqlx::query(
        "INSERT INTO qr_enrolments (token_hash, portal, identifier, created_at, used) \
         VALUES ($1, $2, $3, $4, 0)",
    )
    .bind(token_hash)
    .bind(portal)
    .bind(identifier)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Uses an enrolment token: once, within its life. The account it is for.
pub async fn consume_enrolment(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as(
        "UPDATE qr_enrolments SET used = 1 \
         WHERE token_hash = $1 AND used = 0 AND created_at >= $2 \
         RETURNING portal, identifier",
    )
    .bind(token_hash)
    .bind(now.saturating_sub(i64::from(ENROL_LIFE_SECS)))
    .fetch_optional(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair};

    #[test]
    fn places_say_this_computer_for_loopback() {
        assert_eq!(
            place("127.0.0.1".parse().unwrap()),
            "cet ordinateur (this computer)"
        );
        assert_eq!(
            place("::ffff:127.0.0.1".parse().unwrap()),
            "cet ordinateur (this computer)"
        );
        assert!(place("192.168.1.20".parse().unwrap()).starts_with("réseau local"));
        assert!(place("fd00::1".parse().unwrap()).starts_with("réseau local"));
        let public = place("203.0.113.77".parse().unwrap());
        assert!(public.contains("203.0.113.0/24"), "{public}");
        assert!(!public.contains(".77"), "approximate only");
        assert!(place("2001:db8:1:2::9".parse().unwrap()).contains("2001:db8:1::/48"));
    }

    #[test]
    fn device_signatures_verify_with_ring() {
        let rng = SystemRandom::new();
        let message = b"to be signed";
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .unwrap();
        let ec = EcdsaKeyPair::from_pkcs8(
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            pkcs8.as_ref(),
            &rng,
        )
        .unwrap();
        let public = ec.public_key().as_ref().to_vec();
        assert!(DeviceAlgorithm::Es256.key_shape_ok(&public));
        let sig = ec.sign(&rng, message).unwrap();
        assert!(DeviceAlgorithm::Es256.verify(&public, message, sig.as_ref()));
        assert!(!DeviceAlgorithm::Es256.verify(&public, b"other", sig.as_ref()));
        assert!(!DeviceAlgorithm::EdDsa.verify(&public, message, sig.as_ref()));
        let der_signer = EcdsaKeyPair::from_pkcs8(
            &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            pkcs8.as_ref(),
            &rng,
        )
        .unwrap();
        let der = der_signer.sign(&rng, message).unwrap();
        assert!(DeviceAlgorithm::Es256.verify(&public, message, der.as_ref()));

        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let ed = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let public = ed.public_key().as_ref().to_vec();
        assert!(DeviceAlgorithm::EdDsa.key_shape_ok(&public));
        assert!(!DeviceAlgorithm::Es256.key_shape_ok(&public));
        assert!(DeviceAlgorithm::EdDsa.verify(&public, message, ed.sign(message).as_ref()));
        assert!(!DeviceAlgorithm::EdDsa.verify(&public, message, &[0; 64]));
        assert!(!DeviceAlgorithm::Es256.verify(&[4; 65], message, &[0; 3]));
    }

    #[test]
    fn codes_render_as_svg_and_ids_are_checked() {
        let s = svg("sesame-qr://127.0.0.1:8080/api?e=x").unwrap();
        assert!(s.starts_with("<svg"), "{}", &s[..20]);
        assert!(is_device_id(&"a1".repeat(16)));
        assert!(!is_device_id("a1"));
        assert!(!is_device_id(&"zz".repeat(16)));
        assert_eq!(random_b64(32).unwrap().len(), 43);
        assert_ne!(random_b64(16).unwrap(), random_b64(16).unwrap());
    }
}
