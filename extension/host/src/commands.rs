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

/// The opener of the real card: the module from [`module::ENV_MODULE`] or the usual paths.
pub fn pkcs11_opener() -> Opener {
    Box::new(|| {
        let m = module::find_from_env()?;
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
