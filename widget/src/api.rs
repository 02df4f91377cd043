//! The portal API client: same-origin credentials, the CSRF header on every `POST`, and every
//! failure turned into an [`ApiError`] with a code the widget can explain.

use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sesame_core::api::{
    paths, ChangePasswordRequest, LoginPasswordRequest, SessionInfo, CSRF_HEADER,
};
use sesame_core::{ApiError, ErrorCode};
use web_sys::RequestCredentials;
use yew::AttrValue;

/// The portal API at a base URL such as `/api`.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    base: AttrValue,
}

impl Api {
    /// The API at `base` (a trailing `/` is ignored).
    pub fn new(base: AttrValue) -> Api {
        Api { base }
    }

    /// The full URL of `path` (one of [`paths`]).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.trim_end_matches('/'))
    }

    /// The current session; `None` when there is none (the portal answers 204).
    pub async fn session(&self) -> Result<Option<SessionInfo>, ApiError> {
        let request = Request::get(&self.url(paths::SESSION))
            .credentials(RequestCredentials::SameOrigin)
            .header("accept", "application/json");
        let body = send(request, None).await?;
        decode_optional(&body)
    }

    /// Logs in with identifier and password.
    pub async fn login_password(
        &self,
        request: &LoginPasswordRequest,
    ) -> Result<SessionInfo, ApiError> {
        let body = post(self, paths::LOGIN_PASSWORD, Some(request)).await?;
        decode_ok(&body)
    }

    /// Ends the session.
    pub async fn logout(&self) -> Result<(), ApiError> {
        post::<()>(self, paths::LOGOUT, None).await.map(drop)
    }

    /// Changes the logged-in account's password.
    pub async fn change_password(&self, request: &ChangePasswordRequest) -> Result<(), ApiError> {
        post(self, paths::CHANGE_PASSWORD, Some(request))
            .await
            .map(drop)
    }
}

async fn post<B: Serialize>(api: &Api, path: &str, body: Option<&B>) -> Result<String, ApiError> {
    let request = Request::post(&api.url(path))
        .credentials(RequestCredentials::SameOrigin)
        .header(CSRF_HEADER, "1")
        .header("accept", "application/json");
    let json = match body {
        Some(body) => Some(
            serde_json::to_string(body).map_err(|_| ApiError::new(ErrorCode::InvalidRequest))?,
        ),
        None => None,
    };
    send(request, json).await
}

/// Sends; the body of a 2xx answer, or the error.
async fn send(request: RequestBuilder, json: Option<String>) -> Result<String, ApiError> {
    let network = |_| ApiError::new(ErrorCode::NetworkError);
    let request = match json {
        Some(json) => request
            .header("content-type", "application/json")
            .body(json),
        None => request.build(),
    }
    .map_err(network)?;
    let response = request.send().await.map_err(network)?;
    let body = response.text().await.map_err(network)?;
    if response.ok() {
        Ok(body)
    } else {
        Err(decode_error(response.status(), &body))
    }
}

/// A 2xx body as `T`; a body the widget cannot read is the portal's problem.
pub fn decode_ok<T: DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|_| ApiError::new(ErrorCode::UnknownError))
}

/// A 2xx body that may be empty (204): `None` when empty.
pub fn decode_optional<T: DeserializeOwned>(body: &str) -> Result<Option<T>, ApiError> {
    if body.trim().is_empty() {
        Ok(None)
    } else {
        decode_ok(body).map(Some)
    }
}

/// An error answer: its JSON [`ApiError`], or (a proxy's HTML page, say) a code from the status.
pub fn decode_error(status: u16, body: &str) -> ApiError {
    serde_json::from_str(body)
        .unwrap_or_else(|_| ApiError::new(ErrorCode::from_http_status(status)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_the_base() {
        let api = Api::new("/api/".into());
        assert_eq!(api.url(paths::SESSION), "/api/session");
        assert_eq!(Api::new("/api".into()).url(paths::LOGOUT), "/api/logout");
    }

    #[test]
    fn json_errors_are_read_and_others_mapped_by_status() {
        let e = decode_error(401, r#"{"code":"invalid_credentials","message":"x"}"#);
        assert_eq!(e.code, ErrorCode::InvalidCredentials);
        let e = decode_error(
            422,
            r#"{"code":"password_rules_not_met","message":"x","rules":[{"rule":{"rule":"digit"},"met":false}]}"#,
        );
        assert_eq!(e.rules.len(), 1);
        assert_eq!(
            decode_error(502, "<html>Bad Gateway</html>").code,
            ErrorCode::NetworkError
        );
        assert_eq!(decode_error(500, "").code, ErrorCode::InternalError);
        assert_eq!(decode_error(429, "slow down").code, ErrorCode::RateLimited);
        assert_eq!(decode_error(403, "").code, ErrorCode::CsrfRejected);
        assert_eq!(decode_error(418, "").code, ErrorCode::UnknownError);
    }

    #[test]
    fn unreadable_success_bodies_are_unknown_errors() {
        let e = decode_ok::<SessionInfo>("not json").unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownError);
    }
}
