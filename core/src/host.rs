//! The extension ↔ native host wire: messages, limits, error codes, and the bytes the card signs.
//!
//! Modelled on Web eID's native app. The extension opens the host (`runtime.connectNative`),
//! sends [`HostRequest::Hello`] with its version, then one command; the host answers each
//! message with one [`HostResponse`]. Messages are framed by the host crate (4-byte native-endian
//! length, then UTF-8 JSON), at most [`MAX_MESSAGE_BYTES`] each way.
//!
//! **Architecture invariant:** the bytes a card signs are defined once, by [`to_be_signed`]:
//! the host signs them, the portal rebuilds them to verify. The origin in
//! [`HostRequest::Authenticate`] is the one the extension's background took from the browser
//! (`sender.url`), never a field of the page's message, and the host checks it again
//! ([`check_origin`]).
//!
//! The PIN travels as a [`Secret`]: redacted in `Debug`, zeroed on drop. It is never logged.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::bridge::PortalOrigin;
use crate::i18n::{pick, Lang};
use crate::secret::Secret;

/// The host's product version (the workspace's, as for widget and extension).
pub const VERSION: &str = crate::bridge::VERSION;

/// The native messaging host's name in the browsers' manifests.
pub const HOST_NAME: &str = "fr.sesame.host";

/// The name of the card's PKCS#11 module as Firefox knows it (its `pkcs11` API and the module
/// manifest `sesame-host install` writes): for portals that still ask for TLS client
/// authentication with the card.
pub const FIREFOX_PKCS11_NAME: &str = "sesame_cps";

/// The largest message either side reads or writes, in bytes of JSON: Chrome's limit for a
/// message to the host, and the issue's for both ways.
pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

pub use crate::bridge::{MAX_NONCE_CHARS, MIN_NONCE_CHARS};
/// The longest origin accepted (Web eID's native app: 255).
pub const MAX_ORIGIN_CHARS: usize = crate::bridge::MAX_ORIGIN_CHARS;
/// PIN length bounds, in digits (CPS: 4; PKCS#11 tokens commonly up to 8).
pub const MIN_PIN_DIGITS: usize = 4;
/// See [`MIN_PIN_DIGITS`].
pub const MAX_PIN_DIGITS: usize = 8;
/// How many wrong PINs block a CPS card.
pub const CPS_PIN_TRIES: u8 = 3;

/// The bytes the card signs for `origin` and `nonce`: `SHA-256(origin) ‖ SHA-256(nonce)`, 64
/// bytes, each hash over the UTF-8 text as sent (the origin as [`check_origin`] returns it).
/// The signature is then RS256 or ES256 *over these 64 bytes* (the mechanism hashes them once
/// more), as in Web eID.
pub fn to_be_signed(origin: &str, nonce: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&Sha256::digest(origin.as_bytes()));
    out.extend_from_slice(&Sha256::digest(nonce.as_bytes()));
    out
}

/// The origin as the host accepts it: `https://host[:port]` (or http on loopback), exactly the
/// normalised form of [`PortalOrigin::from_url`]; a URL with a path or a non-normalised form is
/// refused, so the bytes signed are the bytes the portal expects.
pub fn check_origin(origin: &str) -> Result<PortalOrigin, HostError> {
    if origin.chars().count() > MAX_ORIGIN_CHARS {
        return Err(HostError::MalformedMessage);
    }
    match PortalOrigin::from_url(origin) {
        Ok(o) if o.as_str() == origin => Ok(o),
        _ => Err(HostError::MalformedMessage),
    }
}

/// Whether a nonce is acceptable: [`MIN_NONCE_CHARS`]..=[`MAX_NONCE_CHARS`] characters of
/// base64 or base64url (with optional `=` padding).
pub fn check_nonce(nonce: &str) -> Result<(), HostError> {
    if crate::bridge::is_nonce(nonce) {
        Ok(())
    } else {
        Err(HostError::MalformedMessage)
    }
}

/// Whether a PIN has a PIN's shape: [`MIN_PIN_DIGITS`]..=[`MAX_PIN_DIGITS`] ASCII digits.
pub fn check_pin(pin: &Secret) -> Result<(), HostError> {
    let p = pin.expose();
    if (MIN_PIN_DIGITS..=MAX_PIN_DIGITS).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    {
        Ok(())
    } else {
        Err(HostError::MalformedMessage)
    }
}

