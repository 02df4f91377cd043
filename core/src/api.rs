//! Wire types of the portal API (widget ↔ portal), and its paths relative to the API base.
//!
//! **Invariant:** these are the only request and response bodies of the API; the demo server
//! derives its OpenAPI document from them, and the widget sends and reads exactly them.

use crate::account::Terms;
use crate::method::{AssuranceLevel, Method, Step};
use crate::oidc::{Establishment, Means};
use crate::otp::OtpChannel;
use crate::portal::PortalId;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// Paths of the portal API, relative to its base (`/api` in the demo).
pub mod paths {
    /// `POST` [`LoginPasswordRequest`](super::LoginPasswordRequest) → `200`
    /// [`SessionInfo`](super::SessionInfo) when the method has no other step, or `202`
    /// [`CodeStep`](super::CodeStep) (and the attempt cookie) when a code step remains.
    ///
    /// The body is a [`LoginPasswordBody`](super::LoginPasswordBody): the request and, when the
    /// offer's captcha step is due, its `captcha` solution. Without a valid one the login is
    /// refused **before** the password is checked (nothing counted): `428 captcha_required`,
    /// `401 captcha_invalid` / `captcha_expired`, `424 captcha_unavailable`.
    pub const LOGIN_PASSWORD: &str = "/login/password";
    /// `POST` (no body) → [`CaptchaChallenge`](crate::captcha::CaptchaChallenge): a new
    /// proof-of-work challenge (ALTCHA), to solve and send as the login's `captcha`.
    pub const LOGIN_CAPTCHA_CHALLENGE: &str = "/login/captcha/challenge";
    /// `POST` [`SendCodeRequest`](super::SendCodeRequest) → [`CodeStep`](super::CodeStep): sends
    /// a (new) code on a channel, for the attempt of the attempt cookie.
    pub const LOGIN_CODE_SEND: &str = "/login/code/send";
    /// `POST` [`VerifyCodeRequest`](super::VerifyCodeRequest) → [`SessionInfo`](super::SessionInfo):
    /// the code step; the session cookie set, the attempt cookie cleared.
    pub const LOGIN_CODE: &str = "/login/code";
    /// `POST` (no body) → [`CpsNonce`](super::CpsNonce): a one-time nonce for a CPS card
    /// login, bound to this browser (the CPS cookie).
    pub const LOGIN_CPS_NONCE: &str = "/login/cps/nonce";
    /// `POST` [`CpsLoginRequest`](super::CpsLoginRequest) → [`SessionInfo`](super::SessionInfo):
    /// the card's signature over [`to_be_signed`](crate::host::to_be_signed)`(origin, nonce)`,
    /// checked; the session cookie set.
    pub const LOGIN_CPS: &str = "/login/cps";
    /// `POST` [`QrCreateRequest`](crate::qr::QrCreateRequest) → [`QrCode`](crate::qr::QrCode):
    /// a QR code to approve on an enrolled phone, bound to this browser (the QR cookie, set or
    /// kept). Renewing is asking again.
    pub const LOGIN_QR: &str = "/login/qr";
    /// `POST` [`QrStatusRequest`](crate::qr::QrStatusRequest) → [`QrStatus`](crate::qr::QrStatus):
    /// where the code is, for the browser holding its QR cookie (any other: `404 qr_unknown`);
    /// an approved code is claimed by this answer (`approved`, the session cookie set), once.
    pub const LOGIN_QR_STATUS: &str = "/login/qr/status";
    /// `GET ?id=<QrCode::id>` → `text/event-stream` of `status` events (a
    /// [`QrStatus`](crate::qr::QrStatus) as JSON) until a final one; an approval arrives as
    /// `approved_pending_claim`: claim it with [`LOGIN_QR_STATUS`]. Cookie-bound as the poll.
    pub const LOGIN_QR_EVENTS: &str = "/login/qr/events";
    /// `POST` [`QrPayloadRequest`](crate::qr::QrPayloadRequest) →
    /// [`QrRequestInfo`](crate::qr::QrRequestInfo): the phone reads what a login request shows.
    pub const PHONE_REQUEST: &str = "/phone/request";
    /// `POST` [`QrApproveRequest`](crate::qr::QrApproveRequest) → 204: the phone approves.
    pub const PHONE_APPROVE: &str = "/phone/approve";
    /// `POST` [`QrDeclineRequest`](crate::qr::QrDeclineRequest) → 204: the phone declines.
    pub const PHONE_DECLINE: &str = "/phone/decline";
    /// `POST` (no body, a session needed) → [`QrEnrolment`](crate::qr::QrEnrolment): a one-time
    /// enrolment code for the logged-in account.
    pub const PHONE_ENROLMENT: &str = "/phone/enrolment";
    /// `POST` [`QrEnrolRequest`](crate::qr::QrEnrolRequest) → [`QrDevice`](crate::qr::QrDevice):
    /// the phone registers its public key and PIN.
    pub const PHONE_ENROL: &str = "/phone/enrol";
    /// `POST` [`OidcStartRequest`](crate::oidc::OidcStartRequest) →
    /// [`OidcStart`](crate::oidc::OidcStart): where to send the browser for Pro Santé Connect
    /// or the regional SSO (state, nonce and PKCE verifier kept by the portal, bound to this
    /// browser by the OIDC cookie).
    pub const LOGIN_OIDC_START: &str = "/login/oidc/start";
    /// `GET ?code=…&state=…` (or `?error=…&state=…`), the provider's redirect: checked, then a
    /// redirect to the page the login started from with
    /// [`return_fragment`](crate::oidc::return_fragment) (and the session cookie on success).
    /// `{provider}` is [`provider_name`](crate::oidc::provider_name): one callback per
    /// provider, against mix-ups.
    pub const LOGIN_OIDC_CALLBACK: &str = "/login/oidc/{provider}/callback";
    /// `POST` (no body) → 204, or 200 [`ProviderLogout`](crate::oidc::ProviderLogout) when the
    /// provider's own session should end too (Pro Santé Connect, the SSO): ends the session.
    pub const LOGOUT: &str = "/logout";
    /// `POST` [`EstablishmentChoice`](crate::oidc::EstablishmentChoice) →
    /// [`SessionInfo`](super::SessionInfo): the establishment this session works for, one of
    /// the session's `establishments`.
    pub const SESSION_ESTABLISHMENT: &str = "/session/establishment";
    /// `GET` → [`SessionInfo`](super::SessionInfo), or `204 No Content` when there is no session.
    pub const SESSION: &str = "/session";
    /// `POST` [`ChangePasswordRequest`](super::ChangePasswordRequest) → 204.
    pub const CHANGE_PASSWORD: &str = "/password/change";
    /// `POST` [`TermsRequest`](crate::account::TermsRequest) → with `accept: true`, 200
    /// [`SessionInfo`](super::SessionInfo) without `terms` (`409 terms_outdated` for another
    /// version than the current one); with `accept: false`, 200 with an empty body: the
    /// session is ended and its cookie cleared. A pending session may call it.
    pub const SESSION_TERMS: &str = "/session/terms";
    /// `POST` [`ForgotPasswordRequest`](crate::account::ForgotPasswordRequest) → `202`, empty,
    /// the same for every account, known or not, after
    /// [`ACCOUNT_ANSWER_FLOOR_MS`](crate::account::ACCOUNT_ANSWER_FLOOR_MS); a reset link is
    /// e-mailed after the answer when the account exists (`422 method_not_available` when the
    /// portal does not offer the journey, `429 rate_limited` for the address).
    pub const ACCOUNT_FORGOT_PASSWORD: &str = "/account/forgot-password";
    /// `POST` [`ForgotIdentifierRequest`](crate::account::ForgotIdentifierRequest) → `202`, as
    /// [`ACCOUNT_FORGOT_PASSWORD`]; the identifier is e-mailed to the address if an account
    /// has it.
    pub const ACCOUNT_FORGOT_IDENTIFIER: &str = "/account/forgot-identifier";
    /// `POST` [`LinkRequest`](crate::account::LinkRequest) →
    /// [`LinkInfo`](crate::account::LinkInfo): what a link is for and where it is
    /// (`404 link_invalid` for a token that is no link).
    pub const ACCOUNT_LINK: &str = "/account/link";
    /// `POST` [`SetPasswordRequest`](crate::account::SetPasswordRequest) →
    /// [`PasswordSet`](crate::account::PasswordSet): the password of a first-login or reset
    /// link (`422 password_rules_not_met`, `410 link_expired` / `link_used`, `404
    /// link_invalid`).
    pub const ACCOUNT_SET_PASSWORD: &str = "/account/set-password";
    /// `POST` [`LinkRequest`](crate::account::LinkRequest) →
    /// [`LinkInfo`](crate::account::LinkInfo): a new sign-up code sent by SMS (`429
    /// resend_too_soon` / `too_many_sends`).
    pub const ACCOUNT_SIGNUP_SEND: &str = "/account/signup/send";
    /// `POST` [`SignupConfirmRequest`](crate::account::SignupConfirmRequest) →
    /// [`LinkInfo`](crate::account::LinkInfo) with `status: used`: the sign-up confirmed, the
    /// first-login e-mail on its way (`401 invalid_code`, `422 code_malformed`, `410
    /// link_used` once the wrong codes spent the link).
    pub const ACCOUNT_SIGNUP_CONFIRM: &str = "/account/signup/confirm";
    /// `GET` → the OpenAPI document.
    pub const OPENAPI: &str = "/openapi.json";
}

