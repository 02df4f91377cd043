//! The one error vocabulary of Sésame.
//!
//! Every failure that crosses a boundary (portal API → widget, later page ↔ extension ↔ native
//! host) is an [`ErrorCode`] with a stable snake_case string. **Codes are never renamed**: a new
//! situation gets a new code. Unknown codes read from the wire decode to
//! [`ErrorCode::UnknownError`], so an old widget keeps working with a newer server.
//!
//! Each code carries its plain-language explanation, French first, saying what to do next:
//! [`ErrorCode::text`]. The widget shows it; the server sends the English one as `message`.

use crate::i18n::{either, Lang};
use crate::password::RuleOutcome;
use serde::{Deserialize, Serialize};

/// A stable error code. Grouped as: request (a developer's mistake), security, user, limits,
/// health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // --- request: the caller sent something the API cannot read ---
    /// The body is not valid JSON, or a field is missing or of the wrong type.
    InvalidRequest,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// The body is larger than the API accepts.
    BodyTooLarge,
    /// No such endpoint.
    NotFound,
    /// The endpoint exists, but not with this HTTP method.
    MethodNotAllowed,
    /// The portal named in the request is not one this server knows.
    UnknownPortal,
    /// The login method is not offered by this portal or server.
    MethodNotAvailable,
    /// The widget's own portal configuration (`<sesame-login config="…">`) could not be
    /// loaded or is invalid: the portal's setup, not the person's doing.
    InvalidPortalConfig,

    // --- security ---
    /// The request did not come from the portal's own page (CSRF protection).
    CsrfRejected,
    /// No valid session: log in first.
    NotAuthenticated,

    // --- user ---
    /// Identifier or password wrong. Deliberately says neither which one, nor whether the
    /// account exists or is locked.
    InvalidCredentials,
    /// The new password does not follow the portal's rules; the outcomes say which.
    PasswordRulesNotMet,
    /// Too many consecutive failures: the account is blocked until support unblocks it.
    AccountBlocked,
    /// The one-time code is wrong, expired, already used or was sent for another login.
    /// Deliberately says which of these it is no more than `invalid_credentials` does.
    InvalidCode,
    /// What was typed is not a code (letters, wrong length): nothing was checked, no attempt
    /// used. The widget catches it before sending.
    CodeMalformed,
    /// The login attempt is over (too old, or too many wrong codes): start again from the
    /// password.
    AttemptExpired,
    /// A new code was asked for too soon after the last one: see `Retry-After`.
    ResendTooSoon,
    /// This login attempt has sent all the codes it may.
    TooManySends,
    /// The code could not be sent (SMS or e-mail); the attempt is kept: send again, or choose
    /// the other channel.
    SendFailed,
    /// CPS card login: the portal's nonce is unknown, already used, expired or was issued to
    /// another browser. One code for all four, like `invalid_code`: start the card login again.
    CpsNonceInvalid,
    /// CPS card login: the card's certificate is not accepted — not issued by a certification
    /// authority the portal trusts, expired or not yet valid, or not an authentication
    /// certificate (key usage).
    CpsCertificateRefused,
    /// CPS card login: the card's signature does not verify (wrong bytes, or an algorithm that
    /// does not match the certificate's key).
    CpsSignatureInvalid,
    /// CPS card login: the card and its signature are valid, but no account of this portal
    /// belongs to its holder.
    CpsHolderUnknown,
    /// The "not a robot" step is due for this login and its solution is missing: show the
    /// step (a new proof-of-work challenge, or the provider's box), then log in again. The
    /// password was not checked.
    CaptchaRequired,
    /// The "not a robot" solution is wrong, was already used, was made for another challenge
    /// or another site, or the provider refused it: do the step again. The password was not
    /// checked.
    CaptchaInvalid,
    /// The "not a robot" check took too long (challenge or token expired): do it again.
    CaptchaExpired,
    /// The "not a robot" provider could not be reached or did not answer in time: try again in
    /// a moment. The password was not checked.
    CaptchaUnavailable,
    /// Said by the widget, never by a server: the hosted provider's script (reCAPTCHA, hCaptcha,
    /// Turnstile) did not load on this page — no network, or a content blocker or the page's
    /// Content-Security-Policy stopped it. Allow it, then check again.
    CaptchaBlocked,
    /// QR login: no such code for this browser — never asked for here, already forgotten, or
    /// another browser's (which is not told apart). Ask for a new code.
    QrUnknown,
    /// QR login: the code's life is over (or the approved login was not collected in time).
    /// Ask for a new code.
    QrExpired,
    /// QR login: the code was declined on the phone; it cannot be approved any more.
    QrDeclined,
    /// QR login: the code was already approved (and its session started): a replay.
    QrAlreadyUsed,
    /// QR login, on the phone: the app PIN is wrong. After a few more the device is locked.
    QrPinWrong,
    /// QR login, on the phone: too many wrong PINs; the device is locked until enrolled again.
    QrPinLocked,
    /// QR login, on the phone: the device's signature does not verify (another key, or signed
    /// for another origin, portal or code).
    QrSignatureInvalid,
    /// QR login, on the phone: the device is not enrolled for this portal (or was removed).
    QrDeviceUnknown,
    /// QR login, on the phone: the digits picked are not the page's; the code is cancelled.
    QrDigitsWrong,
    /// QR enrolment: the enrolment code is unknown, already used or expired.
    QrEnrolmentInvalid,
    /// QR enrolment: the PIN chosen is too easy to guess (1234, 0000, a date…).
    QrPinWeak,
    /// Pro Santé Connect or the regional SSO: the person cancelled at the provider (or the
    /// provider refused: `access_denied`). Choose again how to log in.
    OidcCancelled,
    /// Pro Santé Connect or the regional SSO: the provider's answer could not be accepted —
    /// expired or already used, for another browser (state), or an ID token that does not
    /// verify (issuer, audience, nonce, signature, `alg: none`, no `sub`, userinfo of another
    /// subject). Start again.
    OidcFailed,
    /// Pro Santé Connect or the regional SSO cannot be reached (or is not configured on this
    /// server): try again later or log in another way.
    OidcUnavailable,
    /// The provider vouched for the person, but no account of this portal is linked to that
    /// identity.
    OidcAccountUnknown,
    /// The provider's level of assurance (`acr`) is missing or not one the portal accepts.
    OidcAssuranceRefused,
    /// Account link: the token is no link — incomplete, changed, another portal's, or never
    /// issued (not told apart). Open the e-mailed link as it is, or ask for a new one.
    LinkInvalid,
    /// Account link: its life is over. Ask for a new one.
    LinkExpired,
    /// Account link: it was used already, or spent (a newer link replaced it, too many wrong
    /// sign-up codes).
    LinkUsed,
    /// Terms of use: the version accepted is not the portal's current one (it changed while
    /// the person read): read the new one, then accept it.
    TermsOutdated,
    /// Terms of use: the session is pending until the portal's terms are accepted; only the
    /// session, the terms and logout answer it.
    TermsPending,

    // --- limits ---
    /// Too many attempts from this connection: wait, then try again.
    RateLimited,
    /// The portal is answering too many logins at once: wait a few seconds, then try again.
    ServerBusy,

    // --- health ---
    /// The portal could not be reached (widget side).
    NetworkError,
    /// The portal answered with an internal error.
    InternalError,
    /// A code this version does not know.
    #[serde(other)]
    UnknownError,
}

