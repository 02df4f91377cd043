//! The background: the page bridge's answers, the keyboard commands, the confirmations.
//!
//! `background.js` registers the listeners synchronously (an MV3 background is woken for
//! them) and hands each event here once the wasm is ready. Messages come from two kinds of
//! sender: pages, through the content script ([`handle_message`] → [`policy::decide`] → one
//! module of [`actions`] per action), and the extension's own windows: the confirmation
//! ([`confirmations`]) and the CPS card's PIN entry ([`pin_window`]).

pub mod actions;
pub mod confirmations;
pub mod pin_window;
pub mod popups;

use crate::browser::{self, from_js, to_js};
use crate::policy::{self, Decision, Sender};
use crate::portals;
use sesame_core::bridge::{self, BridgeError};
use wasm_bindgen::prelude::*;

/// Answers one `runtime.onMessage` event: a page's request relayed by the content script, or
/// a message from one of the extension's pages.
#[wasm_bindgen]
pub async fn handle_message(message: JsValue, sender: JsValue) -> JsValue {
    let own_pages = browser::runtime_get_url("");
    let sender_url = browser::string_member(&sender, "url");
    let our_id = browser::RUNTIME_ID
        .with(|id| id.as_string())
        .unwrap_or_default();
    let sender_id = browser::string_member(&sender, "id");
    if sender_id.as_deref() == Some(our_id.as_str())
        && sender_url
            .as_deref()
            .is_some_and(|u| u.starts_with(&own_pages))
    {
        if pin_window::is_for_me(&message) {
            return pin_window::from_page(&message).await;
        }
        return confirmations::from_page(&message);
    }
    let Some((len, json)) = from_js(&message) else {
        return to_js(&policy::failure(
            "sesame:unknown",
            "",
            BridgeError::MalformedMessage,
        ));
    };
    let sender = Sender {
        extension_id: sender_id,
        url: sender_url,
        frame_id: browser::number_member(&sender, "frameId").map(|f| f as i64),
        in_tab: js_sys::Reflect::get(&sender, &"tab".into()).is_ok_and(|t| t.is_object()),
    };
    if len > bridge::MAX_MESSAGE_BYTES {
        // Not parsed further than needed to address the failure.
        let d = policy::decide(&json, len, &sender, &our_id, &[]);
        if let Decision::Answer(v) = d {
            return to_js(&v);
        }
    }
    let enabled = portals::load().await;
    let answer = match policy::decide(&json, len, &sender, &our_id, &enabled) {
        Decision::Answer(v) => v,
        Decision::Carry(accepted) => actions::run(accepted, enabled).await,
    };
    to_js(&answer)
}

/// Answers a keyboard command: `open-portal-<n>` focuses or opens the n-th enabled portal.
#[wasm_bindgen]
pub async fn handle_command(command: String) {
    let enabled = portals::load().await;
    if let Some(portal) = bridge::portal_for_command(&command, &enabled) {
        let _ = crate::shortcuts::open_portal(portal).await;
    }
}

/// A window was closed: a confirmation or PIN entry still waiting there counts as cancelled.
#[wasm_bindgen]
pub fn window_closed(window_id: f64) {
    confirmations::window_closed(window_id);
    pin_window::window_closed(window_id);
}
