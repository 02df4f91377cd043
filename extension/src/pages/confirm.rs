//! The confirmation window: what a page asks, with the origin the browser gave (and the name
//! the page claims, marked as such); "allow" or "cancel".

use super::dom::{self, add, attr, button, el, text};
use crate::texts::T;
use serde_json::{json, Value};
use sesame_core::Lang;
use wasm_bindgen_futures::spawn_local;
use web_sys::Element;

fn ask(body: &Element, details: &Value, lang: Lang) {
    let (question, yes) = match details["ask"].as_str() {
        Some("enable-bookmark") => (T::ConfirmEnableBookmark, T::AllowAndBookmark),
        Some("bookmark") => (T::ConfirmBookmark, T::AddTheBookmark),
        _ => (T::ConfirmEnable, T::Allow),
    };
    let origin = details["origin"].as_str().unwrap_or_default();
    let _ = body.append_child(&text("p", question.get(lang)));
    let _ = body.append_child(&add(
        attr(el("p"), "class", "origin"),
        &[&text("strong", origin)],
    ));
    if let Some(name) = details["name"].as_str() {
        let claimed = T::PresentsItselfAs.get(lang).replacen("{}", name, 1);
        let _ = body.append_child(&text("p", &claimed));
    }
    let yes = attr(
        attr(button(yes.get(lang), "yes", None), "id", "confirm-yes"),
        "class",
        "primary",
    );
    let no = attr(
        attr(button(T::Cancel.get(lang), "no", None), "id", "confirm-no"),
        "class",
        "secondary",
    );
    let _ = body.append_child(&add(attr(el("div"), "class", "actions"), &[&yes, &no]));
    // Not on "allow": a page can open this window without the person asking, and an Enter
    // meant for something else must not say yes.
    dom::focus(body, "#confirm-no");
}

/// Builds the confirmation window into `root`.
pub fn build(root: &Element, lang: Lang) {
    let _ = root.append_child(&text("h1", T::ConfirmTitle.get(lang)));
    let body = el("div");
    let _ = root.append_child(&body);
    let body_ = body.clone();
    spawn_local(async move {
        match dom::ask_background(json!({"kind": "confirm-details", "c": dom::request_number()}))
            .await
        {
            Some(d) if d["found"] == true => ask(&body_, &d, lang),
            _ => {
                let _ =
                    body_.append_child(&attr(text("p", T::RequestGone.get(lang)), "role", "alert"));
            }
        }
    });
    dom::on_click(&body, move |does, _| {
        let accepted = does == "yes";
        spawn_local(async move {
            dom::ask_background(
                json!({"kind": "confirm-answer", "c": dom::request_number(), "accepted": accepted}),
            )
            .await;
        });
    });
}
