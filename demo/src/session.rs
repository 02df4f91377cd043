//! Sessions: a random 32-byte token ([`crate::token`]) in the session cookie (HttpOnly,
//! SameSite=Strict, Path=/; outside dev mode `Secure` and named with the `__Host-` prefix, so
//! no subdomain can set it); only its SHA-256 is stored. A session ends 8 hours after the login,
//! or after 30 minutes without a request, whichever comes first. A login replaces the session
//! the browser already held.
//!
//! A session opened (by any method: every login goes through [`create`]) for an account that
//! has not accepted its portal's current terms of use is *pending* until it does
//! (`POST /api/session/terms`): [`CurrentSession`] refuses it with 403 `terms_pending`; only
//! `GET /api/session`, `POST /api/logout` and the terms themselves take a
//! [`PendingOrReadySession`].

use crate::db;
use crate::error::AppError;
use crate::state::AppState;
use crate::token;
use anyhow::{anyhow, Context};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use sesame_core::account::Terms;
use sesame_core::api::SessionInfo;
use sesame_core::oidc::Means;
use sesame_core::{AssuranceLevel, ErrorCode, Method, PortalId};

/// The cookie's name in dev mode (plain HTTP); outside it, with the `__Host-` prefix.
pub const COOKIE_NAME: &str = "sesame_session";
/// A session's lifetime, in seconds (8 hours).
pub const SESSION_SECONDS: i64 = 8 * 60 * 60;
/// A session without a request for this long ends, in seconds (30 minutes).
pub const IDLE_SECONDS: i64 = 30 * 60;

/// The session cookie's name for this mode.
pub fn cookie_name(dev_mode: bool) -> &'static str {
    if dev_mode {
        COOKIE_NAME
    } else {
        "__Host-sesame_session"
    }
}

/// The `Set-Cookie` value that gives the browser `token`.
pub fn set_cookie(token: &str, dev_mode: bool) -> HeaderValue {
    cookie_header(cookie_name(dev_mode), token, SESSION_SECONDS, dev_mode)
}

/// The `Set-Cookie` value that removes the cookie.
pub fn clear_cookie(dev_mode: bool) -> HeaderValue {
    cookie_header(cookie_name(dev_mode), "", 0, dev_mode)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, and Secure outside dev mode.
pub(crate) fn cookie_header(name: &str, token: &str, max_age: i64, dev_mode: bool) -> HeaderValue {
    cookie_header_same_site(name, token, max_age, dev_mode, "Strict")
}

/// [`cookie_header`] with another `SameSite` (`Lax` for a cookie that must come back with a
/// cross-site navigation: the OIDC cookie).
pub(crate) fn cookie_header_same_site(
    name: &str,
    token: &str,
    max_age: i64,
    dev_mode: bool,
    same_site: &str,
) -> HeaderValue {
    let secure = if dev_mode { "" } else { "; Secure" };
    let value = format!(
        "{name}={token}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age}{secure}"
    );
    // Hex token and fixed text: always a valid header value.
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The well-formed token of the request's cookie `name`, if any.
pub(crate) fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(n, _)| *n == name)
        .map(|(_, value)| value.trim())
        .find(|value| token::is_well_formed(value))
        .map(str::to_owned)
}

/// The session token of the request's cookies, if one is well formed.
pub fn token_from(headers: &HeaderMap, dev_mode: bool) -> Option<String> {
    read_cookie(headers, cookie_name(dev_mode))
}

/// Stores a new session and returns its token; the session of `replaced` (the token the
/// browser sent, if any) ends. When the account has not accepted its portal's current terms,
/// `info.terms` is set to them and the session is stored pending.
pub async fn create(
    state: &AppState,
    info: &mut SessionInfo,
    replaced: Option<&str>,
) -> Result<String, AppError> {
    create_with_id_token(state, info, replaced, None).await
}

/// [`create`] for a login through OpenID Connect: the provider's ID token is kept, to end
/// its session too at logout.
pub async fn create_with_id_token(
    state: &AppState,
    info: &mut SessionInfo,
    replaced: Option<&str>,
    id_token: Option<&str>,
) -> Result<String, AppError> {
    info.terms = terms_to_accept(state, info).await?;
    let token = token::new_token()?;
    let now = info.authenticated_at;
    db::create_session(
        &state.db,
        &token::hash(&token),
        replaced.map(token::hash).as_deref(),
        info,
        now.saturating_add(SESSION_SECONDS),
        id_token,
    )
    .await?;
    Ok(token)
}

