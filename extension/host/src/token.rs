//! The card, through its PKCS#11 module (`cryptoki`): readers and tokens, the authentication
//! certificate, login with the PIN, signing, logout.
//!
//! **Invariants:** only this module links PKCS#11. The PIN goes from a [`Secret`] straight into
//! cryptoki's `AuthPin` (zeroed on drop) and is never logged. A blocked PIN is reported as
//! `pin_locked`, a final state: no login is even tried on a token whose flags say locked. Every
//! PKCS#11 failure becomes a [`HostError`] code ([`host_error`]).

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, CertificateType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::{Slot, TokenInfo};
use cryptoki::types::AuthPin;
use sha2::{Digest, Sha256};
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_PKCS1_RSAENCRYPTION, OID_X509_SERIALNUMBER,
};
use x509_parser::prelude::{FromDer, X509Certificate};

use sesame_core::host::{
    CardStatus, CertificateInfo, HostError, PinState, ReaderStatus, SignatureAlgorithm,
};
use sesame_core::Secret;

use crate::module::Module;

/// DER prefix of a SHA-256 `DigestInfo` (RFC 8017 §9.2), for tokens that only do raw
/// `CKM_RSA_PKCS`.
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// An opened PKCS#11 module.
pub struct Token {
    pkcs11: Pkcs11,
    module: Module,
}

/// The card's authentication certificate, found on a token.
#[derive(Debug, Clone)]
pub struct CardCertificate {
    /// The slot it is in.
    pub slot: Slot,
    /// Its `CKA_ID`, shared with its private key.
    pub id: Vec<u8>,
    /// DER.
    pub der: Vec<u8>,
    /// What the extension is shown.
    pub info: CertificateInfo,
}

/// A signature made by the card.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The certificate of the key that signed.
    pub certificate: CardCertificate,
    /// The signature.
    pub signature: Vec<u8>,
}

/// The PKCS#11 error `e` as a host error code (tries left are filled in by the caller, who can
/// read the token's flags).
pub fn host_error(e: &CkError) -> HostError {
    match e {
        CkError::Pkcs11(rv, _) => match rv {
            RvError::PinIncorrect | RvError::PinLenRange | RvError::PinInvalid => {
                HostError::PinIncorrect { tries_left: None }
            }
            RvError::PinLocked => HostError::PinLocked,
            RvError::TokenNotPresent | RvError::DeviceRemoved | RvError::TokenNotRecognized => {
                HostError::CardAbsent
            }
            RvError::SlotIdInvalid => HostError::ReaderAbsent,
            // A PIN pad's cancel key, or its own timeout: "a timeout there is a cancel".
            RvError::FunctionCanceled => HostError::UserCancelled,
            _ => HostError::UnknownError,
        },
        CkError::LibraryLoading(_) | CkError::MissingSymbol(_) | CkError::NullFunctionPointer => {
            HostError::ModuleFailed
        }
        _ => HostError::UnknownError,
    }
}

fn ck(e: CkError) -> HostError {
    host_error(&e)
}

/// The PIN's state from the token's flags.
pub fn pin_state(info: &TokenInfo) -> PinState {
    if info.user_pin_locked() {
        PinState::Locked
    } else if info.user_pin_final_try() {
        PinState::FinalTry
    } else if info.user_pin_count_low() {
        PinState::CountLow
    } else {
        PinState::Ok
    }
}