/// A message from the extension to the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum HostRequest {
    /// The handshake, always first: the extension's version.
    Hello {
        /// The extension's product version.
        version: String,
    },
    /// The PKCS#11 module, the readers, the cards and their PIN state. Needs no PIN.
    Status,
    /// The card's authentication certificate. Needs no PIN.
    Certificate,
    /// Sign [`to_be_signed`]`(origin, nonce)` with the card's authentication key.
    Authenticate {
        /// The portal's origin, from the browser (never from the page): `https://host[:port]`.
        origin: String,
        /// The portal's one-time nonce (≥ 256 bits, base64).
        nonce: String,
        /// The PIN the holder typed in the extension's window; absent when the reader has a
        /// PIN pad (protected authentication path: the PIN is typed on the reader).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pin: Option<Secret>,
    },
}

impl HostRequest {
    /// Reads a request from a message's JSON text and checks every field; the caller has
    /// checked the size ([`MAX_MESSAGE_BYTES`]) before reading it.
    pub fn parse(json: &str) -> Result<HostRequest, HostError> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|_| HostError::MalformedMessage)?;
        // serde ignores unknown fields of unit variants even with `deny_unknown_fields`:
        // check the keys here.
        let object = value.as_object().ok_or(HostError::MalformedMessage)?;
        let allowed: &[&str] = match object.get("command").and_then(|c| c.as_str()) {
            Some("hello") => &["command", "version"],
            Some("status" | "certificate") => &["command"],
            Some("authenticate") => &["command", "origin", "nonce", "pin"],
            _ => return Err(HostError::MalformedMessage),
        };
        if object.keys().any(|k| !allowed.contains(&k.as_str())) {
            return Err(HostError::MalformedMessage);
        }
        let request: HostRequest =
            serde_json::from_value(value).map_err(|_| HostError::MalformedMessage)?;
        request.validate()?;
        Ok(request)
    }

    /// Checks the fields: version length, origin, nonce, PIN shape.
    pub fn validate(&self) -> Result<(), HostError> {
        match self {
            HostRequest::Hello { version } if version.is_empty() || version.len() > 64 => {
                Err(HostError::MalformedMessage)
            }
            HostRequest::Hello { .. } | HostRequest::Status | HostRequest::Certificate => Ok(()),
            HostRequest::Authenticate { origin, nonce, pin } => {
                check_origin(origin)?;
                check_nonce(nonce)?;
                pin.as_ref().map_or(Ok(()), check_pin)
            }
        }
    }
}

/// A signature algorithm, named as in JOSE (and Web eID's `signatureAlgorithm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// ECDSA on P-256 with SHA-256; the signature is `r ‖ s` (64 bytes), as PKCS#11 gives it.
    ES256,
}

/// The state of the holder's PIN, from the token's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinState {
    /// No wrong PIN recorded (or the token does not say).
    Ok,
    /// At least one wrong PIN since the last right one (`CKF_USER_PIN_COUNT_LOW`).
    CountLow,
    /// One try left (`CKF_USER_PIN_FINAL_TRY`).
    FinalTry,
    /// Blocked (`CKF_USER_PIN_LOCKED`): a final state, never "try again".
    Locked,
}

impl PinState {
    /// Tries left, where the state and the card's maximum (`max_tries`, 3 for CPS, unknown
    /// for other tokens) say it.
    pub fn tries_left(self, max_tries: Option<u8>) -> Option<u8> {
        match self {
            PinState::Locked => Some(0),
            PinState::FinalTry => Some(1),
            // One wrong PIN on a 3-try card leaves 2; on other cards "low" says no number.
            PinState::CountLow => max_tries.filter(|m| *m == 3).map(|_| 2),
            PinState::Ok => max_tries,
        }
    }
}

/// A reader (a PKCS#11 slot) and the card in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReaderStatus {
    /// The reader's name (slot description).
    pub name: String,
    /// The card in it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardStatus>,
}

/// A card (a PKCS#11 token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardStatus {
    /// The token's label.
    pub label: String,
    /// The token's serial number.
    pub serial: String,
    /// The PIN's state.
    pub pin: PinState,
    /// Tries left, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<u8>,
    /// The PIN is typed on the reader (PIN pad), not in the extension's window.
    pub pin_pad: bool,
}

/// The card's authentication certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// The certificate, DER in standard base64.
    pub certificate: String,
    /// The holder's name (the subject's common name), for the PIN window.
    pub holder: String,
    /// The whole subject, RFC 4514 style.
    pub subject: String,
    /// The subject's `serialNumber` (on CPS certificates: the RPPS-based identifier), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// End of validity, RFC 3339 (UTC).
    pub not_after: String,
    /// The algorithm the card's key signs with.
    pub algorithm: SignatureAlgorithm,
}