impl ErrorCode {
    /// Every code, for exhaustive tests and documentation.
    pub const ALL: [ErrorCode; 54] = [
        ErrorCode::InvalidRequest,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::BodyTooLarge,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::UnknownPortal,
        ErrorCode::MethodNotAvailable,
        ErrorCode::InvalidPortalConfig,
        ErrorCode::CsrfRejected,
        ErrorCode::NotAuthenticated,
        ErrorCode::InvalidCredentials,
        ErrorCode::PasswordRulesNotMet,
        ErrorCode::AccountBlocked,
        ErrorCode::InvalidCode,
        ErrorCode::CodeMalformed,
        ErrorCode::AttemptExpired,
        ErrorCode::ResendTooSoon,
        ErrorCode::TooManySends,
        ErrorCode::SendFailed,
        ErrorCode::CpsNonceInvalid,
        ErrorCode::CpsCertificateRefused,
        ErrorCode::CpsSignatureInvalid,
        ErrorCode::CpsHolderUnknown,
        ErrorCode::CaptchaRequired,
        ErrorCode::CaptchaInvalid,
        ErrorCode::CaptchaExpired,
        ErrorCode::CaptchaUnavailable,
        ErrorCode::CaptchaBlocked,
        ErrorCode::QrUnknown,
        ErrorCode::QrExpired,
        ErrorCode::QrDeclined,
        ErrorCode::QrAlreadyUsed,
        ErrorCode::QrPinWrong,
        ErrorCode::QrPinLocked,
        ErrorCode::QrSignatureInvalid,
        ErrorCode::QrDeviceUnknown,
        ErrorCode::QrDigitsWrong,
        ErrorCode::QrEnrolmentInvalid,
        ErrorCode::QrPinWeak,
        ErrorCode::OidcCancelled,
        ErrorCode::OidcFailed,
        ErrorCode::OidcUnavailable,
        ErrorCode::OidcAccountUnknown,
        ErrorCode::OidcAssuranceRefused,
        ErrorCode::LinkInvalid,
        ErrorCode::LinkExpired,
        ErrorCode::LinkUsed,
        ErrorCode::TermsOutdated,
        ErrorCode::TermsPending,
        ErrorCode::RateLimited,
        ErrorCode::ServerBusy,
        ErrorCode::NetworkError,
        ErrorCode::InternalError,
        ErrorCode::UnknownError,
    ];

