//! # sesame-extension
//!
//! Sésame's browser extension (one Manifest V3 source for Firefox and Chromium; `cargo xtask
//! dist` writes the two manifests). Everything but two small loaders and the content-script
//! relay is here, in Rust:
//!
//! - [`background`] — answers the page bridge (`sesame:status`, `sesame:enable-portal`,
//!   `sesame:add-bookmark`, `sesame:cps-login`), one module per action, and the keyboard
//!   commands;
//! - [`policy`] — what the background decides from a message and its sender, pure and tested
//!   natively: validation, the origin policy, the answers;
//! - [`portals`] — the portals the person enabled, kept in `storage.local`;
//! - [`shortcuts`] — bookmarks (never a duplicate), desktop shortcut files, opening a portal;
//! - [`cps`] — the CPS-card login's decisions (what the PIN window shows, what each answer of
//!   the card means), pure; [`native`] — the native host over `runtime.connectNative`;
//! - [`pages`] — the popup, the options and diagnostics page, the confirmation window and the
//!   PIN window, built with the DOM (see there why not Yew);
//! - [`browser`] — the few WebExtension APIs used, bound by hand (see there why).
//!
//! **Architecture invariant:** the background judges a page by the URL the browser gives in
//! `sender.url`, never by anything in the message; a page gets nothing done without the
//! person's confirmation in a window the extension owns.

pub mod browser;
pub mod cps;
#[cfg(target_arch = "wasm32")]
pub mod native;
pub mod pages;
pub mod policy;
pub mod portals;
pub mod shortcuts;
pub mod texts;

#[cfg(target_arch = "wasm32")]
pub mod background;

use wasm_bindgen::prelude::*;

/// Starts one of the extension's pages (`popup`, `options`, `confirm`) in its `#app` element.
#[wasm_bindgen]
pub fn start_page(which: &str) {
    pages::start(which);
}