/// The portal's current terms, when the account of `info` has not accepted them.
async fn terms_to_accept(state: &AppState, info: &SessionInfo) -> Result<Option<Terms>, AppError> {
    let Some(terms) = state.portal(&info.portal).and_then(|p| p.terms.as_ref()) else {
        return Ok(None);
    };
    let accepted = db::terms_accepted(
        &state.db,
        info.portal.as_str(),
        &info.identifier,
        &terms.version,
    )
    .await?;
    Ok((!accepted).then(|| terms.clone()))
}

/// The request's live and ready session: extracting it answers 401 `not_authenticated`
/// without one, 403 `terms_pending` while the session waits for the terms of use.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    /// The stored hash of the cookie's token.
    pub token_hash: String,
    /// Who and how.
    pub info: SessionInfo,
}

/// The request's live session, ready or pending (its `info.terms` set): for the few endpoints
/// a pending session may call (the session, logout, the terms). 401 `not_authenticated`
/// without one.
#[derive(Debug, Clone)]
pub struct PendingOrReadySession(pub CurrentSession);

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let PendingOrReadySession(session) =
            <PendingOrReadySession as FromRequestParts<AppState>>::from_request_parts(parts, state)
                .await?;
        if session.info.terms_pending() {
            return Err(ErrorCode::TermsPending.into());
        }
        Ok(session)
    }
}

impl FromRequestParts<AppState> for PendingOrReadySession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token =
            token_from(&parts.headers, state.config.dev_mode).ok_or(ErrorCode::NotAuthenticated)?;
        let hash = token::hash(&token);
        let now = state.now();
        let row = db::touch_session(&state.db, &hash, now, now.saturating_sub(IDLE_SECONDS))
            .await?
            .ok_or(ErrorCode::NotAuthenticated)?;
        let method = Method::parse(&row.method)
            .ok_or_else(|| anyhow!("session with unknown method {:?}", row.method))?;
        let portal = PortalId::new(&row.portal).map_err(|e| anyhow!("stored portal: {e}"))?;
        let mut info = SessionInfo::new(
            portal,
            row.identifier,
            row.display_name,
            method,
            row.authenticated_at,
        );
        if let Some(level) = row.assurance.as_deref() {
            info.assurance = AssuranceLevel::parse(level)
                .ok_or_else(|| anyhow!("session with unknown assurance {level:?}"))?;
        }
        info.means = row.means.as_deref().and_then(Means::parse);
        if let Some(json) = &row.establishment {
            info.establishment = Some(serde_json::from_str(json).context("stored establishment")?);
        }
        if let Some(json) = &row.establishments {
            info.establishments = serde_json::from_str(json).context("stored establishments")?;
        }
        // Pending: the portal's current terms (those the session was opened with, unless the
        // portal has changed them since; a portal that dropped them leaves it ready).
        if row.terms_version.is_some() {
            info.terms = state.portal(&info.portal).and_then(|p| p.terms.clone());
        }
        Ok(PendingOrReadySession(CurrentSession {
            token_hash: hash,
            info,
        }))
    }
}

impl OptionalFromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    /// No session is `None`; a pending one is 403 `terms_pending`, a server failure an error.
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

impl OptionalFromRequestParts<AppState> for PendingOrReadySession {
    type Rejection = AppError;

    /// No session is `None`; only a server failure is an error.
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, AppError> {
        match <PendingOrReadySession as FromRequestParts<AppState>>::from_request_parts(
            parts, state,
        )
        .await
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
    fn cookies() {
        let t = token::new_token().unwrap();
        let dev = set_cookie(&t, true);
        let dev = dev.to_str().unwrap();
        assert!(dev.starts_with("sesame_session="), "{dev}");
        assert!(
            dev.contains("HttpOnly") && dev.contains("SameSite=Strict") && dev.contains("Path=/")
        );
        assert!(!dev.contains("Secure"));
        let prod = set_cookie(&t, false);
        let prod = prod.to_str().unwrap();
        assert!(prod.starts_with("__Host-sesame_session="), "{prod}");
        assert!(prod.ends_with("; Secure"), "{prod}");
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {COOKIE_NAME}={t}; c=d")).unwrap(),
        );
        assert_eq!(token_from(&headers, true), Some(t.clone()));
        assert_eq!(token_from(&headers, false), None, "the prefix is required");
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("sesame_session=short"),
        );
        assert_eq!(token_from(&headers, true), None);
    }
}
