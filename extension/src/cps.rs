//! The CPS-card login's decisions, pure and tested natively: what the PIN window shows, and
//! what each answer of the card means for the window and for the page.
//!
//! The flow itself ([`crate::background::actions::cps_login`]): the page's
//! `sesame:cps-login {nonce}` → the host's `status` and `certificate` → the PIN window with
//! [`pin_details`] → each PIN typed → `authenticate {origin, nonce, pin}` → [`after_failure`]
//! on a refusal (a wrong PIN is said in the window, which asks again) → the signature to the
//! page, or one [`BridgeError`].

use serde_json::{json, Value};
use sesame_core::bridge::BridgeError;
use sesame_core::host::{CardStatus, CertificateInfo, HostError, PinState, ReaderStatus};

/// The card the host will use: the first reader holding a card (the host signs with the first
/// token holding an authentication key: the same order).
pub fn first_card(readers: &[ReaderStatus]) -> Option<&CardStatus> {
    readers.iter().find_map(|r| r.card.as_ref())
}

/// Why no card can be asked for, from the readers alone: no reader, or no card in any.
pub fn missing_card(readers: &[ReaderStatus]) -> Option<HostError> {
    if readers.is_empty() {
        Some(HostError::ReaderAbsent)
    } else if first_card(readers).is_none() {
        Some(HostError::CardAbsent)
    } else {
        None
    }
}

/// The RPPS number in a CPS certificate's `serialNumber`: the national identifier of an RPPS
/// holder is "8" followed by the 11-digit RPPS number.
pub fn rpps(national_id: &str) -> Option<&str> {
    national_id
        .strip_prefix('8')
        .filter(|r| r.len() == 11 && r.bytes().all(|b| b.is_ascii_digit()))
}

/// What the PIN window shows: the origin (from the browser), the certificate's holder, RPPS
/// number and end of validity (day only), and the card's PIN state.
pub fn pin_details(
    origin: &str,
    certificate: &CertificateInfo,
    card: Option<&CardStatus>,
) -> Value {
    let (tries_left, pin_pad, locked) = match card {
        Some(c) => (c.tries_left, c.pin_pad, c.pin == PinState::Locked),
        None => (None, false, false),
    };
    json!({
        "origin": origin,
        "holder": certificate.holder,
        "subject": certificate.subject,
        "rpps": certificate.serial_number.as_deref().and_then(rpps),
        "national_id": certificate.serial_number,
        "valid_until": certificate.not_after.get(..10).unwrap_or(&certificate.not_after),
        "tries_left": tries_left,
        "low": card.is_some_and(|c| matches!(c.pin, PinState::CountLow | PinState::FinalTry)),
        "pin_pad": pin_pad,
        "locked": locked,
    })
}

/// After the card refused a PIN: what the window is told, and whether it asks again (`None`)
/// or the login ends with this failure for the page.
pub fn after_failure(error: &HostError) -> (Value, Option<BridgeError>) {
    let verdict = |last: bool| {
        let mut v = serde_json::to_value(error).unwrap_or_else(|_| json!({}));
        v["final"] = json!(last);
        v
    };
    match error {
        HostError::PinIncorrect { .. } => (verdict(false), None),
        e => (verdict(true), Some(BridgeError::from(e))),
    }
}

/// Whether the browser's disconnect reason says the host is not installed (its manifest is
/// missing, or does not allow this extension).
pub fn means_missing(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    r.contains("not found") || r.contains("no such native application") || r.contains("forbidden")
}

/// Where the browser looks for the host's manifest for this user, to name it when the host is
/// missing: `firefox` or not (the Chromium family; Chromium's own folder is named, Chrome's
/// and Edge's differ by their product folder), on `os` as `runtime.getPlatformInfo` names it.
/// The same folders as `sesame-host install` writes (extension/host/src/install.rs).
pub fn manifest_hint(firefox: bool, os: &str) -> &'static str {
    match (firefox, os) {
        (true, "mac") => {
            "~/Library/Application Support/Mozilla/NativeMessagingHosts/fr.sesame.host.json"
        }
        (true, "win") => {
            "HKEY_CURRENT_USER\\Software\\Mozilla\\NativeMessagingHosts\\fr.sesame.host"
        }
        (true, _) => "~/.mozilla/native-messaging-hosts/fr.sesame.host.json",
        (false, "mac") => {
            "~/Library/Application Support/Chromium/NativeMessagingHosts/fr.sesame.host.json"
        }
        (false, "win") => {
            "HKEY_CURRENT_USER\\Software\\Google\\Chrome\\NativeMessagingHosts\\fr.sesame.host"
        }
        (false, _) => "~/.config/chromium/NativeMessagingHosts/fr.sesame.host.json",
    }
}

