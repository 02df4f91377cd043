//! `sesame:enable-portal`: the person confirms in the extension's window that this origin may
//! use Sésame (and, if asked, gets its bookmark in the same confirmation).

use super::add_bookmark;
use crate::background::confirmations::{self, Ask};
use crate::policy::{self, Accepted};
use crate::{portals, shortcuts};
use serde_json::{json, Value};
use sesame_core::bridge::{BridgeError, EnabledPortal};

/// Carries it out.
pub async fn run(accepted: Accepted, mut enabled: Vec<EnabledPortal>) -> Value {
    let action = accepted.request.action.as_str();
    let id = accepted.request.id.clone();
    if enabled.iter().any(|p| p.origin == accepted.origin) {
        if accepted.request.bookmark {
            return add_bookmark::run(accepted, enabled).await;
        }
        return policy::success(
            accepted.request.action,
            &id,
            json!({ "enabled": true, "bookmarked": false }),
        );
    }
    let name = accepted
        .request
        .name
        .clone()
        .unwrap_or_else(|| accepted.origin.host().to_owned());
    let portal = EnabledPortal {
        origin: accepted.origin.clone(),
        name,
        start_url: accepted.start_url.clone(),
    };
    let ask = Ask::Enable {
        bookmark: accepted.request.bookmark,
    };
    if let Err(e) = confirmations::ask(ask, &portal, accepted.request.name.as_deref()).await {
        return policy::failure(action, &id, e);
    }
    portals::add(&mut enabled, portal.clone());
    if portals::save(&enabled).await.is_err() {
        return policy::failure(action, &id, BridgeError::BrowserRefused);
    }
    let bookmarked = if accepted.request.bookmark {
        match shortcuts::ensure_bookmark(&portal).await {
            Ok(created) => created,
            Err(_) => return policy::failure(action, &id, BridgeError::BrowserRefused),
        }
    } else {
        false
    };
    policy::success(
        accepted.request.action,
        &id,
        json!({ "enabled": true, "bookmarked": bookmarked }),
    )
}
