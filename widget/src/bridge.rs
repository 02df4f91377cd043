//! The page side of the extension bridge (`sesame_core::bridge`): one request posted to the
//! page's own window, where the extension's content script picks it up.
//!
//! [`ask`] posts `{action, id, …}` to `location.origin`, then waits for the content script's
//! ack ([`ACK_TIMEOUT_MS`]: none means the extension is not there) and for the answer (its own
//! deadline). Only answers from this window, with this request's id, count. No console error
//! when the extension is absent: a message nobody reads is not an error.

use crate::api::{object, Js};
use js_sys::{Promise, Reflect};
use sesame_core::bridge::{Action, BridgeError, ACK_TIMEOUT_MS};
use sesame_core::wire::JsonValue;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// What the page asks: the action and its fields.
pub struct Ask<'a> {
    /// The action.
    pub action: Action,
    /// The portal's name, shown in the extension's window as what the site calls itself.
    pub name: Option<&'a str>,
    /// `enable-portal`: also make the bookmark.
    pub bookmark: bool,
    /// `cps-login`: the portal's one-time nonce.
    pub nonce: Option<&'a str>,
    /// How long to wait for the answer after the ack, in ms.
    pub answer_ms: u32,
}

struct Waiter {
    resolve: Option<js_sys::Function>,
    listener: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
    timer: Option<gloo_timers::callback::Timeout>,
}

/// Ends the wait with `value` (the answer object, or a failure code as a string).
fn settle(waiter: &RefCell<Waiter>, value: &JsValue) {
    if let Some(resolve) = &waiter.borrow().resolve {
        let _ = resolve.call1(&JsValue::NULL, value);
    }
}

/// Sends `ask` and waits: the `-success` answer, or why not.
pub async fn ask(ask: Ask<'_>) -> Result<Js, BridgeError> {
    let window = web_sys::window().ok_or(BridgeError::ExtensionUnavailable)?;
    let origin = window
        .location()
        .origin()
        .map_err(|_| BridgeError::ExtensionUnavailable)?;
    // Written by the browser (`Number.prototype.toString`): Rust's integer formatting would
    // bring its code into the wasm for this one use.
    let id = NEXT_ID.with(|n| {
        n.set(n.get() + 1);
        let mut id = String::from("sesame-");
        id.push_str(&String::from(
            js_sys::Number::from(n.get())
                .to_string_with_radix(36)
                .unwrap_or_default(),
        ));
        id
    });
    let name = ask.action.as_str();
    let mut fields = vec![("action", name), ("id", id.as_str())];
    if let Some(n) = ask.name {
        fields.push(("name", n));
    }
    if let Some(n) = ask.nonce {
        fields.push(("nonce", n));
    }
    let message = object(&fields);
    if ask.bookmark {
        let _ = Reflect::set(&message, &JsValue::from_str("bookmark"), &true.into());
    }

    let waiter: Rc<RefCell<Waiter>> = Rc::new(RefCell::new(Waiter {
        resolve: None,
        listener: None,
        timer: None,
    }));
    let promise = Promise::new(&mut |resolve, _| waiter.borrow_mut().resolve = Some(resolve));
    let deadline = |ms: u32, code: BridgeError| {
        let w = waiter.clone();
        gloo_timers::callback::Timeout::new(ms, move || {
            settle(&w, &JsValue::from_str(code.as_str()))
        })
    };
    waiter.borrow_mut().timer = Some(deadline(ACK_TIMEOUT_MS, BridgeError::ExtensionUnavailable));
    let listener = {
        let (w, win, id) = (waiter.clone(), window.clone(), id.clone());
        let acked = Rc::new(Cell::new(false));
        let answer_ms = ask.answer_ms;
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let from_here = event
                .source()
                .and_then(|s| s.dyn_into::<web_sys::Window>().ok())
                .is_some_and(|s| s == win);
            let data = Js(event.data());
            if !from_here || data.member("id").and_then(|i| i.string()).as_deref() != Some(&id) {
                return;
            }
            let Some(action) = data.member("action").and_then(|a| a.string()) else {
                return;
            };
            match action.strip_prefix(name) {
                Some("-ack") if !acked.replace(true) => {
                    let w2 = w.clone();
                    w.borrow_mut().timer =
                        Some(gloo_timers::callback::Timeout::new(answer_ms, move || {
                            settle(&w2, &BridgeError::ActionTimeout.as_str().into())
                        }));
                }
                Some("-success") => settle(&w, &data.0),
                Some("-failure") => {
                    let code = data.member("code").and_then(|c| c.string());
                    settle(
                        &w,
                        &JsValue::from_str(code.as_deref().unwrap_or("unknown_error")),
                    );
                }
                _ => {}
            }
        })
    };
    let _ = window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    waiter.borrow_mut().listener = Some(listener);
    let _ = window.post_message(&message, &origin);

    let outcome = JsFuture::from(promise).await.unwrap_or(JsValue::NULL);
    let mut w = waiter.borrow_mut();
    w.timer = None;
    if let Some(listener) = w.listener.take() {
        let _ = window
            .remove_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
        // Dropped after this task: it may be the caller of `settle` right now.
        wasm_bindgen_futures::spawn_local(async move { drop(listener) });
    }
    match outcome.as_string() {
        Some(code) => Err(BridgeError::from_code(&code)),
        None => Ok(Js(outcome)),
    }
}