/// The card's state for the diagnostics, from the host's readers: the card to use, or why
/// none (no reader, no card, a blocked PIN).
pub fn card_ready(readers: &[ReaderStatus]) -> Result<&CardStatus, HostError> {
    if let Some(e) = missing_card(readers) {
        return Err(e);
    }
    match first_card(readers) {
        Some(c) if c.pin == PinState::Locked => Err(HostError::PinLocked),
        Some(c) => Ok(c),
        None => Err(HostError::CardAbsent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_core::host::SignatureAlgorithm;

    fn cert() -> CertificateInfo {
        CertificateInfo {
            certificate: "MIIB".into(),
            holder: "Dr Karim Benali".into(),
            subject: "C=FR, CN=Dr Karim Benali, serialNumber=810012345678".into(),
            serial_number: Some("810012345678".into()),
            not_after: "2029-03-01T00:00:00Z".into(),
            algorithm: SignatureAlgorithm::RS256,
        }
    }

    fn card(pin: PinState, tries_left: Option<u8>) -> CardStatus {
        CardStatus {
            label: "CPS".into(),
            serial: "1".into(),
            pin,
            tries_left,
            pin_pad: false,
        }
    }

    #[test]
    fn the_window_shows_who_asks_and_which_certificate() {
        let c = card(PinState::CountLow, Some(2));
        let d = pin_details("https://portail.example", &cert(), Some(&c));
        assert_eq!(d["origin"], "https://portail.example");
        assert_eq!(d["holder"], "Dr Karim Benali");
        assert_eq!(d["rpps"], "10012345678");
        assert_eq!(d["valid_until"], "2029-03-01");
        assert_eq!(d["tries_left"], 2);
        assert_eq!(d["low"], true);
        assert_eq!(d["locked"], false);
    }

    #[test]
    fn rpps_numbers_only_from_rpps_identifiers() {
        assert_eq!(rpps("810012345678"), Some("10012345678"));
        assert_eq!(rpps("010012345678"), None, "an ADELI-based identifier");
        assert_eq!(rpps("8100123456"), None);
        assert_eq!(rpps("8100123456x8"), None);
    }

    #[test]
    fn no_reader_no_card() {
        assert_eq!(missing_card(&[]), Some(HostError::ReaderAbsent));
        let empty = ReaderStatus {
            name: "Lecteur".into(),
            card: None,
        };
        assert_eq!(
            missing_card(std::slice::from_ref(&empty)),
            Some(HostError::CardAbsent)
        );
        let full = ReaderStatus {
            name: "Lecteur 2".into(),
            card: Some(card(PinState::Ok, Some(3))),
        };
        assert_eq!(missing_card(&[empty, full.clone()]), None);
        assert_eq!(first_card(&[full]).map(|c| c.tries_left), Some(Some(3)));
    }

    #[test]
    fn a_wrong_pin_asks_again_a_blocked_card_ends_for_good() {
        let (v, end) = after_failure(&HostError::PinIncorrect {
            tries_left: Some(2),
        });
        assert_eq!(v["code"], "pin_incorrect");
        assert_eq!(v["tries_left"], 2);
        assert_eq!(v["final"], false);
        assert_eq!(end, None);
        let (v, end) = after_failure(&HostError::PinLocked);
        assert_eq!(v["code"], "pin_locked");
        assert_eq!(v["final"], true);
        assert_eq!(end, Some(BridgeError::PinLocked));
        let (_, end) = after_failure(&HostError::CardAbsent);
        assert_eq!(end, Some(BridgeError::CardAbsent));
    }

    #[test]
    fn the_diagnostics_name_a_blocked_card_and_where_the_manifest_is_looked_for() {
        let locked = ReaderStatus {
            name: "Lecteur".into(),
            card: Some(card(PinState::Locked, Some(0))),
        };
        assert_eq!(
            card_ready(std::slice::from_ref(&locked)).err(),
            Some(HostError::PinLocked)
        );
        assert_eq!(card_ready(&[]).err(), Some(HostError::ReaderAbsent));
        let fine = ReaderStatus {
            name: "Lecteur".into(),
            card: Some(card(PinState::Ok, Some(3))),
        };
        assert!(card_ready(&[fine]).is_ok());
        assert!(manifest_hint(true, "linux").starts_with("~/.mozilla/native-messaging-hosts/"));
        assert!(manifest_hint(false, "linux").contains("/NativeMessagingHosts/"));
        assert!(manifest_hint(false, "win").starts_with("HKEY_CURRENT_USER"));
    }

    #[test]
    fn the_browsers_words_for_a_missing_host() {
        assert!(means_missing("Specified native messaging host not found."));
        assert!(means_missing("No such native application fr.sesame.host"));
        assert!(means_missing(
            "Access to the specified native messaging host is forbidden."
        ));
        assert!(!means_missing("Native host has exited."));
        assert!(!means_missing(
            "Error when communicating with the native messaging host."
        ));
        assert!(!means_missing(""));
    }
}