/// A message from the host to the extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum HostResponse {
    /// The handshake's answer: the host's version (compatible with the extension's).
    Hello {
        /// The host's product version.
        version: String,
    },
    /// What the host sees.
    Status {
        /// The PKCS#11 module in use.
        module: String,
        /// The readers, each with its card if any.
        readers: Vec<ReaderStatus>,
    },
    /// The authentication certificate.
    Certificate(CertificateInfo),
    /// The challenge, signed: what the portal verifies.
    Authenticated {
        /// The authentication certificate, DER in standard base64.
        certificate: String,
        /// The algorithm of `signature`.
        algorithm: SignatureAlgorithm,
        /// The signature of [`to_be_signed`]`(origin, nonce)`, standard base64.
        signature: String,
    },
    /// A failure, with its code.
    Error(HostError),
}

/// A failure of the host, with its stable code. **Codes are never renamed.**
///
/// On the wire: `{"result": "error", "code": "<code>", "tries_left"?: n, "checked"?: [paths]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ErrorWire", from = "ErrorWire")]
pub enum HostError {
    // --- user ---
    /// The PIN is wrong; tries left when the card says.
    PinIncorrect {
        /// Tries left before the card blocks, when known.
        tries_left: Option<u8>,
    },
    /// The PIN is blocked: a final state; only the card's issuer unblocks it.
    PinLocked,
    /// The holder cancelled (the PIN window, or the reader's PIN pad).
    UserCancelled,
    /// Nobody typed the PIN in time (window or PIN pad).
    Timeout,
    // --- health ---
    /// A reader is there, but no card in it.
    CardAbsent,
    /// No reader (no PKCS#11 slot at all).
    ReaderAbsent,
    /// A card is there but has no authentication certificate and key (another card).
    CardUnsupported,
    /// No PKCS#11 module at any path checked.
    ModuleNotFound {
        /// The paths checked, in order.
        checked: Vec<String>,
    },
    /// The module was found but failed to load or start.
    ModuleFailed,
    // --- developer ---
    /// Not JSON, an unknown command, a field missing, of the wrong type or out of bounds.
    MalformedMessage,
    /// Larger than [`MAX_MESSAGE_BYTES`].
    MessageTooLarge,
    /// The extension and the host are not the same major.minor version.
    VersionMismatch,
    /// A command before the handshake.
    HandshakeRequired,
    /// Anything else (and codes this version does not know).
    UnknownError,
}

/// Every code, for tests and the diagnostics page.
pub const ERROR_CODES: [&str; 14] = [
    "pin_incorrect",
    "pin_locked",
    "user_cancelled",
    "timeout",
    "card_absent",
    "reader_absent",
    "card_unsupported",
    "module_not_found",
    "module_failed",
    "malformed_message",
    "message_too_large",
    "version_mismatch",
    "handshake_required",
    "unknown_error",
];