/// The header a page sends with every state-changing request. Together with the Origin check it
/// makes cross-site requests fail (a foreign page cannot set it without a CORS preflight the
/// portal refuses).
pub const CSRF_HEADER: &str = "x-sesame-csrf";

/// Identifier + password login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginPasswordRequest {
    /// The portal the account belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "spico"))]
    pub portal: PortalId,
    /// The identifier as typed; surrounding spaces are ignored.
    #[cfg_attr(feature = "openapi", schema(example = "marie.dupont"))]
    pub identifier: String,
    /// The password.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub password: Secret,
    /// The method whose steps to run (the portal's offer of it); `password` when absent. With
    /// `otp` (or an offer whose steps include a code) the answer is `202` [`CodeStep`].
    #[serde(default)]
    pub method: Method,
}

/// The body of [`paths::LOGIN_PASSWORD`]: a [`LoginPasswordRequest`]'s members, and the
/// captcha's solution when the step is due. A [`LoginPasswordRequest`] alone is a valid body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginPasswordBody {
    /// The portal the account belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "entractes"))]
    pub portal: PortalId,
    /// The identifier as typed; surrounding spaces are ignored.
    #[cfg_attr(feature = "openapi", schema(example = "12345"))]
    pub identifier: String,
    /// The password.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub password: Secret,
    /// The method whose steps to run; `password` when absent.
    #[serde(default)]
    pub method: Method,
    /// The "not a robot" solution, when the offer's captcha step is due: for the proof of
    /// work, [`CaptchaChallenge::payload`](crate::captcha::CaptchaChallenge::payload) (base64
    /// of `{"algorithm","challenge","number","salt","signature"}`); for reCAPTCHA, hCaptcha or
    /// Turnstile, the provider's response token. Used once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captcha: Option<String>,
}