    /// The stable string form, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::UnknownPortal => "unknown_portal",
            ErrorCode::MethodNotAvailable => "method_not_available",
            ErrorCode::InvalidPortalConfig => "invalid_portal_config",
            ErrorCode::CsrfRejected => "csrf_rejected",
            ErrorCode::NotAuthenticated => "not_authenticated",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::PasswordRulesNotMet => "password_rules_not_met",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::AccountBlocked => "account_blocked",
            ErrorCode::InvalidCode => "invalid_code",
            ErrorCode::CodeMalformed => "code_malformed",
            ErrorCode::AttemptExpired => "attempt_expired",
            ErrorCode::ResendTooSoon => "resend_too_soon",
            ErrorCode::TooManySends => "too_many_sends",
            ErrorCode::SendFailed => "send_failed",
            ErrorCode::CpsNonceInvalid => "cps_nonce_invalid",
            ErrorCode::CpsCertificateRefused => "cps_certificate_refused",
            ErrorCode::CpsSignatureInvalid => "cps_signature_invalid",
            ErrorCode::CpsHolderUnknown => "cps_holder_unknown",
            ErrorCode::CaptchaRequired => "captcha_required",
            ErrorCode::CaptchaInvalid => "captcha_invalid",
            ErrorCode::CaptchaExpired => "captcha_expired",
            ErrorCode::CaptchaUnavailable => "captcha_unavailable",
            ErrorCode::CaptchaBlocked => "captcha_blocked",
            ErrorCode::QrUnknown => "qr_unknown",
            ErrorCode::QrExpired => "qr_expired",
            ErrorCode::QrDeclined => "qr_declined",
            ErrorCode::QrAlreadyUsed => "qr_already_used",
            ErrorCode::QrPinWrong => "qr_pin_wrong",
            ErrorCode::QrPinLocked => "qr_pin_locked",
            ErrorCode::QrSignatureInvalid => "qr_signature_invalid",
            ErrorCode::QrDeviceUnknown => "qr_device_unknown",
            ErrorCode::QrDigitsWrong => "qr_digits_wrong",
            ErrorCode::QrEnrolmentInvalid => "qr_enrolment_invalid",
            ErrorCode::QrPinWeak => "qr_pin_weak",
            ErrorCode::OidcCancelled => "oidc_cancelled",
            ErrorCode::OidcFailed => "oidc_failed",
            ErrorCode::OidcUnavailable => "oidc_unavailable",
            ErrorCode::OidcAccountUnknown => "oidc_account_unknown",
            ErrorCode::OidcAssuranceRefused => "oidc_assurance_refused",
            ErrorCode::LinkInvalid => "link_invalid",
            ErrorCode::LinkExpired => "link_expired",
            ErrorCode::LinkUsed => "link_used",
            ErrorCode::TermsOutdated => "terms_outdated",
            ErrorCode::TermsPending => "terms_pending",
            ErrorCode::ServerBusy => "server_busy",
            ErrorCode::NetworkError => "network_error",
            ErrorCode::InternalError => "internal_error",
            ErrorCode::UnknownError => "unknown_error",
        }
    }

    /// The HTTP status the portal API answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidRequest | ErrorCode::UnknownPortal => 400,
            ErrorCode::PasswordRulesNotMet
            | ErrorCode::MethodNotAvailable
            | ErrorCode::CodeMalformed
            | ErrorCode::QrPinWeak => 422,
            // Not found for this browser: whether it exists elsewhere is not said. A link that
            // is none: whether it was ever issued is not said either.
            ErrorCode::QrUnknown | ErrorCode::LinkInvalid => 404,
            // Gone: the link's life is over, or it was used.
            ErrorCode::LinkExpired | ErrorCode::LinkUsed => 410,
            // Conflict: the terms changed under the person's eyes.
            ErrorCode::TermsOutdated => 409,
            // Gone: the code's life is over.
            ErrorCode::QrExpired => 410,
            // Conflict: the code's state forbids it (declined, or used already).
            ErrorCode::QrDeclined | ErrorCode::QrAlreadyUsed => 409,
            // Locked: the device, until enrolled again.
            ErrorCode::QrPinLocked => 423,
            // The widget's own: no server answers it; a server error if one ever did.
            ErrorCode::InvalidPortalConfig => 500,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::BodyTooLarge => 413,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::CsrfRejected
            | ErrorCode::AccountBlocked
            | ErrorCode::CpsHolderUnknown
            | ErrorCode::OidcAccountUnknown
            | ErrorCode::OidcAssuranceRefused
            | ErrorCode::TermsPending => 403,
            ErrorCode::NotAuthenticated
            | ErrorCode::InvalidCredentials
            | ErrorCode::InvalidCode
            | ErrorCode::AttemptExpired
            | ErrorCode::CpsNonceInvalid
            | ErrorCode::CpsCertificateRefused
            | ErrorCode::CpsSignatureInvalid
            | ErrorCode::CaptchaInvalid
            | ErrorCode::CaptchaExpired
            | ErrorCode::QrPinWrong
            | ErrorCode::QrSignatureInvalid
            | ErrorCode::QrDeviceUnknown
            | ErrorCode::QrDigitsWrong
            | ErrorCode::QrEnrolmentInvalid
            | ErrorCode::OidcCancelled
            | ErrorCode::OidcFailed => 401,
            // "Precondition Required": the step must be done before the login is looked at.
            ErrorCode::CaptchaRequired => 428,
            // "Failed Dependency": the provider failed us. Not a 5xx: the portal is fine, and
            // the person can try again at once.
            ErrorCode::CaptchaUnavailable
            | ErrorCode::CaptchaBlocked
            | ErrorCode::OidcUnavailable => 424,
            ErrorCode::RateLimited | ErrorCode::ResendTooSoon | ErrorCode::TooManySends => 429,
            ErrorCode::ServerBusy | ErrorCode::SendFailed => 503,
            ErrorCode::NetworkError | ErrorCode::InternalError | ErrorCode::UnknownError => 500,
        }
    }

    /// The code for an error status whose body is not an [`ApiError`] (a proxy's HTML page,
    /// say): the inverse of [`ErrorCode::http_status`] where it is one-to-one, the most likely
    /// code where it is not.
    pub fn from_http_status(status: u16) -> ErrorCode {
        match status {
            400 => ErrorCode::InvalidRequest,
            401 => ErrorCode::NotAuthenticated,
            403 => ErrorCode::CsrfRejected,
            404 => ErrorCode::NotFound,
            405 => ErrorCode::MethodNotAllowed,
            413 => ErrorCode::BodyTooLarge,
            415 => ErrorCode::UnsupportedMediaType,
            429 => ErrorCode::RateLimited,
            503 => ErrorCode::ServerBusy,
            // A gateway that cannot reach the portal: for the person, the portal does not answer.
            502 | 504 => ErrorCode::NetworkError,
            500..=599 => ErrorCode::InternalError,
            _ => ErrorCode::UnknownError,
        }
    }

    /// What happened and what to do next, in words a nurse understands.
    pub fn text(self, lang: Lang) -> &'static str {
        // Each arm yields its pair; one lookup after the `match` (`T::get`'s way).
        let pick = |_: Lang, fr: &'static str, en: &'static str| (fr, en);
        let pair = match self {
            ErrorCode::InvalidRequest
            | ErrorCode::UnsupportedMediaType
            | ErrorCode::BodyTooLarge
            | ErrorCode::NotFound
            | ErrorCode::MethodNotAllowed
            | ErrorCode::UnknownPortal => pick(
                lang,
                "La page de connexion n'a pas pu dialoguer correctement avec le portail. \
                 Rechargez la page\u{a0}; si cela recommence, contactez l'assistance.",
                "The login page could not talk to the portal properly. Reload the page; \
                 if it happens again, contact support.",
            ),
            ErrorCode::InvalidPortalConfig => pick(
                lang,
                "Le module de connexion de ce portail est mal configuré. Prévenez l'assistance \
                 de votre portail\u{a0}; en attendant, vous ne pouvez pas vous connecter ici.",
                "This portal's login module is misconfigured. Tell your portal's support; until \
                 then you cannot log in here.",
            ),
            ErrorCode::MethodNotAvailable => pick(
                lang,
                "Ce mode de connexion n'est pas proposé par ce portail. Choisissez-en un autre.",
                "This portal does not offer this way of logging in. Choose another one.",
            ),
            ErrorCode::CsrfRejected => pick(
                lang,
                "Pour votre sécurité, la demande a été refusée car elle ne venait pas de la page \
                 du portail. Ouvrez le portail depuis son adresse habituelle et réessayez.",
                "For your safety the request was refused because it did not come from the \
                 portal's page. Open the portal from its usual address and try again.",
            ),
            ErrorCode::NotAuthenticated => pick(
                lang,
                "Vous n'êtes pas connecté, ou votre session a expiré. Connectez-vous à nouveau.",
                "You are not logged in, or your session has expired. Please log in again.",
            ),
            ErrorCode::InvalidCredentials => pick(
                lang,
                "Identifiant ou mot de passe incorrect. Vérifiez votre saisie (majuscules, \
                 clavier) et réessayez. Après plusieurs erreurs, l'accès est suspendu\u{a0}: \
                 utilisez «\u{a0}Mot de passe oublié\u{a0}» ou contactez l'assistance.",
                "Wrong identifier or password. Check what you typed (capital letters, keyboard) \
                 and try again. After several mistakes access is suspended: use \"Forgotten \
                 password\" or contact support.",
            ),
            ErrorCode::PasswordRulesNotMet => pick(
                lang,
                "Le nouveau mot de passe ne respecte pas toutes les règles. Les règles non \
                 respectées sont indiquées dans la liste\u{a0}: corrigez-le puis validez.",
                "The new password does not follow every rule. The rules not met are shown in \
                 the list: correct it, then confirm.",
            ),
            ErrorCode::AccountBlocked => pick(
                lang,
                "Votre accès est bloqué après de trop nombreuses tentatives. Pour le débloquer, \
                 appelez l'assistance du portail.",
                "Your access is blocked after too many attempts. To unblock it, call the \
                 portal's support.",
            ),
            ErrorCode::InvalidCode => pick(
                lang,
                "Code incorrect ou expiré. Vérifiez-le et saisissez-le à nouveau\u{a0}; s'il a \
                 expiré, demandez-en un nouveau. Après plusieurs erreurs, il faudra recommencer \
                 la connexion.",
                "Wrong or expired code. Check it and type it again; if it has expired, ask for a \
                 new one. After several mistakes you will have to start the login again.",
            ),
            ErrorCode::CodeMalformed => pick(
                lang,
                "Ce n'est pas un code valide\u{a0}: il ne contient que des chiffres. Recopiez-le \
                 en entier, sans lettre.",
                "This is not a valid code: it has digits only. Copy all of it again, without \
                 letters.",
            ),
            ErrorCode::AttemptExpired => pick(
                lang,
                "Cette connexion a expiré ou a été interrompue après trop d'erreurs. \
                 Recommencez\u{a0}: saisissez à nouveau votre identifiant et votre mot de passe.",
                "This login has expired, or was stopped after too many mistakes. Start again: \
                 type your identifier and password once more.",
            ),
            ErrorCode::ResendTooSoon => pick(
                lang,
                "Un code vient d'être envoyé. Attendez quelques instants avant d'en demander un \
                 autre, et vérifiez vos SMS ou vos e-mails (et les indésirables).",
                "A code was just sent. Wait a moment before asking for another, and check your \
                 text messages or e-mails (and the spam folder).",
            ),
            ErrorCode::TooManySends => pick(
                lang,
                "Plusieurs codes ont déjà été envoyés pour cette connexion. Utilisez le dernier \
                 reçu, ou recommencez la connexion plus tard. Si rien n'arrive, contactez \
                 l'assistance.",
                "Several codes were already sent for this login. Use the last one you received, \
                 or start the login again later. If nothing arrives, contact support.",
            ),
            ErrorCode::SendFailed => pick(
                lang,
                "Le code n'a pas pu être envoyé. Réessayez, ou choisissez l'autre moyen de \
                 réception (SMS ou e-mail)\u{a0}: votre connexion est conservée.",
                "The code could not be sent. Try again, or choose the other way to receive it \
                 (text message or e-mail): your login is kept.",
            ),
            ErrorCode::CpsNonceInvalid => pick(
                lang,
                "La demande de connexion par carte a expiré ou a déjà servi. Recommencez la \
                 connexion avec votre carte CPS depuis cette page.",
                "The card login request has expired or was already used. Start the login with \
                 your CPS card again from this page.",
            ),
            ErrorCode::CpsCertificateRefused => pick(
                lang,
                "Le certificat de votre carte CPS n'est pas accepté par ce portail (carte \
                 expirée, pas encore valide ou non reconnue). Vérifiez que vous utilisez votre \
                 propre carte CPS en cours de validité\u{a0}; sinon, contactez l'assistance.",
                "This portal does not accept your CPS card's certificate (card expired, not yet \
                 valid, or not recognised). Check that you are using your own valid CPS card; \
                 otherwise, contact support.",
            ),
            ErrorCode::CpsSignatureInvalid => pick(
                lang,
                "La signature de votre carte CPS n'a pas pu être vérifiée. Retirez puis \
                 réinsérez votre carte et recommencez\u{a0}; si cela se reproduit, contactez \
                 l'assistance.",
                "Your CPS card's signature could not be verified. Take your card out, put it \
                 back and try again; if it happens again, contact support.",
            ),
            ErrorCode::CpsHolderUnknown => pick(
                lang,
                "Votre carte CPS est valide, mais aucun compte de ce portail ne lui est associé. \
                 Connectez-vous autrement, ou demandez à l'assistance d'associer votre carte à \
                 votre compte.",
                "Your CPS card is valid, but no account on this portal is linked to it. Log in \
                 another way, or ask support to link your card to your account.",
            ),
            ErrorCode::CaptchaRequired => pick(
                lang,
                "Une vérification «\u{a0}Je ne suis pas un robot\u{a0}» est demandée avant de \
                 vous connecter. Faites-la, puis validez à nouveau.",
                "An \"I am not a robot\" check is needed before you log in. Complete it, then \
                 confirm again.",
            ),
            ErrorCode::CaptchaInvalid => pick(
                lang,
                "La vérification «\u{a0}Je ne suis pas un robot\u{a0}» n'a pas abouti. \
                 Refaites-la, puis validez à nouveau.",
                "The \"I am not a robot\" check did not succeed. Do it again, then confirm \
                 again.",
            ),
            ErrorCode::CaptchaExpired => pick(
                lang,
                "La vérification «\u{a0}Je ne suis pas un robot\u{a0}» a expiré. Refaites-la, \
                 puis validez sans attendre.",
                "The \"I am not a robot\" check has expired. Do it again, then confirm \
                 without waiting.",
            ),
            ErrorCode::CaptchaUnavailable => pick(
                lang,
                "Le service de vérification «\u{a0}Je ne suis pas un robot\u{a0}» ne répond \
                 pas. Réessayez dans un instant\u{a0}; si cela continue, contactez \
                 l'assistance.",
                "The \"I am not a robot\" check service does not answer. Try again in a \
                 moment; if it goes on, contact support.",
            ),
            ErrorCode::CaptchaBlocked => pick(
                lang,
                "La vérification «\u{a0}Je ne suis pas un robot\u{a0}» n'a pas pu s'afficher\u{a0}: \
                 le réseau ou un bloqueur de contenus l'en empêche. Vérifiez votre connexion, \
                 autorisez ce service pour ce portail, puis appuyez sur «\u{a0}Refaire la \
                 vérification\u{a0}». Si cela continue, contactez l'assistance.",
                "The \"I am not a robot\" check could not be shown: the network or a content \
                 blocker stops it. Check your connection, allow this service for this portal, \
                 then press \"Check again\". If it goes on, contact support.",
            ),
            ErrorCode::QrUnknown => pick(
                lang,
                "Ce QR code n'est pas (ou plus) valable sur ce navigateur. Affichez un nouveau \
                 QR code et scannez-le.",
                "This QR code is not (or no longer) valid in this browser. Show a new QR code \
                 and scan it.",
            ),
            ErrorCode::QrExpired => pick(
                lang,
                "Ce QR code a expiré. Affichez-en un nouveau sur l'ordinateur, puis scannez-le \
                 et validez sans attendre.",
                "This QR code has expired. Show a new one on the computer, then scan it and \
                 approve without waiting.",
            ),
            ErrorCode::QrDeclined => pick(
                lang,
                "Cette connexion a été refusée sur le téléphone. Si c'était bien vous, \
                 affichez un nouveau QR code et recommencez.",
                "This login was declined on the phone. If it was you, show a new QR code and \
                 start again.",
            ),
            ErrorCode::QrAlreadyUsed => pick(
                lang,
                "Ce QR code a déjà servi à une connexion. Pour vous connecter à nouveau, \
                 affichez un nouveau QR code.",
                "This QR code was already used to log in. To log in again, show a new QR code.",
            ),
            ErrorCode::QrPinWrong => pick(
                lang,
                "Code PIN de l'application incorrect. Vérifiez-le et réessayez\u{a0}: après \
                 plusieurs erreurs, ce téléphone sera bloqué.",
                "Wrong app PIN. Check it and try again: after several mistakes this phone will \
                 be locked.",
            ),
            ErrorCode::QrPinLocked => pick(
                lang,
                "Trop de codes PIN incorrects\u{a0}: ce téléphone est bloqué pour la connexion \
                 par QR code. Connectez-vous autrement, puis enregistrez à nouveau le téléphone.",
                "Too many wrong PINs: this phone is locked for QR code login. Log in another \
                 way, then enrol the phone again.",
            ),
            ErrorCode::QrSignatureInvalid => pick(
                lang,
                "Le téléphone n'a pas pu prouver qu'il est bien celui enregistré pour ce \
                 portail, ou la demande venait d'un autre site. Scannez à nouveau le QR code \
                 affiché par le portail\u{a0}; si cela continue, enregistrez à nouveau le \
                 téléphone.",
                "The phone could not prove it is the one enrolled for this portal, or the \
                 request came from another site. Scan the QR code the portal shows again; if it \
                 goes on, enrol the phone again.",
            ),
            ErrorCode::QrDeviceUnknown => pick(
                lang,
                "Ce téléphone n'est pas enregistré pour ce portail. Connectez-vous autrement, \
                 puis enregistrez le téléphone depuis votre compte.",
                "This phone is not enrolled for this portal. Log in another way, then enrol \
                 the phone from your account.",
            ),
            ErrorCode::QrDigitsWrong => pick(
                lang,
                "Les chiffres choisis ne sont pas ceux affichés à côté du QR code\u{a0}: par \
                 sécurité, cette connexion est annulée. Si c'était bien vous, affichez un \
                 nouveau QR code et choisissez les chiffres affichés.",
                "The digits picked are not the ones shown beside the QR code: for your safety \
                 this login is cancelled. If it was you, show a new QR code and pick the digits \
                 shown.",
            ),
            ErrorCode::QrEnrolmentInvalid => pick(
                lang,
                "Ce code d'enregistrement n'est pas valable (expiré ou déjà utilisé). Affichez \
                 un nouveau code d'enregistrement depuis votre compte.",
                "This enrolment code is not valid (expired or already used). Show a new \
                 enrolment code from your account.",
            ),
            ErrorCode::QrPinWeak => pick(
                lang,
                "Ce code PIN est trop facile à deviner (suite, répétition ou date). Choisissez \
                 4 chiffres sans logique apparente.",
                "This PIN is too easy to guess (a run, a repetition or a date). Choose 4 digits \
                 with no obvious pattern.",
            ),
            ErrorCode::OidcCancelled => pick(
                lang,
                "La connexion a été annulée sur le service d'identité (Pro Santé Connect ou le \
                 service de votre région). Choisissez à nouveau comment vous connecter.",
                "The login was cancelled at the identity service (Pro Santé Connect or your \
                 region's service). Choose again how to log in.",
            ),
            ErrorCode::OidcFailed => pick(
                lang,
                "La réponse du service d'identité n'a pas pu être vérifiée (elle a peut-être \
                 expiré). Recommencez la connexion\u{a0}; si cela se répète, contactez \
                 l'assistance.",
                "The identity service's answer could not be verified (it may have expired). \
                 Start the login again; if it happens again, contact support.",
            ),
            ErrorCode::OidcUnavailable => pick(
                lang,
                "Le service d'identité ne répond pas pour le moment. Réessayez dans quelques \
                 minutes, ou connectez-vous d'une autre façon.",
                "The identity service is not answering right now. Try again in a few minutes, \
                 or log in another way.",
            ),
            ErrorCode::OidcAccountUnknown => pick(
                lang,
                "Votre identité a bien été vérifiée, mais aucun compte de ce portail ne lui est \
                 rattaché. Connectez-vous d'une autre façon, ou demandez à l'assistance de \
                 rattacher votre compte.",
                "Your identity was verified, but no account of this portal is linked to it. Log \
                 in another way, or ask support to link your account.",
            ),
            ErrorCode::OidcAssuranceRefused => pick(
                lang,
                "Ce moyen d'identification n'est pas assez sûr pour ce portail. Reconnectez-vous \
                 avec votre carte CPS ou l'application e-CPS.",
                "This means of identification is not secure enough for this portal. Log in \
                 again with your CPS card or the e-CPS app.",
            ),
            ErrorCode::LinkInvalid => pick(
                lang,
                "Ce lien n'est pas valable\u{a0}: il est incomplet ou a été modifié. Ouvrez le \
                 lien reçu par e-mail tel quel, ou demandez-en un nouveau.",
                "This link is not valid: it is incomplete or was changed. Open the link from \
                 the e-mail as it is, or ask for a new one.",
            ),
            ErrorCode::LinkExpired => pick(
                lang,
                "Ce lien a expiré. Demandez-en un nouveau («\u{a0}Mot de passe oublié\u{a0}?\u{a0}») \
                 ou appelez l'assistance.",
                "This link has expired. Ask for a new one (\"Forgotten password?\") or call \
                 support.",
            ),
            ErrorCode::LinkUsed => pick(
                lang,
                "Ce lien a déjà servi. Si votre mot de passe est défini, connectez-vous\u{a0}; \
                 sinon demandez un nouveau lien.",
                "This link was already used. If your password is set, log in; otherwise ask \
                 for a new link.",
            ),
            ErrorCode::TermsOutdated => pick(
                lang,
                "Les conditions d'utilisation ont changé pendant votre lecture. Lisez la \
                 nouvelle version, puis acceptez-la.",
                "The terms of use changed while you were reading them. Read the new version, \
                 then accept it.",
            ),
            ErrorCode::TermsPending => pick(
                lang,
                "Acceptez d'abord les conditions d'utilisation du portail pour continuer.",
                "First accept the portal's terms of use to continue.",
            ),
            ErrorCode::ServerBusy => pick(
                lang,
                "Le portail est très sollicité en ce moment. Patientez quelques secondes puis \
                 réessayez.",
                "The portal is very busy right now. Wait a few seconds, then try again.",
            ),
            ErrorCode::RateLimited => pick(
                lang,
                "Trop de tentatives depuis ce poste. Patientez quelques minutes puis réessayez.",
                "Too many attempts from this computer. Wait a few minutes, then try again.",
            ),
            ErrorCode::NetworkError => pick(
                lang,
                "Le portail ne répond pas. Vérifiez votre connexion internet puis réessayez.",
                "The portal does not answer. Check your internet connection, then try again.",
            ),
            ErrorCode::InternalError | ErrorCode::UnknownError => pick(
                lang,
                "Le portail a rencontré un problème. Réessayez dans quelques minutes\u{a0}; si cela \
                 continue, contactez l'assistance.",
                "The portal ran into a problem. Try again in a few minutes; if it goes on, \
                 contact support.",
            ),
        };
        either(lang, pair)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every error answer of the portal API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// The stable code.
    pub code: ErrorCode,
    /// The English explanation, for developers and logs; the widget shows its own text.
    pub message: String,
    /// For `password_rules_not_met`: the state of every rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleOutcome>,
}