impl HostError {
    /// The stable string form, as on the wire.
    pub fn code(&self) -> &'static str {
        match self {
            HostError::PinIncorrect { .. } => "pin_incorrect",
            HostError::PinLocked => "pin_locked",
            HostError::UserCancelled => "user_cancelled",
            HostError::Timeout => "timeout",
            HostError::CardAbsent => "card_absent",
            HostError::ReaderAbsent => "reader_absent",
            HostError::CardUnsupported => "card_unsupported",
            HostError::ModuleNotFound { .. } => "module_not_found",
            HostError::ModuleFailed => "module_failed",
            HostError::MalformedMessage => "malformed_message",
            HostError::MessageTooLarge => "message_too_large",
            HostError::VersionMismatch => "version_mismatch",
            HostError::HandshakeRequired => "handshake_required",
            HostError::UnknownError => "unknown_error",
        }
    }

    /// Reads a code (without its data); an unknown one is [`HostError::UnknownError`].
    pub fn from_code(code: &str) -> HostError {
        match code {
            "pin_incorrect" => HostError::PinIncorrect { tries_left: None },
            "pin_locked" => HostError::PinLocked,
            "user_cancelled" => HostError::UserCancelled,
            "timeout" => HostError::Timeout,
            "card_absent" => HostError::CardAbsent,
            "reader_absent" => HostError::ReaderAbsent,
            "card_unsupported" => HostError::CardUnsupported,
            "module_not_found" => HostError::ModuleNotFound { checked: vec![] },
            "module_failed" => HostError::ModuleFailed,
            "malformed_message" => HostError::MalformedMessage,
            "message_too_large" => HostError::MessageTooLarge,
            "version_mismatch" => HostError::VersionMismatch,
            "handshake_required" => HostError::HandshakeRequired,
            _ => HostError::UnknownError,
        }
    }

    /// What happened and the one thing to do, in words a nurse understands.
    pub fn text(&self, lang: Lang) -> Cow<'static, str> {
        let s = match self {
            HostError::PinIncorrect {
                tries_left: Some(n @ 1..),
            } => {
                return Cow::Owned(match (lang, n) {
                    (Lang::Fr, 1) => "Code PIN incorrect. Il reste 1 essai\u{a0}: au prochain \
                                      code faux, la carte sera bloquée."
                        .into(),
                    (Lang::Fr, n) => format!("Code PIN incorrect. Il reste {n} essais."),
                    (Lang::En, 1) => {
                        "Wrong PIN. 1 try left: one more wrong PIN blocks the card.".into()
                    }
                    (Lang::En, n) => format!("Wrong PIN. {n} tries left."),
                })
            }
            HostError::PinIncorrect { .. } => pick(
                lang,
                "Code PIN incorrect. Vérifiez-le avant de réessayer\u{a0}: trop d'erreurs \
                 bloquent la carte.",
                "Wrong PIN. Check it before trying again: too many wrong PINs block the card.",
            ),
            // The page says the same (one text each).
            HostError::PinLocked => crate::bridge::BridgeError::PinLocked.text(lang),
            HostError::UserCancelled => pick(
                lang,
                "Annulé\u{a0}: rien n'a été signé.",
                "Cancelled: nothing was signed.",
            ),
            HostError::Timeout => pick(
                lang,
                "Le code PIN n'a pas été saisi à temps\u{a0}: rien n'a été signé. Recommencez.",
                "The PIN was not typed in time: nothing was signed. Start again.",
            ),
            HostError::CardAbsent => crate::bridge::BridgeError::CardAbsent.text(lang),
            HostError::ReaderAbsent => pick(
                lang,
                "Aucun lecteur de carte trouvé\u{a0}: branchez le lecteur, vérifiez que le \
                 service de carte à puce (pcscd) fonctionne, puis réessayez.",
                "No card reader found: plug the reader in, check that the smart-card service \
                 (pcscd) is running, then try again.",
            ),
            HostError::CardUnsupported => pick(
                lang,
                "La carte insérée n'a pas de certificat d'authentification\u{a0}: insérez \
                 votre carte CPS.",
                "The card inserted has no authentication certificate: insert your CPS card.",
            ),
            HostError::ModuleNotFound { .. } => pick(
                lang,
                "Le logiciel de la carte CPS (Cryptolib CPS) est introuvable\u{a0}: \
                 installez-le depuis le site de l'ANS, puis réessayez.",
                "The CPS card software (Cryptolib CPS) was not found: install it from the \
                 ANS website, then try again.",
            ),
            HostError::ModuleFailed => pick(
                lang,
                "Le logiciel de la carte CPS n'a pas démarré\u{a0}: réinstallez Cryptolib CPS, \
                 puis appelez l'assistance si cela recommence.",
                "The CPS card software did not start: reinstall Cryptolib CPS, then call \
                 support if it happens again.",
            ),
            HostError::MalformedMessage
            | HostError::MessageTooLarge
            | HostError::HandshakeRequired
            | HostError::UnknownError => pick(
                lang,
                "L'extension Sésame et son application de carte ne se comprennent pas. \
                 Réessayez, puis appelez l'assistance si cela recommence.",
                "The Sésame extension and its card application do not understand each other. \
                 Try again, then call support if it happens again.",
            ),
            HostError::VersionMismatch => pick(
                lang,
                "L'application de carte Sésame n'a pas la version de l'extension\u{a0}: \
                 réinstallez l'application de carte depuis les options de l'extension.",
                "The Sésame card application does not match the extension's version: reinstall \
                 the card application from the extension's options.",
            ),
        };
        Cow::Borrowed(s)
    }
}

