//! The few DOM helpers the pages need: elements with text (never HTML), attributes, buttons
//! that carry what they do, and one delegated click listener per page.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .unwrap_or_else(|| unreachable!("extension pages have a document"))
}

/// A new `<tag>`.
pub fn el(tag: &str) -> Element {
    document()
        .create_element(tag)
        .unwrap_or_else(|_| unreachable!("valid tag names"))
}

/// A new `<tag>` holding `text` (as a text node).
pub fn text(tag: &str, text: &str) -> Element {
    let e = el(tag);
    e.set_text_content(Some(text));
    e
}

/// Sets attribute `name` on `e`; returns `e` for chaining.
pub fn attr(e: Element, name: &str, value: &str) -> Element {
    let _ = e.set_attribute(name, value);
    e
}

/// Appends each of `children` to `parent`; returns `parent`.
pub fn add(parent: Element, children: &[&Element]) -> Element {
    for c in children {
        let _ = parent.append_child(c);
    }
    parent
}

/// Removes every child of `e`.
pub fn clear(e: &Element) {
    e.set_text_content(None);
}

/// A `<button type="button">` with `label`, and what it does in `data-do` (and the portal it
/// concerns in `data-origin`, when it does).
pub fn button(label: &str, does: &str, origin: Option<&str>) -> Element {
    let b = attr(
        attr(text("button", label), "type", "button"),
        "data-do",
        does,
    );
    match origin {
        Some(o) => attr(b, "data-origin", o),
        None => b,
    }
}

/// Calls `f(does, origin)` for every click on a button with `data-do` inside `root`. The
/// listener lives as long as the page.
pub fn on_click(root: &Element, f: impl Fn(String, Option<String>) + 'static) {
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        let button = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button[data-do]").ok().flatten());
        if let Some(b) = button {
            if let Some(does) = b.get_attribute("data-do") {
                f(does, b.get_attribute("data-origin"));
            }
        }
    });
    let _ = root.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
    listener.forget();
}

/// Focuses the first element matching `css` inside `root`; whether there was one.
pub fn focus(root: &Element, css: &str) -> bool {
    match root.query_selector(css).ok().flatten() {
        Some(e) => e
            .dyn_into::<web_sys::HtmlElement>()
            .map(|h| h.focus().is_ok())
            .unwrap_or(false),
        None => false,
    }
}

/// The request number in a window's address (`?c=<n>`): which request of the background it
/// shows (see `background::popups`).
pub fn request_number() -> f64 {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok())
        .and_then(|p| p.get("c"))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0.0)
}

/// Sends `message` to the background and reads its answer as JSON.
pub async fn ask_background(message: serde_json::Value) -> Option<serde_json::Value> {
    let answer = crate::browser::runtime_send_message(&crate::browser::to_js(&message))
        .await
        .ok()?;
    crate::browser::from_js(&answer).map(|(_, v)| v)
}