impl LoginPasswordBody {
    /// The body for `request`, with the captcha's solution if any.
    pub fn new(request: LoginPasswordRequest, captcha: Option<String>) -> LoginPasswordBody {
        LoginPasswordBody {
            portal: request.portal,
            identifier: request.identifier,
            password: request.password,
            method: request.method,
            captcha,
        }
    }

    /// The request and the captcha's solution.
    pub fn into_parts(self) -> (LoginPasswordRequest, Option<String>) {
        (
            LoginPasswordRequest {
                portal: self.portal,
                identifier: self.identifier,
                password: self.password,
                method: self.method,
            },
            self.captcha,
        )
    }
}

/// The code step that remains after the password (`202 Accepted`, and every answer of
/// [`paths::LOGIN_CODE_SEND`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeStep {
    /// Always `code`.
    pub step: Step,
    /// The channels the portal offers (`app`, or `sms` and/or `email`).
    pub channels: Vec<OtpChannel>,
    /// The channel the current code was sent on; `null` before a code was sent (the person
    /// chooses first) and for the app.
    pub channel: Option<OtpChannel>,
    /// Where the code went, masked by the server ("m•••@exemple.fr", "06 •• •• •• 12").
    pub destination: Option<String>,
    /// The code's length.
    pub digits: u8,
    /// The authenticator app's period in seconds (meaningful for the app only).
    pub period: u32,
    /// Seconds left before the sent code expires; `null` without a sent code.
    pub expires_in: Option<u32>,
    /// Seconds before another code may be sent; `null` when a code may be sent now (or for the
    /// app).
    pub resend_in: Option<u32>,
    /// How many more codes this attempt may send.
    pub sends_left: u32,
    /// The server's clock, Unix seconds (for the app: warn when the device's differs by more
    /// than a period).
    pub server_time: i64,
    /// The authenticator app to set up first, when the account has none yet.
    pub enrol: Option<Enrolment>,
}