/// What the page is told of a host failure (the PIN window has shown the details).
impl From<&HostError> for crate::bridge::BridgeError {
    fn from(e: &HostError) -> Self {
        use crate::bridge::BridgeError as B;
        match e {
            HostError::PinLocked => B::PinLocked,
            HostError::UserCancelled => B::UserCancelled,
            HostError::Timeout => B::UserTimeout,
            HostError::CardAbsent => B::CardAbsent,
            HostError::ReaderAbsent => B::ReaderAbsent,
            HostError::VersionMismatch => B::HostOutdated,
            HostError::MalformedMessage
            | HostError::MessageTooLarge
            | HostError::HandshakeRequired
            | HostError::UnknownError => B::HostFailed,
            HostError::PinIncorrect { .. }
            | HostError::CardUnsupported
            | HostError::ModuleNotFound { .. }
            | HostError::ModuleFailed => B::CardFailed,
        }
    }
}

impl std::fmt::Display for HostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for HostError {}

/// [`HostError`] as on the wire.
#[derive(Serialize, Deserialize)]
struct ErrorWire {
    code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tries_left: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    checked: Vec<String>,
}

impl From<HostError> for ErrorWire {
    fn from(e: HostError) -> ErrorWire {
        let code = e.code().to_owned();
        match e {
            HostError::PinIncorrect { tries_left } => ErrorWire {
                code,
                tries_left,
                checked: vec![],
            },
            HostError::ModuleNotFound { checked } => ErrorWire {
                code,
                tries_left: None,
                checked,
            },
            _ => ErrorWire {
                code,
                tries_left: None,
                checked: vec![],
            },
        }
    }
}

impl From<ErrorWire> for HostError {
    fn from(w: ErrorWire) -> HostError {
        match HostError::from_code(&w.code) {
            HostError::PinIncorrect { .. } => HostError::PinIncorrect {
                tries_left: w.tries_left,
            },
            HostError::ModuleNotFound { .. } => HostError::ModuleNotFound { checked: w.checked },
            e => e,
        }
    }
}

