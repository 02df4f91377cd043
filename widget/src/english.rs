//! English on demand: the widget's wasm holds the French texts only (core's feature
//! `english-on-demand`); the English ones come from `sesame-en.json`, beside the bundle, which
//! the loader fetches once per page — when an element starts in English, or when a person
//! presses the language switch — and installs with [`english`]. Natively English is compiled
//! in and [`load`] has nothing to wait for.

use crate::api::Js;
use js_sys::{Function, Promise};
use sesame_core::i18n::{english_loaded, set_english};
use sesame_core::wire::JsonValue;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    /// The loader's `() => Promise`, which fetches the table and calls [`english`].
    static LOADER: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Installs the English texts: `table` is `sesame-en.json` parsed, `[[french, english], …]`.
/// Returns whether English is there now. Called by the loader; a Yew app that embeds the widget
/// calls it with the same file.
#[wasm_bindgen]
pub fn english(table: JsValue) -> bool {
    let text = |pair: &Js, i: usize| -> Option<&'static str> {
        let s = pair.items()?.get(i)?.string()?;
        Some(Box::leak(s.into_boxed_str()))
    };
    let pairs = Js(table)
        .items()
        .unwrap_or_default()
        .iter()
        .filter_map(|pair| Some((text(pair, 0)?, text(pair, 1)?)))
        .collect();
    set_english(pairs);
    english_loaded()
}

/// Remembers the loader's function that fetches the English texts (`mount`'s third argument;
/// anything else is ignored).
pub(crate) fn set_loader(loader: JsValue) {
    if let Ok(loader) = loader.dyn_into::<Function>() {
        LOADER.set(Some(loader));
    }
}

/// Whether English texts are there to show.
pub fn loaded() -> bool {
    english_loaded()
}

/// Fetches the English texts through the loader, if they are not there yet; whether they are
/// there afterwards (`false`: no loader, or the fetch failed).
pub(crate) async fn load() -> bool {
    if english_loaded() {
        return true;
    }
    let Some(loader) = LOADER.with_borrow(Clone::clone) else {
        return false;
    };
    if let Ok(promise) = loader.call0(&JsValue::UNDEFINED) {
        let _ = JsFuture::from(Promise::resolve(&promise)).await;
    }
    english_loaded()
}
