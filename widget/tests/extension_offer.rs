//! The extension offer in real browsers, against no extension, and against a page script that
//! answers as the extension's content script would (the extension itself is in the e2e tests).
//! Its own test binary, so its own page: in the same page as `web.rs`'s tests, an offer rendered
//! first left a later widget's language switch without a re-render in Chromium (not seen in the
//! demo page, where the switch works after the offer: a test-page interaction still to explain).
#![cfg(target_arch = "wasm32")]

use sesame_core::bridge::BridgeError;
use sesame_core::Lang;
use sesame_widget::components::extension_offer::{use_extension_offer, ExtensionOfferProps};
use sesame_widget::dom;
use sesame_widget::view;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

mod common;

use common::{container, settle, wait_for};

wasm_bindgen_test_configure!(run_in_browser);

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Renders the offer (destroyed at the end of each test).
fn render(root: &Element) -> view::App {
    let props = ExtensionOfferProps {
        install: "/install".into(),
        portal: "SPICO".into(),
        lang: Lang::Fr,
    };
    view::mount(root, move || use_extension_offer(&props))
}

#[wasm_bindgen_test]
async fn nobody_answers_so_it_says_how_to_install() {
    let root = container();
    let app = render(&root);
    let link = wait_for(&root, &dom::class(dom::class::EXTENSION_INSTALL)).await;
    assert_eq!(link.get_attribute("href").as_deref(), Some("/install"));
    assert!(root
        .query_selector(&dom::action(dom::action::ADD_BOOKMARK))
        .unwrap()
        .is_none());
    app.destroy();
}

#[wasm_bindgen_test]
async fn a_newer_extension_names_the_page_as_the_part_to_update() {
    // Answers every `sesame:status` as an extension of version 99.0.0 would.
    let window = web_sys::window().unwrap();
    let win = window.clone();
    let responder =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = e.data();
            let get = |k: &str| {
                js_sys::Reflect::get(&data, &k.into())
                    .ok()
                    .and_then(|v| v.as_string())
            };
            if get("action").as_deref() != Some("sesame:status") {
                return;
            }
            let id = get("id").unwrap_or_default();
            let origin = win.location().origin().unwrap();
            for (suffix, extra) in [("-ack", false), ("-success", true)] {
                let answer = js_sys::Object::new();
                let set =
                    |k: &str, v: JsValue| js_sys::Reflect::set(&answer, &k.into(), &v).unwrap();
                set("action", format!("sesame:status{suffix}").into());
                set("id", id.clone().into());
                if extra {
                    set("version", "99.0.0".into());
                    set("enabled", true.into());
                }
                win.post_message(&answer, &origin).unwrap();
            }
        });
    window
        .add_event_listener_with_callback("message", responder.as_ref().unchecked_ref())
        .unwrap();
    let root = container();
    let app = render(&root);
    let expected = BridgeError::PageOutdated.text(Lang::Fr);
    let status = "[role=\"status\"]";
    for _ in 0..500 {
        let shown = root.query_selector(status).unwrap();
        if shown.and_then(|s| s.text_content()).as_deref() == Some(expected) {
            break;
        }
        settle().await;
    }
    window
        .remove_event_listener_with_callback("message", responder.as_ref().unchecked_ref())
        .unwrap();
    assert_eq!(text(&root, status), expected);
    assert!(
        root.query_selector(&dom::action(dom::action::ADD_BOOKMARK))
            .unwrap()
            .is_none(),
        "no bookmark button when the versions do not match"
    );
    app.destroy();
}