/// The host's answer to the handshake: its version if compatible with the extension's
/// (`major.minor` equal), else [`HostError::VersionMismatch`].
pub fn handshake(extension_version: &str) -> HostResponse {
    if crate::bridge::compatible(extension_version, VERSION) {
        HostResponse::Hello {
            version: VERSION.to_owned(),
        }
    } else {
        HostResponse::Error(HostError::VersionMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NONCE: &str = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80";

    #[test]
    fn to_be_signed_is_two_hashes() {
        let tbs = to_be_signed("https://a.fr", NONCE);
        assert_eq!(tbs.len(), 64);
        assert_eq!(&tbs[..32], &Sha256::digest(b"https://a.fr")[..]);
        assert_eq!(&tbs[32..], &Sha256::digest(NONCE.as_bytes())[..]);
        // Known answer: SHA-256("") ‖ SHA-256("abc").
        let kat = to_be_signed("", "abc");
        assert!(kat.starts_with(&[0xe3, 0xb0, 0xc4, 0x42]));
        assert_eq!(&kat[32..36], &[0xba, 0x78, 0x16, 0xbf]);
    }

    #[test]
    fn codes_round_trip_with_their_data() {
        for code in ERROR_CODES {
            let e = HostError::from_code(code);
            assert_eq!(e.code(), code);
            for lang in [Lang::Fr, Lang::En] {
                assert!(!e.text(lang).is_empty());
            }
        }
        assert_eq!(
            HostError::from_code("from_the_future"),
            HostError::UnknownError
        );
        let e = HostError::PinIncorrect {
            tries_left: Some(2),
        };
        let v = serde_json::to_value(HostResponse::Error(e.clone())).unwrap();
        assert_eq!(
            v,
            json!({"result": "error", "code": "pin_incorrect", "tries_left": 2})
        );
        assert_eq!(
            serde_json::from_value::<HostResponse>(v).unwrap(),
            HostResponse::Error(e)
        );
        let m = HostError::ModuleNotFound {
            checked: vec!["/a.so".into()],
        };
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v, json!({"code": "module_not_found", "checked": ["/a.so"]}));
        assert_eq!(serde_json::from_value::<HostError>(v).unwrap(), m);
        assert_eq!(
            serde_json::to_value(HostError::PinLocked).unwrap(),
            json!({"code": "pin_locked"})
        );
        assert_eq!(
            serde_json::from_value::<HostError>(json!({"code": "new_thing"})).unwrap(),
            HostError::UnknownError
        );
    }

    #[test]
    fn tries_left_texts() {
        let t = |n| HostError::PinIncorrect { tries_left: n }.text(Lang::Fr);
        assert!(t(Some(2)).contains("2 essais"));
        assert!(t(Some(1)).contains("1 essai"));
        assert!(!t(None).contains("essais."));
        assert!(HostError::PinLocked.text(Lang::En).contains("blocked"));
    }

    #[test]
    fn pin_states() {
        assert_eq!(PinState::Locked.tries_left(Some(3)), Some(0));
        assert_eq!(PinState::FinalTry.tries_left(None), Some(1));
        assert_eq!(PinState::CountLow.tries_left(Some(CPS_PIN_TRIES)), Some(2));
        assert_eq!(PinState::CountLow.tries_left(None), None);
        assert_eq!(PinState::Ok.tries_left(Some(3)), Some(3));
        assert_eq!(PinState::Ok.tries_left(None), None);
    }

    #[test]
    fn reads_requests() {
        assert_eq!(
            HostRequest::parse(r#"{"command":"hello","version":"0.1.0"}"#).unwrap(),
            HostRequest::Hello {
                version: "0.1.0".into()
            }
        );
        assert_eq!(
            HostRequest::parse(r#"{"command":"status"}"#).unwrap(),
            HostRequest::Status
        );
        let r = HostRequest::parse(&format!(
            r#"{{"command":"authenticate","origin":"https://a.fr","nonce":"{NONCE}","pin":"1234"}}"#
        ))
        .unwrap();
        let HostRequest::Authenticate { pin, .. } = &r else {
            panic!("{r:?}")
        };
        assert_eq!(pin.as_ref().unwrap().expose(), "1234");
        assert!(!format!("{r:?}").contains("1234"));
        // PIN pad: no PIN.
        assert!(HostRequest::parse(&format!(
            r#"{{"command":"authenticate","origin":"http://127.0.0.1:8080","nonce":"{NONCE}"}}"#
        ))
        .is_ok());
    }

    #[test]
    fn refuses_bad_requests() {
        let auth = |origin: &str, nonce: &str, pin: serde_json::Value| {
            json!({"command": "authenticate", "origin": origin, "nonce": nonce, "pin": pin})
                .to_string()
        };
        let long_nonce = "a".repeat(MAX_NONCE_CHARS + 1);
        let bad = [
            "".to_owned(),
            "null".into(),
            "[]".into(),
            r#"{"command":"format_disk"}"#.into(),
            r#"{"command":"status","extra":1}"#.into(),
            r#"{"command":"hello"}"#.into(),
            r#"{"command":"hello","version":""}"#.into(),
            auth("https://a.fr/path", NONCE, json!("1234")),
            auth("https://A.fr", NONCE, json!("1234")),
            auth("http://a.fr", NONCE, json!("1234")),
            auth("https://a.fr:443", NONCE, json!("1234")),
            auth("https://a.fr", "short", json!("1234")),
            auth("https://a.fr", &long_nonce, json!("1234")),
            auth("https://a.fr", &format!("{NONCE}!"), json!("1234")),
            auth("https://a.fr", NONCE, json!("12a4")),
            auth("https://a.fr", NONCE, json!("123")),
            auth("https://a.fr", NONCE, json!("123456789")),
            auth("https://a.fr", NONCE, json!(1234)),
        ];
        for b in bad {
            assert_eq!(
                HostRequest::parse(&b).unwrap_err(),
                HostError::MalformedMessage,
                "{b}"
            );
        }
    }

    #[test]
    fn handshake_checks_versions() {
        assert_eq!(
            handshake(VERSION),
            HostResponse::Hello {
                version: VERSION.into()
            }
        );
        assert_eq!(
            handshake("999.0.0"),
            HostResponse::Error(HostError::VersionMismatch)
        );
    }

    #[test]
    fn responses_on_the_wire() {
        let r = HostResponse::Authenticated {
            certificate: "MIIB".into(),
            algorithm: SignatureAlgorithm::RS256,
            signature: "c2ln".into(),
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"result": "authenticated", "certificate": "MIIB", "algorithm": "RS256",
                   "signature": "c2ln"})
        );
        let s = HostResponse::Status {
            module: "/m.so".into(),
            readers: vec![ReaderStatus {
                name: "r".into(),
                card: Some(CardStatus {
                    label: "CPS".into(),
                    serial: "1".into(),
                    pin: PinState::CountLow,
                    tries_left: Some(2),
                    pin_pad: false,
                }),
            }],
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["readers"][0]["card"]["pin"], "count_low");
        assert_eq!(serde_json::from_value::<HostResponse>(v).unwrap(), s);
    }
}