/// Setting up an authenticator app: its secret as a QR code and as text. Confirmed by the
/// first valid code. Its `Debug` hides everything (each holds the secret).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolment {
    /// The `otpauth://` URI as a QR code, an SVG document rendered by the server.
    pub svg: String,
    /// The secret in base32, in groups of four, for typing into the app.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567"))]
    pub secret: Secret,
    /// The `otpauth://totp/…` URI (for a link on a phone).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub uri: Secret,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrolment(***)")
    }
}

/// Send a code (again) on a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SendCodeRequest {
    /// `sms` or `email`, among the portal's channels.
    pub channel: OtpChannel,
}

/// The one-time code typed by the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyCodeRequest {
    /// The code; spaces, dashes and dots from a paste are ignored
    /// ([`crate::otp::normalize_code`]).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "123456"))]
    pub code: Secret,
}

/// Who is logged in, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// The portal.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub portal: PortalId,
    /// The account's identifier.
    pub identifier: String,
    /// The name to greet the person with.
    pub display_name: String,
    /// The method used to log in.
    pub method: Method,
    /// The assurance level of that login.
    pub assurance: AssuranceLevel,
    /// When the login happened, in Unix seconds.
    pub authenticated_at: i64,
    /// How a Pro Santé Connect login was made (card or e-CPS), where the provider said it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub means: Option<Means>,
    /// The establishment chosen for this session, if the identity has several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub establishment: Option<Establishment>,
    /// The establishments to choose from before the session is ready; empty once chosen, or
    /// when there was nothing to choose.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub establishments: Vec<Establishment>,
    /// The terms of use to accept before the session is ready; absent once accepted, or when
    /// the portal has none. While they are set the session is *pending*: only
    /// [`paths::SESSION`], [`paths::LOGOUT`] and [`paths::SESSION_TERMS`] accept it, every
    /// other endpoint that needs a session answers `403 terms_pending`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<Terms>,
}

impl SessionInfo {
    /// The session of `identifier` logged in with `method` at `authenticated_at`; the assurance
    /// level is the method's.
    pub fn new(
        portal: PortalId,
        identifier: String,
        display_name: String,
        method: Method,
        authenticated_at: i64,
    ) -> SessionInfo {
        SessionInfo {
            portal,
            identifier,
            display_name,
            method,
            assurance: method.assurance(),
            authenticated_at,
            means: None,
            establishment: None,
            establishments: Vec::new(),
            terms: None,
        }
    }

    /// Whether an establishment remains to be chosen before the session is ready.
    pub fn choosing_establishment(&self) -> bool {
        !self.establishments.is_empty()
    }

    /// Whether terms of use remain to be accepted before the session is ready.
    pub fn terms_pending(&self) -> bool {
        self.terms.is_some()
    }

    /// Whether the session is ready: no terms to accept, no establishment to choose. The
    /// widget fires `sesame-login` only then.
    pub fn is_ready(&self) -> bool {
        !self.terms_pending() && !self.choosing_establishment()
    }
}

/// How long a CPS login nonce may be used, in seconds (Web eID: about 5 minutes).
pub const CPS_NONCE_LIFE_SECS: u32 = 5 * 60;
/// Random bytes in a CPS login nonce (256 bits; 43 characters of unpadded base64url).
pub const CPS_NONCE_BYTES: usize = 32;
/// The signature algorithms a portal accepts from a CPS card, named as in JOSE: RSA PKCS#1
/// v1.5 with SHA-256, RSA-PSS with SHA-256 (salt of 32 bytes), ECDSA P-256 with SHA-256
/// (`r ‖ s`, 64 bytes).
pub const CPS_ALGORITHMS: [&str; 3] = ["RS256", "PS256", "ES256"];

/// A one-time nonce for a CPS card login ([`paths::LOGIN_CPS_NONCE`]): the card signs
/// [`to_be_signed`](crate::host::to_be_signed)`(origin, nonce)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CpsNonce {
    /// [`CPS_NONCE_BYTES`] random bytes, unpadded base64url; used once, by this browser.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80")
    )]
    pub nonce: String,
    /// Seconds left to use it ([`CPS_NONCE_LIFE_SECS`]).
    pub expires_in: u32,
}