impl Token {
    /// Loads and initialises `module`.
    pub fn open(module: &Module) -> Result<Token, HostError> {
        let pkcs11 = Pkcs11::new(&module.path).map_err(|_| HostError::ModuleFailed)?;
        match pkcs11.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(_) => return Err(HostError::ModuleFailed),
        }
        Ok(Token {
            pkcs11,
            module: module.clone(),
        })
    }

    /// The module in use.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// Every reader, with its card and the card's PIN state.
    pub fn status(&self) -> Result<Vec<ReaderStatus>, HostError> {
        let slots = self.pkcs11.get_all_slots().map_err(ck)?;
        let mut readers = Vec::with_capacity(slots.len());
        for slot in slots {
            let info = self.pkcs11.get_slot_info(slot).map_err(ck)?;
            // An uninitialised token (SoftHSM2's spare slot, a blank card) is no card.
            let card = if info.token_present() {
                match self.pkcs11.get_token_info(slot) {
                    Ok(t) if t.token_initialized() => Some(self.card_status(&t)),
                    _ => None,
                }
            } else {
                None
            };
            readers.push(ReaderStatus {
                name: info.slot_description().trim().to_owned(),
                card,
            });
        }
        Ok(readers)
    }

    fn card_status(&self, t: &TokenInfo) -> CardStatus {
        let pin = pin_state(t);
        CardStatus {
            label: t.label().trim().to_owned(),
            serial: t.serial_number().trim().to_owned(),
            pin,
            tries_left: pin.tries_left(self.module.kind.max_pin_tries()),
            pin_pad: t.protected_authentication_path(),
        }
    }

    /// The slots holding an initialised token; `reader_absent` when there is no slot at all,
    /// `card_absent` when no slot has one.
    fn slots_with_token(&self) -> Result<Vec<Slot>, HostError> {
        let with: Vec<Slot> = self
            .pkcs11
            .get_slots_with_token()
            .map_err(ck)?
            .into_iter()
            .filter(|s| {
                self.pkcs11
                    .get_token_info(*s)
                    .is_ok_and(|t| t.token_initialized())
            })
            .collect();
        if !with.is_empty() {
            return Ok(with);
        }
        if self.pkcs11.get_all_slots().map_err(ck)?.is_empty() {
            Err(HostError::ReaderAbsent)
        } else {
            Err(HostError::CardAbsent)
        }
    }

    /// The authentication certificate of the first card that has one (`card_unsupported` when
    /// cards are there but none has one).
    pub fn certificate(&self) -> Result<CardCertificate, HostError> {
        for slot in self.slots_with_token()? {
            let session = match self.pkcs11.open_ro_session(slot) {
                Ok(s) => s,
                // An uninitialised or unreadable token: not the holder's card.
                Err(_) => continue,
            };
            if let Some(cert) = authentication_certificate(&session, slot)? {
                return Ok(cert);
            }
        }
        Err(HostError::CardUnsupported)
    }

    /// Signs `to_be_signed` with the authentication key: login (with `pin`, or on the reader's
    /// PIN pad), sign, logout.
    pub fn sign(&self, to_be_signed: &[u8], pin: Option<&Secret>) -> Result<Signed, HostError> {
        let certificate = self.certificate()?;
        let slot = certificate.slot;
        let info = self.pkcs11.get_token_info(slot).map_err(ck)?;
        if pin_state(&info) == PinState::Locked {
            return Err(HostError::PinLocked);
        }
        let pin_pad = info.protected_authentication_path();
        let auth_pin = match (pin, pin_pad) {
            (_, true) => None,
            (Some(p), false) => Some(AuthPin::new(p.expose().into())),
            (None, false) => return Err(HostError::MalformedMessage),
        };
        let session = self.pkcs11.open_ro_session(slot).map_err(ck)?;
        match session.login(UserType::User, auth_pin.as_ref()) {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(e) => return Err(self.login_error(slot, &e)),
        }
        let signed = self.sign_logged_in(&session, &certificate, to_be_signed);
        // Logging out can fail if the card went away; the session closes on drop anyway.
        let _ = session.logout();
        Ok(Signed {
            certificate,
            signature: signed?,
        })
    }

    /// A failed login's code, with tries left (or `pin_locked`) from the flags read again.
    fn login_error(&self, slot: Slot, e: &CkError) -> HostError {
        match host_error(e) {
            HostError::PinIncorrect { .. } => match self.pkcs11.get_token_info(slot) {
                Ok(t) => match pin_state(&t) {
                    PinState::Locked => HostError::PinLocked,
                    state => HostError::PinIncorrect {
                        tries_left: state.tries_left(self.module.kind.max_pin_tries()),
                    },
                },
                Err(_) => HostError::PinIncorrect { tries_left: None },
            },
            other => other,
        }
    }

    fn sign_logged_in(
        &self,
        session: &Session,
        cert: &CardCertificate,
        to_be_signed: &[u8],
    ) -> Result<Vec<u8>, HostError> {
        let key = session
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::Id(cert.id.clone()),
            ])
            .map_err(ck)?
            .into_iter()
            .next()
            .ok_or(HostError::CardUnsupported)?;
        match cert.info.algorithm {
            SignatureAlgorithm::RS256 => {
                let mechanisms = self
                    .pkcs11
                    .get_mechanism_list(cert.slot)
                    .unwrap_or_default();
                if mechanisms.contains(&MechanismType::SHA256_RSA_PKCS) {
                    session
                        .sign(&Mechanism::Sha256RsaPkcs, key, to_be_signed)
                        .map_err(ck)
                } else {
                    let mut digest_info = SHA256_DIGEST_INFO.to_vec();
                    digest_info.extend_from_slice(&Sha256::digest(to_be_signed));
                    session
                        .sign(&Mechanism::RsaPkcs, key, &digest_info)
                        .map_err(ck)
                }
            }
            SignatureAlgorithm::ES256 => session
                .sign(&Mechanism::Ecdsa, key, &Sha256::digest(to_be_signed))
                .map_err(ck),
        }
    }
}

