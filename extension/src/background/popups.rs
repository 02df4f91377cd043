//! The extension's own windows (the confirmation, the PIN entry): each request gets a number,
//! its page is opened as a popup with `?c=<number>` and finds its request by it.

use crate::browser::{self, to_js};
use serde_json::json;
use sesame_core::bridge::BridgeError;
use std::cell::Cell;

thread_local! {
    static NEXT: Cell<u32> = const { Cell::new(1) };
}

/// A new request number, unique in this background's life (both kinds of window share them).
pub fn next_number() -> u32 {
    NEXT.with(|n| {
        let v = n.get();
        n.set(v.wrapping_add(1));
        v
    })
}

/// Opens the extension's `page` for request `number` as a popup `height` pixels high; the
/// window's id (when the browser gives one), or `browser_refused`.
pub async fn open(page: &str, number: u32, height: u32) -> Result<Option<f64>, BridgeError> {
    let url = browser::runtime_get_url(&format!("{page}?c={number}"));
    let spec = json!({ "url": url, "type": "popup", "width": 520, "height": height });
    match browser::windows_create(&to_js(&spec)).await {
        Ok(window) => Ok(browser::number_member(&window, "id")),
        Err(_) => Err(BridgeError::BrowserRefused),
    }
}

/// Closes a window, in the background (a window already gone is fine).
pub fn close(window: Option<f64>) {
    if let Some(window) = window {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = browser::windows_remove(window).await;
        });
    }
}
