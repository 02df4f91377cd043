//! `sesame:status`: the extension's version, and whether the asking portal is enabled.

use crate::policy::{self, Accepted};
use serde_json::Value;
use sesame_core::bridge::{EnabledPortal, VERSION};

/// The answer.
pub fn run(accepted: &Accepted, enabled: &[EnabledPortal]) -> Value {
    let on = enabled.iter().any(|p| p.origin == accepted.origin);
    policy::status(&accepted.request.id, VERSION, on)
}
