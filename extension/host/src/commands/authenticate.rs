//! `authenticate`: signs [`to_be_signed`]`(origin, nonce)` with the card's authentication key.
//! The request was validated (origin, nonce, PIN shape) before it got here.

use base64::Engine as _;
use sesame_core::host::{to_be_signed, HostError, HostResponse};
use sesame_core::Secret;

use super::Card;

/// Runs the command.
pub fn run(
    card: &dyn Card,
    origin: &str,
    nonce: &str,
    pin: Option<&Secret>,
) -> Result<HostResponse, HostError> {
    let (certificate, signature) = card.sign(&to_be_signed(origin, nonce), pin)?;
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok(HostResponse::Authenticated {
        certificate: certificate.certificate,
        algorithm: certificate.algorithm,
        signature: b64.encode(signature),
    })
}