impl ApiError {
    /// An error with the code's own English text.
    pub fn new(code: ErrorCode) -> ApiError {
        ApiError {
            code,
            message: code.text(Lang::En).to_owned(),
            rules: Vec::new(),
        }
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> ApiError {
        ApiError::new(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_stable() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: ErrorCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, code);
            assert!(!code.text(Lang::Fr).is_empty());
            assert!(!code.text(Lang::En).is_empty());
            assert_ne!(code.text(Lang::Fr), code.text(Lang::En));
        }
    }

    #[test]
    fn unknown_codes_decode_to_unknown_error() {
        let e: ApiError =
            serde_json::from_str(r#"{"code":"brand_new_code","message":"x"}"#).unwrap();
        assert_eq!(e.code, ErrorCode::UnknownError);
    }

    #[test]
    fn statuses_map_back_to_a_code_with_that_status() {
        for code in ErrorCode::ALL {
            let status = code.http_status();
            let back = ErrorCode::from_http_status(status);
            if back != ErrorCode::UnknownError {
                assert_eq!(back.http_status(), status, "{code}");
            }
        }
        assert_eq!(ErrorCode::from_http_status(502), ErrorCode::NetworkError);
        assert_eq!(ErrorCode::from_http_status(503), ErrorCode::ServerBusy);
        assert_eq!(ErrorCode::from_http_status(418), ErrorCode::UnknownError);
    }

    #[test]
    fn every_code_maps_to_an_error_status() {
        for code in ErrorCode::ALL {
            assert!((400..600).contains(&code.http_status()), "{code}");
        }
    }
}
