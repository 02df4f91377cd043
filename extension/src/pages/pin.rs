//! The PIN window: the origin that asks (from the browser), the certificate that will answer
//! (holder, RPPS number, end of validity — the seeds' "confirm the certificate"), the tries
//! left, and the PIN field (4–8 digits). A wrong PIN is said here with the tries left and the
//! field is offered again; a blocked card is a final message with only "close".
//!
//! The PIN is read from the field when "confirm" is pressed, sent once to the background
//! (`pin-submit`), and the field emptied at once.

use super::dom::{self, add, attr, button, el, text};
use crate::texts::T;
use serde_json::{json, Value};
use sesame_core::host::{check_pin, HostError};
use sesame_core::{Lang, Secret};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlInputElement};

fn fact(list: &Element, term: &str, value: &str) {
    let _ = list.append_child(&text("dt", term));
    let _ = list.append_child(&text("dd", value));
}

fn tries_text(lang: Lang, tries: u64) -> String {
    T::TriesLeft.get(lang).replacen("{}", &tries.to_string(), 1)
}

/// Says `message` in the alert region (replacing what was there).
fn alert(root: &Element, message: &str) {
    if let Some(a) = root.query_selector("#pin-alert").ok().flatten() {
        a.set_text_content(Some(message));
    }
}

fn status(root: &Element, message: &str) {
    if let Some(a) = root.query_selector("#pin-status").ok().flatten() {
        a.set_text_content(Some(message));
    }
}

fn input(root: &Element) -> Option<HtmlInputElement> {
    root.query_selector("#pin-code")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
}

fn set_busy(root: &Element, busy: bool) {
    if let Some(b) = root.query_selector("#pin-submit").ok().flatten() {
        let _ = if busy {
            b.set_attribute("aria-disabled", "true")
        } else {
            b.remove_attribute("aria-disabled")
        };
    }
}

/// The card's final word: the message, the form gone, only "close" (focused).
fn finish(root: &Element, message: &str, lang: Lang) {
    if let Some(form) = root.query_selector("form").ok().flatten() {
        form.remove();
    }
    if root.query_selector("#pin-alert").ok().flatten().is_none() {
        let _ = root.append_child(&attr(attr(el("p"), "id", "pin-alert"), "role", "alert"));
    }
    alert(root, message);
    let close = attr(
        attr(button(T::Close.get(lang), "close", None), "id", "pin-close"),
        "class",
        "primary",
    );
    let _ = root.append_child(&add(attr(el("div"), "class", "actions"), &[&close]));
    dom::focus(root, "#pin-close");
}

fn cancel_button(lang: Lang) -> Element {
    attr(
        attr(
            button(T::Cancel.get(lang), "cancel", None),
            "id",
            "pin-cancel",
        ),
        "class",
        "secondary",
    )
}