/// The authentication certificate on a token: an X.509 certificate whose key signs and whose
/// key usage is not non-repudiation (a CPS card's other certificate is for signing documents),
/// RSA or EC P-256.
fn authentication_certificate(
    session: &Session,
    slot: Slot,
) -> Result<Option<CardCertificate>, HostError> {
    let handles = session
        .find_objects(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
        ])
        .map_err(ck)?;
    let mut fallback = None;
    for h in handles {
        let Some((id, der)) = id_and_value(session, h) else {
            continue;
        };
        let Some((info, non_repudiation)) = describe(&der) else {
            continue;
        };
        let cert = CardCertificate {
            slot,
            id,
            der,
            info,
        };
        if !non_repudiation {
            return Ok(Some(cert));
        }
        fallback.get_or_insert(cert);
    }
    Ok(fallback)
}

fn id_and_value(session: &Session, h: ObjectHandle) -> Option<(Vec<u8>, Vec<u8>)> {
    let attrs = session
        .get_attributes(h, &[AttributeType::Id, AttributeType::Value])
        .ok()?;
    let mut id = None;
    let mut value = None;
    for a in attrs {
        match a {
            Attribute::Id(v) => id = Some(v),
            Attribute::Value(v) => value = Some(v),
            _ => {}
        }
    }
    Some((id?, value?))
}

/// What the extension is shown of a certificate, and whether it is for non-repudiation;
/// `None` if it cannot be read or its key is neither RSA nor EC P-256.
pub fn describe(der: &[u8]) -> Option<(CertificateInfo, bool)> {
    use base64::Engine as _;
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let spki = cert.public_key();
    let algorithm = if spki.algorithm.algorithm == OID_PKCS1_RSAENCRYPTION {
        SignatureAlgorithm::RS256
    } else if spki.algorithm.algorithm == OID_KEY_TYPE_EC_PUBLIC_KEY
        && spki
            .algorithm
            .parameters()
            .and_then(|p| p.as_oid().ok())
            .is_some_and(|curve| curve == OID_EC_P256)
    {
        SignatureAlgorithm::ES256
    } else {
        return None;
    };
    let subject = cert.subject();
    let attr = |it: &mut dyn Iterator<Item = &x509_parser::x509::AttributeTypeAndValue<'_>>| {
        it.next()
            .and_then(|a| a.as_str().ok())
            .map(|s| s.trim().to_owned())
    };
    let holder = attr(&mut subject.iter_common_name()).unwrap_or_default();
    let serial_number = attr(&mut subject.iter_by_oid(&OID_X509_SERIALNUMBER));
    let (digital_signature, non_repudiation) = match cert.key_usage() {
        Ok(Some(ku)) => (ku.value.digital_signature(), ku.value.non_repudiation()),
        Ok(None) => (true, false),
        Err(_) => return None,
    };
    if !digital_signature && !non_repudiation {
        return None;
    }
    let info = CertificateInfo {
        certificate: base64::engine::general_purpose::STANDARD.encode(der),
        holder,
        subject: subject.to_string(),
        serial_number,
        not_after: rfc3339(cert.validity().not_after.timestamp()),
        algorithm,
    };
    Some((info, non_repudiation && !digital_signature))
}

/// A Unix time as RFC 3339 UTC (`2030-01-31T12:00:00Z`).
fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cryptoki::context::Function;

    #[test]
    fn pkcs11_errors_become_codes() {
        let e = |rv| host_error(&CkError::Pkcs11(rv, Function::Login));
        assert_eq!(
            e(RvError::PinIncorrect),
            HostError::PinIncorrect { tries_left: None }
        );
        assert_eq!(e(RvError::PinLocked), HostError::PinLocked);
        assert_eq!(e(RvError::TokenNotPresent), HostError::CardAbsent);
        assert_eq!(e(RvError::DeviceRemoved), HostError::CardAbsent);
        assert_eq!(e(RvError::SlotIdInvalid), HostError::ReaderAbsent);
        assert_eq!(e(RvError::FunctionCanceled), HostError::UserCancelled);
        assert_eq!(e(RvError::GeneralError), HostError::UnknownError);
        assert_eq!(host_error(&CkError::NotSupported), HostError::UnknownError);
    }

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_893_456_000 + 3_723), "2030-01-01T01:02:03Z");
    }

    #[test]
    fn unreadable_certificates_are_skipped() {
        assert!(describe(b"not a certificate").is_none());
        assert!(describe(&[]).is_none());
    }
}