/// A CPS card login ([`paths::LOGIN_CPS`]): the card's answer
/// ([`HostResponse::Authenticated`](crate::host::HostResponse::Authenticated)) with the origin
/// and nonce it signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CpsLoginRequest {
    /// The portal the account belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "paaco"))]
    pub portal: PortalId,
    /// The card's authentication certificate, DER in standard base64.
    pub certificate: String,
    /// One of [`CPS_ALGORITHMS`]: `RS256`, `PS256` or `ES256`.
    #[cfg_attr(feature = "openapi", schema(example = "RS256"))]
    pub algorithm: String,
    /// The signature of [`to_be_signed`](crate::host::to_be_signed)`(origin, nonce)`, base64
    /// or base64url (padding optional).
    pub signature: String,
    /// The origin the card signed for: the portal's own (`https://host[:port]`).
    #[cfg_attr(feature = "openapi", schema(example = "https://portail.exemple.fr"))]
    pub origin: String,
    /// The nonce from [`paths::LOGIN_CPS_NONCE`].
    pub nonce: String,
}

/// Change the logged-in account's password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The current password.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub current_password: Secret,
    /// The new password; it must meet every rule of the portal's policy.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub new_password: Secret,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_request_rejects_unknown_fields_and_keeps_password_out_of_debug() {
        let ok: LoginPasswordRequest = serde_json::from_str(
            r#"{"portal":"spico","identifier":"marie","password":"Secret-Value-1"}"#,
        )
        .unwrap();
        assert!(!format!("{ok:?}").contains("Secret-Value-1"));
        let err = serde_json::from_str::<LoginPasswordRequest>(
            r#"{"portal":"spico","identifier":"marie","password":"x","admin":true}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("admin"), "{err}");
        assert_eq!(ok.method, Method::Password, "absent: the password method");
        let otp: LoginPasswordRequest = serde_json::from_str(
            r#"{"portal":"spico","identifier":"marie","password":"x","method":"otp"}"#,
        )
        .unwrap();
        assert_eq!(otp.method, Method::Otp);
    }

    #[test]
    fn a_login_request_is_a_login_body_and_the_captcha_is_optional() {
        let plain = r#"{"portal":"entractes","identifier":"12345","password":"482915"}"#;
        let body: LoginPasswordBody = serde_json::from_str(plain).unwrap();
        let request: LoginPasswordRequest = serde_json::from_str(plain).unwrap();
        assert_eq!(body.clone().into_parts(), (request.clone(), None));
        assert_eq!(LoginPasswordBody::new(request.clone(), None), body);
        let with = LoginPasswordBody::new(request, Some("eyJh".into()));
        let v = serde_json::to_value(&with).unwrap();
        assert_eq!(v["captcha"], "eyJh");
        assert_eq!(
            serde_json::from_value::<LoginPasswordBody>(v).unwrap(),
            with
        );
        assert!(
            serde_json::to_value(&body)
                .unwrap()
                .get("captcha")
                .is_none(),
            "left out when absent"
        );
        assert!(serde_json::from_str::<LoginPasswordBody>(
            r#"{"portal":"entractes","identifier":"1","password":"x","robot":false}"#
        )
        .is_err());
    }

    #[test]
    fn cps_bodies() {
        let r: CpsLoginRequest = serde_json::from_str(
            r#"{"portal":"paaco","certificate":"MIIB","algorithm":"ES256","signature":"AA",
                "origin":"https://a.fr","nonce":"n"}"#,
        )
        .unwrap();
        assert_eq!(r.algorithm, "ES256");
        assert!(serde_json::from_str::<CpsLoginRequest>(r#"{"portal":"paaco"}"#).is_err());
        let n = CpsNonce {
            nonce: "x".into(),
            expires_in: CPS_NONCE_LIFE_SECS,
        };
        assert_eq!(
            serde_json::to_value(&n).unwrap(),
            serde_json::json!({"nonce": "x", "expires_in": 300})
        );
        // 256 bits in unpadded base64: what the host accepts as a nonce.
        assert_eq!(
            CPS_NONCE_BYTES.div_ceil(3) * 4 - 1,
            crate::host::MIN_NONCE_CHARS
        );
    }

    #[test]
    fn code_secrets_stay_out_of_debug() {
        let code: VerifyCodeRequest = serde_json::from_str(r#"{"code":"482915"}"#).unwrap();
        assert!(!format!("{code:?}").contains("482915"));
        let enrol = Enrolment {
            svg: "<svg>JBSW</svg>".into(),
            secret: Secret::new("JBSW Y3DP"),
            uri: Secret::new("otpauth://totp/x?secret=JBSWY3DP"),
        };
        assert!(!format!("{enrol:?}").contains("JBSW"));
    }
}
