//! The extension's pages: the popup ([`popup`]), the options and diagnostics page
//! ([`options`]), the confirmation window ([`confirm`]) and the CPS card's PIN window
//! ([`pin`]); [`portal_list`] is the list of
//! enabled portals with their shortcut buttons, shared by the first two.
//!
//! Built with the DOM directly ([`dom`]), not Yew: three small pages do not need a virtual DOM,
//! and Yew's raw-HTML support brings an `innerHTML` assignment into the generated JavaScript,
//! which `web-ext lint` reports (addons.mozilla.org reviewers ask about each one). Text goes in
//! as text nodes only. Clicks are handled by one delegated listener per page, reading the
//! button's `data-do`.

#[cfg(target_arch = "wasm32")]
pub mod confirm;
#[cfg(target_arch = "wasm32")]
pub mod dom;
#[cfg(target_arch = "wasm32")]
pub mod options;
#[cfg(target_arch = "wasm32")]
pub mod pin;
#[cfg(target_arch = "wasm32")]
pub mod popup;
#[cfg(target_arch = "wasm32")]
pub mod portal_list;

use sesame_core::Lang;

/// The person's language: the browser's.
pub fn lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|tag| Lang::from_tag(&tag))
        .unwrap_or_default()
}

/// Builds page `which` into `#app` and sets the document's language.
#[cfg(target_arch = "wasm32")]
pub fn start(which: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lang = lang();
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("lang", lang.tag());
    }
    let Some(root) = document.get_element_by_id("app") else {
        return;
    };
    dom::clear(&root);
    match which {
        "popup" => popup::build(&root, lang),
        "options" => options::build(&root, lang),
        "confirm" => confirm::build(&root, lang),
        "pin" => pin::build(&root, lang),
        _ => {}
    }
}

/// Natively there is no page to build.
#[cfg(not(target_arch = "wasm32"))]
pub fn start(_: &str) {}
