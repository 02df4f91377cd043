//! `status`: the module, the readers, the cards, their PIN state. Needs no PIN.

use sesame_core::host::{HostError, HostResponse};

use super::Card;

/// Runs the command.
pub fn run(card: &dyn Card) -> Result<HostResponse, HostError> {
    Ok(HostResponse::Status {
        module: card.module(),
        readers: card.status()?,
    })
}
