//! The portal API client: the API's cookies (same origin, or another origin that the API
//! allows), the CSRF header on every `POST`, and every failure turned into an [`ApiError`] with
//! a code the widget can explain.
//!
//! The browser's `fetch` is called through web-sys, not gloo-net: the widget sends a JSON body
//! and reads a text answer, and gloo-net's request builder (URL and query handling, header
//! iteration, the `http` crate's methods) cost 3.2 KB brotli for none of that (BENCHMARKS.md).

use crate::view::AttrValue;
use js_sys::{Array, Object, Reflect, JSON};
use sesame_core::account::{
    ForgotIdentifierRequest, ForgotPasswordRequest, LinkInfo, LinkRequest, SetPasswordRequest,
    SignupConfirmRequest, TermsRequest,
};
use sesame_core::api::{
    paths, ChangePasswordRequest, CodeStep, CpsLoginRequest, LoginPasswordBody, SendCodeRequest,
    SessionInfo, VerifyCodeRequest, CSRF_HEADER,
};
use sesame_core::captcha::CaptchaStart;
use sesame_core::oidc::{EstablishmentChoice, OidcStartRequest};
use sesame_core::qr::{QrCode, QrCreateRequest, QrStatus, QrStatusRequest};
use sesame_core::wire::{Fields, JsonValue};
use sesame_core::{ApiError, ErrorCode, PortalId};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, Response};

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
        let body = send("GET", &self.url(paths::SESSION), None).await?;
        if body.trim().is_empty() {
            Ok(None)
        } else {
            read_ok(parse(&body), SessionInfo::read).map(Some)
        }
    }

    /// Identifier and password: logged in, or a code step remains.
    pub async fn login_password(
        &self,
        request: &LoginPasswordBody,
    ) -> Result<LoginOutcome, ApiError> {
        let body = post(self, paths::LOGIN_PASSWORD, Some(request)).await?;
        read_ok(parse(&body), LoginOutcome::read)
    }

    /// Sends a (new) one-time code on a channel, for the attempt under way.
    pub async fn send_code(&self, request: &SendCodeRequest) -> Result<CodeStep, ApiError> {
        let body = post(self, paths::LOGIN_CODE_SEND, Some(request)).await?;
        read_ok(parse(&body), CodeStep::read)
    }

    /// The one-time code: logged in.
    pub async fn verify_code(&self, request: &VerifyCodeRequest) -> Result<SessionInfo, ApiError> {
        let body = post(self, paths::LOGIN_CODE, Some(request)).await?;
        read_ok(parse(&body), SessionInfo::read)
    }

    /// What `portal`'s "not a robot" step starts with: a new proof-of-work challenge, or the
    /// hosted provider to show.
    pub async fn captcha_start(&self, portal: &PortalId) -> Result<CaptchaStart, ApiError> {
        let path = [paths::LOGIN_CAPTCHA_CHALLENGE, "?portal=", portal.as_str()].concat();
        let body = post(self, &path, None).await?;
        read_ok(parse(&body), CaptchaStart::read)
    }

    /// A one-time nonce for a CPS card login, bound to this browser.
    pub async fn cps_nonce(&self) -> Result<String, ApiError> {
        let body = post(self, paths::LOGIN_CPS_NONCE, None).await?;
        read_ok(parse(&body), |b| b.member("nonce").and_then(|n| n.string()))
    }

    /// The card's signature of the nonce: logged in.
    pub async fn login_cps(&self, request: &CpsLoginRequest) -> Result<SessionInfo, ApiError> {
        let body = post(self, paths::LOGIN_CPS, Some(request)).await?;
        read_ok(parse(&body), SessionInfo::read)
    }

    /// A new QR code for `portal`'s login, bound to this browser (its QR cookie).
    pub async fn qr_code(&self, request: &QrCreateRequest) -> Result<QrCode, ApiError> {
        let body = post(self, paths::LOGIN_QR, Some(request)).await?;
        read_ok(parse(&body), QrCode::read)
    }

    /// Where the QR login of code `id` is; an approved code is claimed by this call (the
    /// session cookie set).
    pub async fn qr_status(&self, request: &QrStatusRequest) -> Result<QrStatus, ApiError> {
        let body = post(self, paths::LOGIN_QR_STATUS, Some(request)).await?;
        read_ok(parse(&body), QrStatus::read)
    }

    /// Ends the session; for a session from Pro Santé Connect or the SSO, where the browser
    /// goes to end the provider's too.
    pub async fn logout(&self) -> Result<Option<String>, ApiError> {
        let body = post(self, paths::LOGOUT, None).await?;
        Ok(parse(&body).and_then(|b| b.member("end_session_url")?.string()))
    }

    /// Where to go for a login with Pro Santé Connect or the regional SSO.
    pub async fn oidc_start(&self, request: &OidcStartRequest) -> Result<String, ApiError> {
        let body = post(self, paths::LOGIN_OIDC_START, Some(request)).await?;
        read_ok(parse(&body), |b| b.member("authorize_url")?.string())
    }

    /// The establishment this session works for.
    pub async fn choose_establishment(
        &self,
        choice: &EstablishmentChoice,
    ) -> Result<SessionInfo, ApiError> {
        let body = post(self, paths::SESSION_ESTABLISHMENT, Some(choice)).await?;
        read_ok(parse(&body), SessionInfo::read)
    }

    /// What an e-mail's link is for, and whether it still works.
    pub async fn link(&self, request: &LinkRequest) -> Result<LinkInfo, ApiError> {
        let body = post(self, paths::ACCOUNT_LINK, Some(request)).await?;
        read_ok(parse(&body), LinkInfo::read)
    }

    /// Sets the password with a link's token (first login, or a reset).
    pub async fn set_password(&self, request: &SetPasswordRequest) -> Result<(), ApiError> {
        done(self, paths::ACCOUNT_SET_PASSWORD, request).await
    }

    /// Asks for a reset link: the same answer whether an account matches or not.
    pub async fn forgot_password(&self, request: &ForgotPasswordRequest) -> Result<(), ApiError> {
        done(self, paths::ACCOUNT_FORGOT_PASSWORD, request).await
    }

    /// Asks for the identifier by e-mail: the same answer whether an account matches or not.
    pub async fn forgot_identifier(
        &self,
        request: &ForgotIdentifierRequest,
    ) -> Result<(), ApiError> {
        done(self, paths::ACCOUNT_FORGOT_IDENTIFIER, request).await
    }

    /// Sign-up: sends another code by SMS.
    pub async fn signup_send(&self, request: &LinkRequest) -> Result<(), ApiError> {
        done(self, paths::ACCOUNT_SIGNUP_SEND, request).await
    }

    /// Sign-up: confirms it with the code.
    pub async fn signup_confirm(&self, request: &SignupConfirmRequest) -> Result<(), ApiError> {
        done(self, paths::ACCOUNT_SIGNUP_CONFIRM, request).await
    }

    /// Accepts the terms (the session, ready: `Some`) or declines them (the session ended:
    /// `None`).
    pub async fn terms(&self, request: &TermsRequest) -> Result<Option<SessionInfo>, ApiError> {
        let body = post(self, paths::SESSION_TERMS, Some(request)).await?;
        Ok(parse(&body).as_ref().and_then(SessionInfo::read))
    }

    /// Changes the logged-in account's password.
    pub async fn change_password(&self, request: &ChangePasswordRequest) -> Result<(), ApiError> {
        done(self, paths::CHANGE_PASSWORD, request).await
    }
}

