//! One module per page action, each an async function from the accepted request to the
//! answer (Web eID's `background/actions/`). The dispatcher is [`run`].

pub mod add_bookmark;
pub mod cps_login;
pub mod enable_portal;
pub mod status;

use crate::policy::Accepted;
use serde_json::Value;
use sesame_core::bridge::{Action, EnabledPortal};

/// Carries out an accepted request; the answer to send to the page.
pub async fn run(accepted: Accepted, enabled: Vec<EnabledPortal>) -> Value {
    match accepted.request.action {
        Action::Status => status::run(&accepted, &enabled),
        Action::EnablePortal => enable_portal::run(accepted, enabled).await,
        Action::AddBookmark => add_bookmark::run(accepted, enabled).await,
        Action::CpsLogin => cps_login::run(accepted).await,
    }
}
