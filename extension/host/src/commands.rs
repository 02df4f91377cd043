//! The host's commands, one module each, behind the [`Card`] trait so they can be tested with a
//! fake card; [`Host::answer`] is the one dispatcher (a `match`), handshake first.

pub mod authenticate;
pub mod certificate;
pub mod status;

use sesame_core::host::{
    handshake, CertificateInfo, HostError, HostRequest, HostResponse, ReaderStatus,
};
use sesame_core::Secret;

use crate::module;
use crate::token::Token;

/// What the commands need of a card: the PKCS#11 [`Token`], or a fake in tests.
pub trait Card {
    /// The module's path, for the status.
    fn module(&self) -> String;
    /// Readers, cards, PIN states.
    fn status(&self) -> Result<Vec<ReaderStatus>, HostError>;
    /// The authentication certificate.
    fn certificate(&self) -> Result<CertificateInfo, HostError>;
    /// Logs in, signs `to_be_signed`, logs out: the certificate and the signature.
    fn sign(
        &self,
        to_be_signed: &[u8],
        pin: Option<&Secret>,
    ) -> Result<(CertificateInfo, Vec<u8>), HostError>;
}

impl Card for Token {
    fn module(&self) -> String {
        self.module().path.display().to_string()
    }

    fn status(&self) -> Result<Vec<ReaderStatus>, HostError> {
        Token::status(self)
    }

    fn certificate(&self) -> Result<CertificateInfo, HostError> {
        Token::certificate(self).map(|c| c.info)
    }

    fn sign(
        &self,
        to_be_signed: &[u8],
        pin: Option<&Secret>,
    ) -> Result<(CertificateInfo, Vec<u8>), HostError> {
        Token::sign(self, to_be_signed, pin).map(|s| (s.certificate.info, s.signature))
    }
}

/// Opens the card for a command (the module is loaded only when a command needs it).
pub type Opener = Box<dyn FnMut() -> Result<Box<dyn Card>, HostError>>;

/// The opener of the real card, with the module found at start ([`module::locate`]; its
/// error, such as `module_not_found`, is each command's answer).
pub fn pkcs11_opener(found: Result<module::Module, HostError>) -> Opener {
    Box::new(move || {
        let m = found.clone()?;
        Ok(Box::new(Token::open(&m)?) as Box<dyn Card>)
    })
}

/// One connection's state: the handshake, then commands.
pub struct Host {
    open: Opener,
    greeted: bool,
}

impl Host {
    /// A host that opens its card with `open`.
    pub fn new(open: Opener) -> Host {
        Host {
            open,
            greeted: false,
        }
    }

    /// The answer to one message's JSON text. Never panics on any input.
    pub fn answer(&mut self, json: &str) -> HostResponse {
        let request = match HostRequest::parse(json) {
            Ok(r) => r,
            Err(e) => return HostResponse::Error(e),
        };
        match request {
            HostRequest::Hello { version } => {
                let r = handshake(&version);
                self.greeted = matches!(r, HostResponse::Hello { .. });
                r
            }
            _ if !self.greeted => HostResponse::Error(HostError::HandshakeRequired),
            HostRequest::Status => self.with_card(status::run),
            HostRequest::Certificate => self.with_card(certificate::run),
            HostRequest::Authenticate { origin, nonce, pin } => {
                self.with_card(|card| authenticate::run(card, &origin, &nonce, pin.as_ref()))
            }
        }
    }

