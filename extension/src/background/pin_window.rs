//! The PIN window: where the holder sees who asks (the origin from the browser) and which
//! certificate will answer, and types the card's PIN — never in the page.
//!
//! [`PinWindow::open`] opens `pin.html?c=<n>` as a popup; the page asks for what to show
//! (`{kind: "pin-details", c}`) and sends each PIN typed (`{kind: "pin-submit", c, pin}`),
//! waiting for the verdict as the answer to its message, so that a wrong PIN is said in the
//! window with the tries left and the field is offered again. [`PinWindow::next`] gives the
//! CPS-login action each event: a PIN (with where to send the verdict), the window closed, or
//! [`USER_TIMEOUT_MS`] gone by. One PIN window per portal at a time.
//!
//! The PIN goes from the window's field to the background in one extension message and from
//! there to the host; it is held as a [`Secret`] (redacted in `Debug`, zeroed on drop) and
//! never logged.

use super::popups;
use crate::browser::{self, to_js};
use futures_channel::{mpsc, oneshot};
use futures_util::StreamExt;
use serde_json::{json, Value};
use sesame_core::bridge::{BridgeError, USER_TIMEOUT_MS};
use sesame_core::Secret;
use std::cell::RefCell;
use wasm_bindgen::JsValue;

/// What happened in the window.
pub enum PinEvent {
    /// A PIN was typed; send the verdict (`{ok: true}` or `{error, text, tries_left?, final}`)
    /// on the sender.
    Pin(Secret, oneshot::Sender<Value>),
    /// The window was closed, or "cancel" pressed.
    Cancelled,
    /// Nobody answered in time (the window is closed).
    TimedOut,
}

struct Pending {
    number: u32,
    window: Option<f64>,
    origin: String,
    details: Value,
    events: mpsc::UnboundedSender<PinEvent>,
}

thread_local! {
    static PENDING: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
}

/// An open PIN window; dropping it forgets it (and closes the window if still open).
pub struct PinWindow {
    number: u32,
    events: mpsc::UnboundedReceiver<PinEvent>,
}

fn take(number: u32) -> Option<Pending> {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        let i = p.iter().position(|x| x.number == number)?;
        Some(p.remove(i))
    })
}

fn send(number: u32, event: PinEvent) {
    PENDING.with(|p| {
        if let Some(x) = p.borrow().iter().find(|x| x.number == number) {
            let _ = x.events.unbounded_send(event);
        }
    });
}

impl PinWindow {
    /// Opens the window for `origin`, showing `details` (origin, holder, certificate, tries
    /// left, PIN pad). `action_pending` when one is open for that origin already.
    pub async fn open(origin: &str, details: Value) -> Result<PinWindow, BridgeError> {
        let busy = PENDING.with(|p| p.borrow().iter().any(|x| x.origin == origin));
        if busy {
            return Err(BridgeError::ActionPending);
        }
        let number = popups::next_number();
        let (tx, events) = mpsc::unbounded();
        PENDING.with(|p| {
            p.borrow_mut().push(Pending {
                number,
                window: None,
                origin: origin.to_owned(),
                details,
                events: tx,
            })
        });
        match popups::open("pin.html", number, 560).await {
            Ok(id) => PENDING.with(|p| {
                if let Some(x) = p.borrow_mut().iter_mut().find(|x| x.number == number) {
                    x.window = id;
                }
            }),
            Err(e) => {
                take(number);
                return Err(e);
            }
        }
        wasm_bindgen_futures::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(USER_TIMEOUT_MS).await;
            send(number, PinEvent::TimedOut);
        });
        Ok(PinWindow { number, events })
    }

    /// The next thing the holder did.
    pub async fn next(&mut self) -> PinEvent {
        self.events.next().await.unwrap_or(PinEvent::Cancelled)
    }

    /// Leaves the window open on a final message it already shows (a blocked card), forgetting
    /// it: closing it then changes nothing.
    pub fn leave_open(self) {
        take(self.number);
        std::mem::forget(self);
    }
}

impl Drop for PinWindow {
    fn drop(&mut self) {
        if let Some(p) = take(self.number) {
            popups::close(p.window);
        }
    }
}

/// A window was closed: the PIN entry shown there, if any, is cancelled.
pub fn window_closed(window: f64) {
    let number = PENDING.with(|p| {
        p.borrow()
            .iter()
            .find(|x| x.window == Some(window))
            .map(|x| x.number)
    });
    if let Some(number) = number {
        send(number, PinEvent::Cancelled);
    }
}

/// Whether `message` is for the PIN window (`kind` starting with `pin-`).
pub fn is_for_me(message: &JsValue) -> bool {
    browser::string_member(message, "kind").is_some_and(|k| k.starts_with("pin-"))
}

/// A message from the PIN window: `pin-details` → what to show; `pin-submit` → the verdict
/// on that PIN; `pin-cancel` → cancelled.
pub async fn from_page(message: &JsValue) -> JsValue {
    let kind = browser::string_member(message, "kind").unwrap_or_default();
    let number = browser::number_member(message, "c").unwrap_or(0.0) as u32;
    let known = PENDING.with(|p| {
        p.borrow()
            .iter()
            .find(|x| x.number == number)
            .map(|x| x.details.clone())
    });
    let Some(details) = known else {
        return to_js(&json!({ "found": false }));
    };
    match kind.as_str() {
        "pin-details" => {
            let mut d = details;
            d["found"] = json!(true);
            to_js(&d)
        }
        "pin-submit" => {
            let pin = Secret::new(browser::string_member(message, "pin").unwrap_or_default());
            let (tx, verdict) = oneshot::channel();
            send(number, PinEvent::Pin(pin, tx));
            to_js(&verdict.await.unwrap_or_else(|_| json!({ "found": false })))
        }
        "pin-cancel" => {
            send(number, PinEvent::Cancelled);
            to_js(&json!({ "ok": true }))
        }
        _ => to_js(&json!({ "found": false })),
    }
}
