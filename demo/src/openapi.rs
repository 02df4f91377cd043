//! The OpenAPI document of the portal API, generated from core's wire types.

use crate::routes::{
    account, captcha, change_password, code, cps, login, logout, oidc, qr, session,
};
use axum::Json;
use sesame_core::account::{
    ForgotIdentifierRequest, ForgotPasswordRequest, LinkInfo, LinkPurpose, LinkRequest, LinkStatus,
    PasswordSet, SetPasswordRequest, SignupConfirmRequest, Terms, TermsRequest,
};
use sesame_core::api::{
    ChangePasswordRequest, CodeStep, CpsLoginRequest, CpsNonce, Enrolment, LoginPasswordBody,
    LoginPasswordRequest, SendCodeRequest, SessionInfo, VerifyCodeRequest,
};
use sesame_core::captcha::{CaptchaChallenge, CaptchaStart, HostedCaptcha};
use sesame_core::oidc::{
    Establishment, EstablishmentChoice, Means, OidcStart, OidcStartRequest, ProviderLogout,
};
use sesame_core::otp::OtpChannel;
use sesame_core::password::RuleOutcome;
use sesame_core::qr::{
    QrApproveRequest, QrCode, QrCreateRequest, QrDeclineRequest, QrDevice, QrEnrolRequest,
    QrEnrolment, QrPayloadRequest, QrRequestInfo, QrStatus, QrStatusRequest,
};
use sesame_core::{ApiError, AssuranceLevel, ErrorCode, Method, Step};
use utoipa::OpenApi;

/// The API's document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sésame portal API",
        description = "Login endpoints of a Sésame portal. Errors are `ApiError` JSON with a stable `code`. \
            Every POST must carry `x-sesame-csrf: 1`. The session is the HttpOnly `__Host-sesame_session` cookie (`sesame_session` in dev mode); \
            a browser that logged in before also holds a device cookie, `__Host-sesame_device`. \
            When a method has a code step, `POST /login/password` answers `202` with a `CodeStep` and sets the attempt cookie \
            `__Host-sesame-attempt` (`sesame-attempt` in dev mode) that `/login/code/send` and `/login/code` read. \
            A CPS card login asks `/login/cps/nonce` for a nonce (and the CPS cookie `__Host-sesame-cps`, `sesame-cps` in dev mode), \
            has the card sign SHA-256(origin) ‖ SHA-256(nonce), and posts the certificate, algorithm and signature to `/login/cps`. \
            Where an offer's captcha step is due, the login carries `captcha`: the solved proof of work of `/login/captcha/challenge` (ALTCHA), or the hosted provider's token; \
            without a valid one it is refused before the password is checked (`captcha_required` 428, `captcha_invalid` / `captcha_expired` 401, `captcha_unavailable` 424). \
            A session opened for an account that has not accepted its portal's current terms of use is pending (`terms` in its `SessionInfo`): \
            only `GET /session`, `POST /logout` and `POST /session/terms` accept it, every other endpoint that needs a session answers 403 `terms_pending`."
    ),
    paths(
        login::login_password,
        captcha::challenge,
        code::send_code,
        code::verify_code,
        cps::nonce,
        cps::login_cps,
        qr::create,
        qr::status,
        qr::events,
        qr::request_info,
        qr::approve,
        qr::decline,
        qr::enrolment,
        qr::enrol,
        oidc::start,
        oidc::callback,
        oidc::choose_establishment,
        logout::logout,
        session::current_session,
        session::terms,
        change_password::change_password,
        account::forgot_password,
        account::forgot_identifier,
        account::link,
        account::set_password,
        account::signup_send,
        account::signup_confirm,
        openapi_json
    ),
    components(schemas(
        LoginPasswordRequest,
        LoginPasswordBody,
        CaptchaChallenge,
        CaptchaStart,
        HostedCaptcha,
        CodeStep,
        Enrolment,
        SendCodeRequest,
        VerifyCodeRequest,
        CpsNonce,
        CpsLoginRequest,
        QrCreateRequest,
        QrCode,
        QrStatusRequest,
        QrStatus,
        QrPayloadRequest,
        QrRequestInfo,
        QrApproveRequest,
        QrDeclineRequest,
        QrEnrolment,
        QrEnrolRequest,
        QrDevice,
        OtpChannel,
        Step,
        ChangePasswordRequest,
        SessionInfo,
        Means,
        Establishment,
        EstablishmentChoice,
        OidcStartRequest,
        OidcStart,
        ProviderLogout,
        Terms,
        TermsRequest,
        ForgotPasswordRequest,
        ForgotIdentifierRequest,
        LinkRequest,
        LinkInfo,
        LinkPurpose,
        LinkStatus,
        SetPasswordRequest,
        PasswordSet,
        SignupConfirmRequest,
        ApiError,
        ErrorCode,
        RuleOutcome,
        Method,
        AssuranceLevel
    )),
    tags(
        (name = "session", description = "Log in (password, then a one-time code where the method has one; or a CPS card), log out, session, password change"),
        (name = "account", description = "Account journeys (ACCOUNT-CONTRACT.md): forgotten password and identifier (always `202`, after the same floor), the e-mailed links (`#sesame-link=<token>` in the page's address) and what they do: set a first or new password, confirm a sign-up with the code received by SMS"),
        (name = "qr", description = "QR-code login (QR-CONTRACT.md): the browser asks for a code bound to its QR cookie (`__Host-sesame-qr`, `sesame-qr` in dev mode) and polls its status or listens to its events; an enrolled phone reads the request and approves (signature, digits, PIN) or declines; a logged-in session asks for an enrolment code")
    )
)]
pub struct ApiDoc;

/// The error answers shared by the endpoints that read a JSON body (each an [`ApiError`]),
/// listed once: `responses(…, CommonErrors)`.
#[derive(utoipa::IntoResponses)]
pub enum CommonErrors {
    /// `invalid_request` (the body cannot be read; the message names the field, never its
    /// value) or `unknown_portal`
    #[response(status = 400)]
    BadRequest(ApiError),
    /// `csrf_rejected`: no `x-sesame-csrf: 1` header, or another site's Origin. On login also
    /// `account_blocked`: too many consecutive failures, call support. With a session that
    /// waits for the terms of use, `terms_pending`
    #[response(status = 403)]
    Forbidden(ApiError),
    /// `body_too_large`: more than 16 KiB
    #[response(status = 413)]
    BodyTooLarge(ApiError),
    /// `unsupported_media_type`: not `application/json`
    #[response(status = 415)]
    UnsupportedMediaType(ApiError),
    /// `rate_limited`: too many failures from this address; see `Retry-After`
    #[response(status = 429)]
    RateLimited(ApiError),
    /// `server_busy`: too many logins at once; try again after `Retry-After` seconds
    #[response(status = 503)]
    ServerBusy(ApiError),
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "session",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