fn show(root: &Element, d: &Value, lang: Lang) {
    let _ = root.append_child(&text("p", T::PinAsks.get(lang)));
    let _ = root.append_child(&add(
        attr(el("p"), "class", "origin"),
        &[&attr(
            text("strong", d["origin"].as_str().unwrap_or_default()),
            "id",
            "pin-origin",
        )],
    ));
    let _ = root.append_child(&text("p", T::PinCheckOrigin.get(lang)));
    let facts = attr(el("dl"), "class", "facts");
    fact(
        &facts,
        T::Holder.get(lang),
        d["holder"].as_str().unwrap_or_default(),
    );
    if let Some(rpps) = d["rpps"].as_str() {
        fact(&facts, T::Rpps.get(lang), rpps);
    }
    fact(
        &facts,
        T::ValidUntil.get(lang),
        d["valid_until"].as_str().unwrap_or_default(),
    );
    let _ = root.append_child(&attr(facts, "id", "pin-certificate"));

    let alert_region = attr(attr(el("p"), "id", "pin-alert"), "role", "alert");
    let _ = alert_region.set_attribute("class", "said");
    let _ = root.append_child(&alert_region);
    let status_region = attr(
        attr(attr(el("p"), "id", "pin-status"), "role", "status"),
        "class",
        "said",
    );
    let _ = root.append_child(&status_region);

    if d["pin_pad"] == true {
        let _ = root.append_child(&text("p", T::PinPad.get(lang)));
        let cancel = cancel_button(lang);
        let _ = root.append_child(&add(attr(el("div"), "class", "actions"), &[&cancel]));
        dom::focus(root, "#pin-cancel");
        return;
    }

    let form = attr(el("form"), "novalidate", "");
    let label = attr(text("label", T::PinLabel.get(lang)), "for", "pin-code");
    let hint = attr(text("p", T::PinHint.get(lang)), "id", "pin-hint");
    let mut described = String::from("pin-hint");
    let tries = attr(el("p"), "id", "pin-tries");
    if let Some(n) = d["tries_left"].as_u64() {
        tries.set_text_content(Some(&tries_text(lang, n)));
        described.push_str(" pin-tries");
    }
    let field = el("input");
    for (k, v) in [
        ("id", "pin-code"),
        ("type", "password"),
        ("inputmode", "numeric"),
        ("autocomplete", "off"),
        ("maxlength", "8"),
        ("aria-describedby", described.as_str()),
        ("aria-errormessage", "pin-alert"),
    ] {
        let _ = field.set_attribute(k, v);
    }
    let submit = attr(
        attr(
            attr(text("button", T::PinSubmit.get(lang)), "type", "submit"),
            "id",
            "pin-submit",
        ),
        "class",
        "primary",
    );
    let cancel = cancel_button(lang);
    let form = add(
        form,
        &[
            &label,
            &hint,
            &tries,
            &field,
            &add(attr(el("div"), "class", "actions"), &[&submit, &cancel]),
        ],
    );
    let _ = root.append_child(&form);
    dom::focus(root, "#pin-code");
    // For `cargo xtask bench` (the machine's part of a card login, the person's excluded):
    // a User Timing mark, visible only to this window's own scripts and DevTools.
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("sesame-pin-ready");
    }

    let root_ = root.clone();
    let on_submit = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        let root = root_.clone();
        let Some(field) = input(&root) else { return };
        if root
            .query_selector("#pin-submit[aria-disabled]")
            .ok()
            .flatten()
            .is_some()
        {
            return; // already sent: one PIN at a time
        }
        let pin = Secret::new(field.value());
        field.set_value("");
        if check_pin(&pin).is_err() {
            let _ = field.set_attribute("aria-invalid", "true");
            alert(&root, T::PinFormat.get(lang));
            let _ = field.focus();
            return;
        }
        let _ = field.remove_attribute("aria-invalid");
        alert(&root, "");
        status(&root, T::PinSigning.get(lang));
        set_busy(&root, true);
        spawn_local(async move {
            let message =
                json!({"kind": "pin-submit", "c": dom::request_number(), "pin": pin.expose()});
            drop(pin);
            let verdict = dom::ask_background(message)
                .await
                .unwrap_or_else(|| json!({ "found": false }));
            set_busy(&root, false);
            status(&root, "");
            if verdict["ok"] == true {
                status(&root, T::PinSigned.get(lang));
                return;
            }
            if verdict["found"] == false {
                finish(&root, T::RequestGone.get(lang), lang);
                return;
            }
            let error: HostError =
                serde_json::from_value(verdict.clone()).unwrap_or(HostError::UnknownError);
            if verdict["final"] == true {
                finish(&root, &error.text(lang), lang);
                return;
            }
            if let HostError::PinIncorrect {
                tries_left: Some(n),
            } = error
            {
                if let Some(t) = root.query_selector("#pin-tries").ok().flatten() {
                    t.set_text_content(Some(&tries_text(lang, n.into())));
                }
            }
            alert(&root, &error.text(lang));
            if let Some(field) = input(&root) {
                let _ = field.set_attribute("aria-invalid", "true");
                let _ = field.focus();
            }
        });
    });
    let _ = form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
    on_submit.forget();
}

/// Builds the PIN window into `root`.
pub fn build(root: &Element, lang: Lang) {
    let _ = root.append_child(&text("h1", T::PinTitle.get(lang)));
    let body = el("div");
    let _ = root.append_child(&body);
    let body_ = body.clone();
    spawn_local(async move {
        match dom::ask_background(json!({"kind": "pin-details", "c": dom::request_number()})).await
        {
            Some(d) if d["found"] == true => show(&body_, &d, lang),
            _ => finish(&body_, T::RequestGone.get(lang), lang),
        }
    });
    dom::on_click(&body, move |does, _| match does.as_str() {
        "cancel" => {
            spawn_local(async move {
                dom::ask_background(json!({"kind": "pin-cancel", "c": dom::request_number()}))
                    .await;
            });
        }
        "close" => {
            if let Some(w) = web_sys::window() {
                let _ = w.close();
            }
        }
        _ => {}
    });
}
