//! Confirmations in a window the extension owns: nothing a page asks is done until the person
//! says yes there.
//!
//! [`ask`] opens `confirm.html?c=<n>` as a popup window and waits for one of: the page's
//! answer ([`from_page`]), the window closed ([`window_closed`]: cancelled), or
//! [`USER_TIMEOUT_MS`] (the window is closed, `user_timeout`). One confirmation per portal at a
//! time (`action_pending` for a second). The waiting requests live in the background's memory:
//! a background the browser stops meanwhile (Chromium may, after 5 minutes) answers nothing,
//! and the page's own deadline says so.

use super::popups;
use crate::browser::{self, to_js};
use futures_channel::oneshot;
use serde_json::json;
use sesame_core::bridge::{BridgeError, EnabledPortal, USER_TIMEOUT_MS};
use std::cell::RefCell;
use wasm_bindgen::JsValue;

/// What the person is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// Let this origin use Sésame (and make its bookmark if `bookmark`).
    Enable {
        /// Also make the bookmark.
        bookmark: bool,
    },
    /// Make the bookmark of an enabled portal.
    Bookmark,
}

impl Ask {
    fn as_str(self) -> &'static str {
        match self {
            Ask::Enable { bookmark: false } => "enable",
            Ask::Enable { bookmark: true } => "enable-bookmark",
            Ask::Bookmark => "bookmark",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Accepted,
    Cancelled,
    TimedOut,
}

struct Pending {
    number: u32,
    window: Option<f64>,
    ask: Ask,
    origin: String,
    claimed_name: Option<String>,
    reply: oneshot::Sender<Outcome>,
}

thread_local! {
    static PENDING: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
}

/// Ends confirmation `number` with `outcome`; its window, if `close`.
fn settle(number: u32, outcome: Outcome, close: bool) {
    let taken = PENDING.with(|p| {
        let mut p = p.borrow_mut();
        let i = p.iter().position(|x| x.number == number)?;
        Some(p.remove(i))
    });
    if let Some(pending) = taken {
        let _ = pending.reply.send(outcome);
        if close {
            popups::close(pending.window);
        }
    }
}

/// Asks the person; `Ok` if they said yes. `claimed_name` is the name the page gave (shown as
/// what the site calls itself, beside the origin from the browser).
pub async fn ask(
    ask: Ask,
    portal: &EnabledPortal,
    claimed_name: Option<&str>,
) -> Result<(), BridgeError> {
    let origin = portal.origin.as_str().to_owned();
    let busy = PENDING.with(|p| p.borrow().iter().any(|x| x.origin == origin));
    if busy {
        return Err(BridgeError::ActionPending);
    }
    let number = popups::next_number();
    let (reply, answer) = oneshot::channel();
    PENDING.with(|p| {
        p.borrow_mut().push(Pending {
            number,
            window: None,
            ask,
            origin,
            claimed_name: claimed_name.map(str::to_owned),
            reply,
        })
    });
    match popups::open("confirm.html", number, 460).await {
        Ok(id) => PENDING.with(|p| {
            if let Some(x) = p.borrow_mut().iter_mut().find(|x| x.number == number) {
                x.window = id;
            }
        }),
        Err(e) => {
            settle(number, Outcome::Cancelled, false);
            return Err(e);
        }
    }
    wasm_bindgen_futures::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(USER_TIMEOUT_MS).await;
        settle(number, Outcome::TimedOut, true);
    });
    match answer.await {
        Ok(Outcome::Accepted) => Ok(()),
        Ok(Outcome::TimedOut) => Err(BridgeError::UserTimeout),
        Ok(Outcome::Cancelled) | Err(_) => Err(BridgeError::UserCancelled),
    }
}

/// A window closed: the confirmation shown there, if any, is cancelled.
pub fn window_closed(window: f64) {
    let number = PENDING.with(|p| {
        p.borrow()
            .iter()
            .find(|x| x.window == Some(window))
            .map(|x| x.number)
    });
    if let Some(number) = number {
        settle(number, Outcome::Cancelled, false);
    }
}

/// A message from the confirmation page: `{kind: "confirm-details", c}` gets what to show;
/// `{kind: "confirm-answer", c, accepted}` settles it (and closes the window).
pub fn from_page(message: &JsValue) -> JsValue {
    let kind = browser::string_member(message, "kind").unwrap_or_default();
    let number = browser::number_member(message, "c").unwrap_or(0.0) as u32;
    match kind.as_str() {
        "confirm-details" => {
            let details = PENDING.with(|p| {
                p.borrow().iter().find(|x| x.number == number).map(|x| {
                    json!({
                        "found": true,
                        "ask": x.ask.as_str(),
                        "origin": x.origin,
                        "name": x.claimed_name,
                    })
                })
            });
            to_js(&details.unwrap_or_else(|| json!({ "found": false })))
        }
        "confirm-answer" => {
            let accepted = js_sys::Reflect::get(message, &"accepted".into())
                .ok()
                .and_then(|a| a.as_bool())
                .unwrap_or(false);
            let outcome = if accepted {
                Outcome::Accepted
            } else {
                Outcome::Cancelled
            };
            settle(number, outcome, true);
            to_js(&json!({ "ok": true }))
        }
        _ => to_js(&json!({ "ok": false })),
    }
}
