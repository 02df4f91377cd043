//! Sessions: a random 32-byte token in the `sesame_session` cookie (HttpOnly, SameSite=Strict,
//! Path=/, Secure outside dev mode, 8 hours); only its SHA-256 is stored.

use crate::db::Db;
use crate::error::AppError;
use crate::password_hash::hex;
use crate::state::AppState;
use anyhow::anyhow;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use sesame_core::api::SessionInfo;
use sesame_core::{ErrorCode, Method, PortalId};
use sha2::{Digest, Sha256};

/// The cookie's name.
pub const COOKIE_NAME: &str = "sesame_session";
/// A session's lifetime, in seconds (8 hours).
pub const SESSION_SECONDS: i64 = 8 * 60 * 60;
/// Random bytes in a token.
const TOKEN_BYTES: usize = 32;

/// A new random token (hex) for the cookie.
pub fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness: {e}"))?;
    Ok(hex(&bytes))
}

/// What the database stores for a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The `Set-Cookie` value that gives the browser `token`.
pub fn set_cookie(token: &str, dev_mode: bool) -> HeaderValue {
    cookie_value(token, SESSION_SECONDS, dev_mode)
}

/// The `Set-Cookie` value that removes the cookie.
pub fn clear_cookie(dev_mode: bool) -> HeaderValue {
    cookie_value("", 0, dev_mode)
}

fn cookie_value(token: &str, max_age: i64, dev_mode: bool) -> HeaderValue {
    let secure = if dev_mode { "" } else { "; Secure" };
    let value = format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    );
    // Hex token and fixed text: always a valid header value.
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The session token of the request's cookies, if one is well formed.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim())
        .find(|value| {
            value.len() == TOKEN_BYTES * 2 && value.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(str::to_owned)
}

/// Stores a new session and returns its token.
pub async fn create(
    db: &Db,
    portal: &str,
    identifier: &str,
    method: Method,
    now: i64,
) -> Result<String, AppError> {
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await?;
    let token = new_token()?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, portal, identifier, method, authenticated_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(portal)
    .bind(identifier)
    .bind(method.as_str())
    .bind(now)
    .bind(now.saturating_add(SESSION_SECONDS))
    .execute(db)
    .await?;
    Ok(token)
}

/// Ends the session with this token hash.
pub async fn delete(db: &Db, token_hash: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session of an account except `keep`.
pub async fn delete_others<'e>(
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

/// The request's live session: extracting it answers 401 `not_authenticated` without one.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    /// The stored hash of the cookie's token.
    pub token_hash: String,
    /// Who and how.
    pub info: SessionInfo,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    portal: String,
    identifier: String,
    method: String,
    authenticated_at: i64,
    display_name: String,
}

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = token_from(&parts.headers).ok_or(ErrorCode::NotAuthenticated)?;
        let hash = token_hash(&token);
        let row = sqlx::query_as::<_, SessionRow>(
            "SELECT s.portal, s.identifier, s.method, s.authenticated_at, a.display_name \
             FROM sessions s JOIN accounts a ON a.portal = s.portal AND a.identifier = s.identifier \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(&hash)
        .bind(state.now())
        .fetch_optional(&state.db)
        .await?
        .ok_or(ErrorCode::NotAuthenticated)?;
        let method = Method::parse(&row.method)
            .ok_or_else(|| anyhow!("session with unknown method {:?}", row.method))?;
        let portal = PortalId::new(&row.portal).map_err(|e| anyhow!("stored portal: {e}"))?;
        Ok(CurrentSession {
            token_hash: hash,
            info: SessionInfo {
                portal,
                identifier: row.identifier,
                display_name: row.display_name,
                method,
                assurance: method.assurance(),
                authenticated_at: row.authenticated_at,
            },
        })
    }
}

impl OptionalFromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    /// No session is `None`; only a server failure is an error.
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, AppError> {
        match <CurrentSession as FromRequestParts<AppState>>::from_request_parts(parts, state).await
        {
            Ok(session) => Ok(Some(session)),
            Err(e) if e.code() == ErrorCode::NotAuthenticated => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_cookies() {
        let t = new_token().unwrap();
        assert_eq!(t.len(), 64);
        assert_ne!(t, new_token().unwrap());
        assert_eq!(token_hash(&t).len(), 64);
        assert_ne!(token_hash(&t), t);
        let dev = set_cookie(&t, true);
        let dev = dev.to_str().unwrap();
        assert!(
            dev.contains("HttpOnly") && dev.contains("SameSite=Strict") && dev.contains("Path=/")
        );
        assert!(!dev.contains("Secure"));
        assert!(set_cookie(&t, false)
            .to_str()
            .unwrap()
            .ends_with("; Secure"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {COOKIE_NAME}={t}; c=d")).unwrap(),
        );
        assert_eq!(token_from(&headers), Some(t));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("sesame_session=short"),
        );
        assert_eq!(token_from(&headers), None);
    }
}
