//! What the widget's browser test files share: a container to render into, a pause for the
//! widget to render, waiting for an element.
// Not every test file uses every helper.
#![allow(dead_code)]

use web_sys::Element;

/// A new `<div>` at the end of the page's body.
pub(crate) fn container() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div
}

/// Lets the widget render.
pub(crate) async fn settle() {
    sleep(20).await;
}

/// Waits `ms` milliseconds.
pub(crate) async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Waits (up to 10 s) until `selector` matches in `root`.
pub(crate) async fn wait_for(root: &Element, selector: &str) -> Element {
    for _ in 0..500 {
        if let Some(el) = root.query_selector(selector).unwrap() {
            return el;
        }
        settle().await;
    }
    panic!("{selector} never appeared; HTML: {}", root.inner_html());
}

/// The English texts, as the loader hands them to the widget (English on demand: the wasm holds
/// the French ones only). `widget/assets/sesame-en.json` is kept up to date by `cargo test -p
/// xtask`.
pub(crate) fn english_table() -> wasm_bindgen::JsValue {
    js_sys::JSON::parse(include_str!("../../assets/sesame-en.json")).unwrap()
}

/// Installs the English texts.
pub(crate) fn english() {
    assert!(sesame_widget::english(english_table()));
}
