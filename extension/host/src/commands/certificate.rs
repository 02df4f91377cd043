//! `certificate`: the card's authentication certificate and its holder. Needs no PIN.

use sesame_core::host::{HostError, HostResponse};

use super::Card;

/// Runs the command.
pub fn run(card: &dyn Card) -> Result<HostResponse, HostError> {
    card.certificate().map(HostResponse::Certificate)
}
