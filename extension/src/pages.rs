//! The extension's pages, in Yew: the popup ([`popup`]), the options and diagnostics page
//! ([`options`]) and the confirmation window ([`confirm`]); [`portal_list`] is the list of
//! enabled portals with their shortcut buttons, shared by the popup and the options page.

pub mod confirm;
pub mod options;
pub mod popup;
pub mod portal_list;

use sesame_core::Lang;

/// The person's language: the browser's.
pub fn lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|tag| Lang::from_tag(&tag))
        .unwrap_or_default()
}

/// Renders page `which` into `#app` and sets the document's language.
pub fn start(which: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("lang", lang().tag());
    }
    let Some(root) = document.get_element_by_id("app") else {
        return;
    };
    root.set_inner_html("");
    match which {
        "popup" => {
            yew::Renderer::<popup::Popup>::with_root(root).render();
        }
        "options" => {
            yew::Renderer::<options::Options>::with_root(root).render();
        }
        "confirm" => {
            yew::Renderer::<confirm::Confirm>::with_root(root).render();
        }
        _ => {}
    }
}
