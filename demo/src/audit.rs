//! The audit log: who tried what, from where, with what outcome. Never a password. Its events
//! and outcomes are typed, with a stable string form ([`AuditEvent::as_str`],
//! [`AuditOutcome::as_str`]) as stored; the SQL is in [`crate::db`].

use sesame_core::identifier::MAX_IDENTIFIER_LEN;
use std::net::IpAddr;

/// What was attempted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEvent {
    /// `POST /api/login/password`.
    LoginPassword,
    /// `POST /api/password/change`.
    ChangePassword,
    /// `POST /api/logout`.
    Logout,
    /// A one-time code sent (`POST /api/login/password` or `/api/login/code/send`).
    SendCode,
    /// `POST /api/login/code`.
    LoginCode,
    /// `POST /api/login/cps` (a CPS card).
    LoginCps,
    /// `POST /api/login/qr/status` claimed an approved QR code: the session started.
    LoginQr,
    /// `POST /api/phone/enrol` (a phone enrolled for QR login).
    QrEnrol,
    /// `POST /api/phone/approve`.
    QrApprove,
    /// `POST /api/phone/decline`.
    QrDecline,
    /// A return from Pro Santé Connect (`GET /api/login/oidc/psc/callback`).
    LoginProSanteConnect,
    /// A return from the regional SSO (`GET /api/login/oidc/sso/callback`).
    LoginRegionalSso,
    /// `POST /api/session/establishment`.
    ChooseEstablishment,
    /// `POST /api/session/terms`.
    Terms,
    /// An account invited to set its password (`sesame-demo invite`, the dev-mode
    /// `POST /api/demo/invite`, the seed).
    Invite,
    /// An account signed up, to confirm (`sesame-demo signup`, `POST /api/demo/signup`).
    Signup,
    /// `POST /api/account/forgot-password` (the row written after the answer).
    ForgotPassword,
    /// `POST /api/account/forgot-identifier` (the row written after the answer).
    ForgotIdentifier,
    /// `POST /api/account/set-password`.
    SetPassword,
    /// A sign-up code sent (at sign-up, or `POST /api/account/signup/send`).
    SignupSend,
    /// `POST /api/account/signup/confirm`.
    SignupConfirm,
}

impl AuditEvent {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEvent::LoginPassword => "login_password",
            AuditEvent::ChangePassword => "change_password",
            AuditEvent::Logout => "logout",
            AuditEvent::SendCode => "send_code",
            AuditEvent::LoginCode => "login_code",
            AuditEvent::LoginCps => "login_cps",
            AuditEvent::LoginQr => "login_qr",
            AuditEvent::QrEnrol => "qr_enrol",
            AuditEvent::QrApprove => "qr_approve",
            AuditEvent::QrDecline => "qr_decline",
            AuditEvent::LoginProSanteConnect => "login_pro_sante_connect",
            AuditEvent::LoginRegionalSso => "login_regional_sso",
            AuditEvent::ChooseEstablishment => "choose_establishment",
            AuditEvent::Terms => "terms",
            AuditEvent::Invite => "invite",
            AuditEvent::Signup => "signup",
            AuditEvent::ForgotPassword => "forgot_password",
            AuditEvent::ForgotIdentifier => "forgot_identifier",
            AuditEvent::SetPassword => "set_password",
            AuditEvent::SignupSend => "signup_send",
            AuditEvent::SignupConfirm => "signup_confirm",
        }
    }
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditOutcome {
    /// Done.
    Success,
    /// Wrong password.
    Failure,
    /// Wrong password, and the account is now locked.
    FailureNowLocked,
    /// No such account.
    UnknownAccount,
    /// Refused without checking: too soon after the last failure.
    Delayed,
    /// Refused without checking: locked.
    Locked,
    /// Refused without checking: blocked until a reset.
    Blocked,
    /// The new password breaks the portal's rules.
    RulesNotMet,
    /// The password was changed.
    PasswordChanged,
    /// A code was sent.
    CodeSent,
    /// A code could not be sent.
    SendFailed,
    /// The login attempt was over (expired, or too many wrong codes).
    AttemptOver,
    /// CPS: the body could not be used (an unknown algorithm, base64 or DER that is not).
    Malformed,
    /// CPS: the origin signed for, or the request's, is not the portal's.
    OriginRefused,
    /// CPS: the nonce is unknown, used, expired or another browser's.
    NonceInvalid,
    /// CPS: the certificate is not accepted (CA, validity, key usage).
    CertificateRefused,
    /// CPS: the signature does not verify.
    SignatureInvalid,
    /// CPS: a valid card whose holder has no account on the portal.
    HolderUnknown,
    /// QR: no such code (or not this challenge).
    UnknownCode,
    /// QR: the code's life is over.
    Expired,
    /// QR: the code was declined (or is now).
    Declined,
    /// QR: the code was used already (a replay).
    AlreadyUsed,
    /// QR: the device is not enrolled for the portal.
    DeviceUnknown,
    /// QR: the app PIN is wrong.
    PinWrong,
    /// QR: the device is locked after too many wrong PINs.
    PinLocked,
    /// QR: the digits picked are not the page's (the code is cancelled).
    DigitsWrong,
    /// QR enrolment: unknown, used or expired enrolment code.
    EnrolmentInvalid,
    /// QR enrolment: a PIN too easy to guess.
    PinWeak,
    /// A login the "not a robot" step was due for came without a solution (nothing checked).
    CaptchaMissing,
    /// Its solution was refused (wrong, used, expired, or the provider failed); nothing checked.
    CaptchaRefused,
    /// OpenID Connect: the person cancelled at the provider (or it answered `access_denied`).
    Cancelled,
    /// OpenID Connect: the return's state is unknown, used, expired or another browser's.
    StateInvalid,
    /// OpenID Connect: the provider's answer did not verify (code, ID token, userinfo).
    TokenRefused,
    /// OpenID Connect: the provider could not be reached.
    ProviderUnavailable,
    /// OpenID Connect: the `acr` is not one the portal accepts.
    AssuranceRefused,
    /// Accounts: created (an invitation, a sign-up).
    AccountCreated,
    /// Accounts: a reset link e-mailed.
    LinkSent,
    /// Accounts: an identifier e-mailed.
    IdentifierSent,
    /// Accounts: the account exists but no e-mail went (its hourly allowance used, or no
    /// address).
    NotSent,
    /// Accounts: the link is no link.
    LinkInvalid,
    /// Accounts: the link's life is over.
    LinkExpired,
    /// Accounts: the link was used (or spent).
    LinkUsed,
    /// Accounts: the password was set through a link.
    PasswordSet,
    /// Accounts: the sign-up was confirmed.
    SignupConfirmed,
    /// Terms: accepted.
    TermsAccepted,
    /// Terms: declined (the session ended).
    TermsDeclined,
    /// Terms: another version than the current one was accepted.
    TermsOutdated,
}

