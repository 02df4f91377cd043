//! `sesame:add-bookmark`: a bookmark to an enabled portal, after the person confirms; never a
//! duplicate (an existing bookmark is answered `created: false`, with no window).

use crate::background::confirmations::{self, Ask};
use crate::policy::{self, Accepted};
use crate::shortcuts;
use serde_json::{json, Value};
use sesame_core::bridge::{BridgeError, EnabledPortal};

/// Carries it out. The portal is enabled: the policy checked it.
pub async fn run(accepted: Accepted, enabled: Vec<EnabledPortal>) -> Value {
    let action = accepted.request.action;
    let id = &accepted.request.id;
    let Some(portal) = enabled.into_iter().find(|p| p.origin == accepted.origin) else {
        return policy::failure(action.as_str(), id, BridgeError::OriginNotAllowed);
    };
    let answer = |created: bool| {
        policy::success(
            action,
            id,
            json!({ "enabled": true, "bookmarked": created, "created": created }),
        )
    };
    match shortcuts::bookmark_count(&portal.start_url).await {
        Ok(0) => {}
        Ok(_) => return answer(false),
        Err(_) => return policy::failure(action.as_str(), id, BridgeError::BrowserRefused),
    }
    if let Err(e) =
        confirmations::ask(Ask::Bookmark, &portal, accepted.request.name.as_deref()).await
    {
        return policy::failure(action.as_str(), id, e);
    }
    match shortcuts::ensure_bookmark(&portal).await {
        Ok(created) => answer(created),
        Err(_) => policy::failure(action.as_str(), id, BridgeError::BrowserRefused),
    }
}