    fn with_card(
        &mut self,
        command: impl FnOnce(&dyn Card) -> Result<HostResponse, HostError>,
    ) -> HostResponse {
        (self.open)()
            .and_then(|card| command(card.as_ref()))
            .unwrap_or_else(HostResponse::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sesame_core::host::{SignatureAlgorithm, VERSION};

    /// A card that answers from fixed values: PIN 1234, or blocked when `locked`.
    struct FakeCard {
        locked: bool,
    }

    fn info() -> CertificateInfo {
        CertificateInfo {
            certificate: "MIIB".into(),
            holder: "Dr Karim Benali".into(),
            subject: "CN=Dr Karim Benali".into(),
            serial_number: None,
            not_after: "2030-01-01T00:00:00Z".into(),
            algorithm: SignatureAlgorithm::ES256,
        }
    }

    impl Card for FakeCard {
        fn module(&self) -> String {
            "fake".into()
        }
        fn status(&self) -> Result<Vec<ReaderStatus>, HostError> {
            Ok(vec![])
        }
        fn certificate(&self) -> Result<CertificateInfo, HostError> {
            Ok(info())
        }
        fn sign(
            &self,
            to_be_signed: &[u8],
            pin: Option<&Secret>,
        ) -> Result<(CertificateInfo, Vec<u8>), HostError> {
            if self.locked {
                return Err(HostError::PinLocked);
            }
            match pin.map(Secret::expose) {
                Some("1234") => Ok((info(), to_be_signed[..4].to_vec())),
                _ => Err(HostError::PinIncorrect {
                    tries_left: Some(2),
                }),
            }
        }
    }

    fn host(locked: bool) -> Host {
        Host::new(Box::new(move || {
            Ok(Box::new(FakeCard { locked }) as Box<dyn Card>)
        }))
    }

    fn ask(h: &mut Host, v: serde_json::Value) -> serde_json::Value {
        serde_json::to_value(h.answer(&v.to_string())).unwrap()
    }

    const NONCE: &str = "kX3dM0Jq9v1nR2oP8sT4uW6yZ0aB2cD4eF6gH8iJ0kL";

    #[test]
    fn handshake_first_then_commands() {
        let mut h = host(false);
        let auth = |pin: &str| {
            json!({"command": "authenticate", "origin": "https://a.fr", "nonce": NONCE,
                   "pin": pin})
        };
        assert_eq!(
            ask(&mut h, json!({"command": "status"}))["code"],
            "handshake_required"
        );
        assert_eq!(
            ask(&mut h, json!({"command": "hello", "version": VERSION}))["result"],
            "hello"
        );
        assert_eq!(ask(&mut h, json!({"command": "status"}))["module"], "fake");
        assert_eq!(
            ask(&mut h, json!({"command": "certificate"}))["holder"],
            "Dr Karim Benali"
        );
        assert_eq!(
            ask(&mut h, auth("0000")),
            json!({"result": "error", "code": "pin_incorrect", "tries_left": 2})
        );
        let ok = ask(&mut h, auth("1234"));
        assert_eq!(ok["result"], "authenticated");
        assert_eq!(ok["algorithm"], "ES256");
        // The fake signs the first four bytes: SHA-256("https://a.fr")[..4], in base64.
        let tbs = sesame_core::host::to_be_signed("https://a.fr", NONCE);
        use base64::Engine as _;
        assert_eq!(
            ok["signature"],
            base64::engine::general_purpose::STANDARD.encode(&tbs[..4])
        );
        assert_eq!(ask(&mut h, json!("junk"))["code"], "malformed_message");
    }

    #[test]
    fn a_blocked_pin_is_final() {
        let mut h = host(true);
        ask(&mut h, json!({"command": "hello", "version": VERSION}));
        let v = json!({"command": "authenticate", "origin": "https://a.fr", "nonce": NONCE,
                       "pin": "1234"});
        for _ in 0..2 {
            assert_eq!(
                ask(&mut h, v.clone()),
                json!({"result": "error", "code": "pin_locked"})
            );
        }
    }

    #[test]
    fn a_missing_module_is_an_answer() {
        let mut h = Host::new(Box::new(|| {
            Err(HostError::ModuleNotFound {
                checked: vec!["/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so".into()],
            })
        }));
        ask(&mut h, json!({"command": "hello", "version": VERSION}));
        let a = ask(&mut h, json!({"command": "status"}));
        assert_eq!(a["code"], "module_not_found");
        assert_eq!(
            a["checked"][0],
            "/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so"
        );
    }
}