impl AuditOutcome {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Success => "success",
            AuditOutcome::Failure => "failure",
            AuditOutcome::FailureNowLocked => "failure_now_locked",
            AuditOutcome::UnknownAccount => "unknown_account",
            AuditOutcome::Delayed => "delayed",
            AuditOutcome::Locked => "locked",
            AuditOutcome::Blocked => "blocked",
            AuditOutcome::RulesNotMet => "rules_not_met",
            AuditOutcome::PasswordChanged => "password_changed",
            AuditOutcome::CodeSent => "code_sent",
            AuditOutcome::SendFailed => "send_failed",
            AuditOutcome::AttemptOver => "attempt_over",
            AuditOutcome::Malformed => "malformed",
            AuditOutcome::OriginRefused => "origin_refused",
            AuditOutcome::NonceInvalid => "nonce_invalid",
            AuditOutcome::CertificateRefused => "certificate_refused",
            AuditOutcome::SignatureInvalid => "signature_invalid",
            AuditOutcome::HolderUnknown => "holder_unknown",
            AuditOutcome::UnknownCode => "unknown_code",
            AuditOutcome::Expired => "expired",
            AuditOutcome::Declined => "declined",
            AuditOutcome::AlreadyUsed => "already_used",
            AuditOutcome::DeviceUnknown => "device_unknown",
            AuditOutcome::PinWrong => "pin_wrong",
            AuditOutcome::PinLocked => "pin_locked",
            AuditOutcome::DigitsWrong => "digits_wrong",
            AuditOutcome::EnrolmentInvalid => "enrolment_invalid",
            AuditOutcome::PinWeak => "pin_weak",
            AuditOutcome::CaptchaMissing => "captcha_missing",
            AuditOutcome::CaptchaRefused => "captcha_refused",
            AuditOutcome::Cancelled => "cancelled",
            AuditOutcome::StateInvalid => "state_invalid",
            AuditOutcome::TokenRefused => "token_refused",
            AuditOutcome::ProviderUnavailable => "provider_unavailable",
            AuditOutcome::AssuranceRefused => "assurance_refused",
            AuditOutcome::AccountCreated => "account_created",
            AuditOutcome::LinkSent => "link_sent",
            AuditOutcome::IdentifierSent => "identifier_sent",
            AuditOutcome::NotSent => "not_sent",
            AuditOutcome::LinkInvalid => "link_invalid",
            AuditOutcome::LinkExpired => "link_expired",
            AuditOutcome::LinkUsed => "link_used",
            AuditOutcome::PasswordSet => "password_set",
            AuditOutcome::SignupConfirmed => "signup_confirmed",
            AuditOutcome::TermsAccepted => "terms_accepted",
            AuditOutcome::TermsDeclined => "terms_declined",
            AuditOutcome::TermsOutdated => "terms_outdated",
        }
    }
}

/// One audit entry.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// Unix seconds.
    pub at: i64,
    /// What was attempted.
    pub event: AuditEvent,
    /// Portal id.
    pub portal: &'a str,
    /// The identifier (control characters replaced, length bounded when stored); empty when
    /// it names no account.
    pub identifier: &'a str,
    /// Client address.
    pub ip: IpAddr,
    /// What happened.
    pub outcome: AuditOutcome,
}

/// Appends an entry.
pub async fn record<'e>(db: impl sqlx::AnyExecutor<'e>, entry: Entry<'_>) -> sqlx::Result<()> {
    tracing::info!(
        event = entry.event.as_str(),
        portal = entry.portal,
        ip = %entry.ip,
        outcome = entry.outcome.as_str(),
        "audit"
    );
    crate::db::insert_audit(db, &entry, &printable(entry.identifier)).await
}

/// Control characters (NUL included, which PostgreSQL text refuses) become `\u{FFFD}`, and the
/// text is cut at the longest identifier.
fn printable(text: &str) -> String {
    text.chars()
        .take(MAX_IDENTIFIER_LEN)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_made_printable_and_bounded() {
        assert_eq!(printable("a\0b"), "a\u{FFFD}b");
        assert_eq!(
            printable(&"x".repeat(1000)).chars().count(),
            MAX_IDENTIFIER_LEN
        );
    }
}