/// What the password step leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginOutcome {
    /// Logged in: the method had no other step.
    Session(SessionInfo),
    /// A one-time code must follow (`202 Accepted`).
    Code(CodeStep),
}

impl LoginOutcome {
    /// A code step (it has a `step` member), else a session.
    pub fn read<J: JsonValue>(v: &J) -> Option<LoginOutcome> {
        match v.member("step") {
            Some(_) => CodeStep::read(v).map(LoginOutcome::Code),
            None => SessionInfo::read(v).map(LoginOutcome::Session),
        }
    }
}

/// A JSON value as the browser parsed it (`JSON.parse`): the widget reads bodies through it
/// instead of serde (see `sesame_core::wire`).
pub struct Js(pub JsValue);

impl JsonValue for Js {
    fn member(&self, key: &str) -> Option<Js> {
        if !self.0.is_object() {
            return None;
        }
        let v = Reflect::get(&self.0, &JsValue::from_str(key)).ok()?;
        (!v.is_null() && !v.is_undefined()).then_some(Js(v))
    }
    fn string(&self) -> Option<String> {
        self.0.as_string()
    }
    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn items(&self) -> Option<Vec<Js>> {
        Array::is_array(&self.0).then(|| Array::from(&self.0).iter().map(Js).collect())
    }
    fn keys(&self) -> Option<Vec<String>> {
        (self.0.is_object() && !Array::is_array(&self.0)).then(|| {
            Object::keys(self.0.unchecked_ref::<Object>())
                .iter()
                .filter_map(|k| k.as_string())
                .collect()
        })
    }
}

