//! Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): after a
//! successful login, the browser gets a random token in the `sesame_device` cookie
//! (`__Host-sesame_device` outside dev mode; HttpOnly, SameSite=Strict, 90 days) bound to that
//! account; only its SHA-256 is stored, in `trusted_devices`, with the device's own failure
//! counter. A later login from that browser to that account uses the device's counter; every
//! other browser (no cookie, an unknown, expired or other account's cookie) shares the
//! account's strict counter. So an attacker who locks or blocks the strict counter does not
//! lock the owner out of a browser they logged in with before. Each success renews the token.
//! One cookie per browser: logging in to another account replaces it. A password change
//! (which a trusted browser can make while the strict counter is locked) resets the strict
//! counter.

use crate::db::{self, Db};
use crate::session::{cookie_header, read_cookie};
use crate::token;
use axum::http::{HeaderMap, HeaderValue};

/// The cookie's name in dev mode (plain HTTP); outside it, with the `__Host-` prefix.
pub const COOKIE_NAME: &str = "sesame_device";
/// How long a browser stays trusted after its last successful login (90 days).
pub const DEVICE_SECONDS: i64 = 90 * 24 * 60 * 60;

/// The cookie's name for this mode.
pub fn cookie_name(dev_mode: bool) -> &'static str {
    if dev_mode {
        COOKIE_NAME
    } else {
        "__Host-sesame_device"
    }
}

/// The device token the request carries, if well formed.
pub fn token_from(headers: &HeaderMap, dev_mode: bool) -> Option<String> {
    read_cookie(headers, cookie_name(dev_mode))
}

/// Trusts the browser for the account after a success: a new token (replacing the device
/// `old`, if the browser was trusted already); the `Set-Cookie` value.
pub async fn trust(
    db: &Db,
    portal: &str,
    identifier: &str,
    old: Option<&str>,
    now: i64,
    dev_mode: bool,
) -> anyhow::Result<HeaderValue> {
    let token = token::new_token()?;
    db::trust_device(
        db,
        portal,
        identifier,
        &token::hash(&token),
        old,
        now,
        now.saturating_add(DEVICE_SECONDS),
    )
    .await?;
    Ok(cookie_header(
        cookie_name(dev_mode),
        &token,
        DEVICE_SECONDS,
        dev_mode,
    ))
}