/// `text` parsed by the browser; `None` if it is not JSON.
pub fn parse(text: &str) -> Option<Js> {
    JSON::parse(text).ok().map(Js)
}

/// A flat object of string members, as a JavaScript object.
pub fn object(fields: &[(&str, &str)]) -> Object {
    let object = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    object
}

/// `object` with `body`'s boolean members added.
fn with_booleans(object: Object, body: &dyn Fields) -> Object {
    for (key, value) in body.booleans() {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_bool(value));
    }
    object
}

/// `POST`s `body`; the answer's body is not needed.
async fn done(api: &Api, path: &str, body: &dyn Fields) -> Result<(), ApiError> {
    post(api, path, Some(body)).await.map(drop)
}

async fn post(api: &Api, path: &str, body: Option<&dyn Fields>) -> Result<String, ApiError> {
    let json = match body {
        Some(body) => Some(
            JSON::stringify(&with_booleans(object(&body.fields()), body))
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| ApiError::new(ErrorCode::InvalidRequest))?,
        ),
        None => None,
    };
    send("POST", &api.url(path), json).await
}

/// Sends with the API's cookies (`credentials: include`: the API may be on another origin that
/// allows this page's, see README "The API on another origin"), the CSRF header on a `POST` and the JSON body
/// if any; the body of a 2xx answer, or the error.
async fn send(method: &str, url: &str, json: Option<String>) -> Result<String, ApiError> {
    let network = |_| ApiError::new(ErrorCode::NetworkError);
    let post = method == "POST";
    let mut headers = vec![("accept", "application/json")];
    if post {
        headers.push((CSRF_HEADER, "1"));
    }
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::Include);
    if let Some(json) = &json {
        headers.push(("content-type", "application/json"));
        init.set_body(&JsValue::from_str(json));
    }
    init.set_headers(&object(&headers));
    let window = web_sys::window().ok_or(ApiError::new(ErrorCode::NetworkError))?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(network)?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?;
    let body = text.as_string().unwrap_or_default();
    if response.ok() {
        Ok(body)
    } else {
        Err(read_error(response.status(), parse(&body)))
    }
}

/// A 2xx body read by `read`; a body the widget cannot read is the portal's problem.
pub fn read_ok<J: JsonValue, T>(body: Option<J>, read: fn(&J) -> Option<T>) -> Result<T, ApiError> {
    body.as_ref()
        .and_then(read)
        .ok_or_else(|| ApiError::new(ErrorCode::UnknownError))
}

/// An error answer: its JSON [`ApiError`], or (a proxy's HTML page, say) a code from the status.
pub fn read_error<J: JsonValue>(status: u16, body: Option<J>) -> ApiError {
    body.as_ref()
        .and_then(ApiError::read)
        .unwrap_or_else(|| ApiError::new(ErrorCode::from_http_status(status)))
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
        let json = |s: &str| serde_json::from_str::<serde_json::Value>(s).ok();
        let decode_error = |status, body: &str| read_error(status, json(body));
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
        let e = read_ok(None::<serde_json::Value>, SessionInfo::read).unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownError);
        let e = read_ok(
            Some(serde_json::json!({"portal": "spico"})),
            SessionInfo::read,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownError);
    }
}
