//! The native host (`sesame-host`, CPS card over PKCS#11), seen from the extension: one
//! [`Connection`] per card operation, through `runtime.connectNative`.
//!
//! [`Connection::open`] starts the host and does the handshake (the extension's version; a
//! host of another `major.minor` answers `version_mismatch`); [`Connection::request`] sends one
//! command and waits for its one answer. The host's answers are read with core's serde types
//! ([`HostResponse`]); anything else ends the connection as `host_failed`.
//!
//! How a missing host shows: the port disconnects before any answer, with
//! `runtime.lastError` (Chromium: "Specified native messaging host not found.") or
//! `port.error` (Firefox: "No such native application fr.sesame.host") set. A disconnection
//! after the handshake, or an error naming something else, is a host that failed.

use futures_channel::mpsc;
use futures_util::StreamExt;
use sesame_core::bridge::{BridgeError, VERSION};
use sesame_core::host::{HostError, HostRequest, HostResponse, HOST_NAME};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// A `runtime.Port`.
    pub type Port;
    /// `browser.runtime.connectNative(name)`.
    #[wasm_bindgen(js_namespace = ["browser", "runtime"], js_name = connectNative, catch)]
    fn connect_native(name: &str) -> Result<Port, JsValue>;
    #[wasm_bindgen(method, js_name = postMessage, catch)]
    fn post_message(this: &Port, message: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    fn disconnect(this: &Port);
    #[wasm_bindgen(method, getter, js_name = onMessage)]
    fn on_message(this: &Port) -> PortEvent;
    #[wasm_bindgen(method, getter, js_name = onDisconnect)]
    fn on_disconnect(this: &Port) -> PortEvent;
    /// Firefox: why the port closed.
    #[wasm_bindgen(method, getter)]
    fn error(this: &Port) -> JsValue;

    /// A port's event (`onMessage`, `onDisconnect`).
    pub type PortEvent;
    #[wasm_bindgen(method, js_name = addListener)]
    fn add_listener(this: &PortEvent, f: &js_sys::Function);
    #[wasm_bindgen(method, js_name = removeListener)]
    fn remove_listener(this: &PortEvent, f: &js_sys::Function);
}

/// Why the port closed, as the browser says it (no secret in it: the browser's own words).
fn disconnect_reason(port: &Port) -> String {
    let from = |v: JsValue| crate::browser::string_member(&v, "message");
    from(port.error())
        .or_else(|| {
            // `lastError` is a getter of `runtime`: read it now, not from a cached value.
            let runtime = js_sys::Reflect::get(&js_sys::global(), &"browser".into())
                .and_then(|b| js_sys::Reflect::get(&b, &"runtime".into()))
                .ok()?;
            from(js_sys::Reflect::get(&runtime, &"lastError".into()).ok()?)
        })
        .unwrap_or_default()
}

enum Event {
    Message(JsValue),
    Closed(String),
}

/// An open connection to the host, handshake done. Dropping it disconnects.
pub struct Connection {
    port: Port,
    events: mpsc::UnboundedReceiver<Event>,
    on_message: Closure<dyn FnMut(JsValue)>,
    on_disconnect: Closure<dyn FnMut(JsValue)>,
}

impl Connection {
    /// Starts the host and greets it. `host_missing`, `host_failed`, or `host_outdated`.
    pub async fn open() -> Result<Connection, BridgeError> {
        let port = connect_native(HOST_NAME).map_err(|_| BridgeError::HostMissing)?;
        let (tx, events) = mpsc::unbounded();
        let tx2 = tx.clone();
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |m: JsValue| {
            let _ = tx.unbounded_send(Event::Message(m));
        });
        let on_disconnect = Closure::<dyn FnMut(JsValue)>::new(move |p: JsValue| {
            let reason = disconnect_reason(p.unchecked_ref());
            let _ = tx2.unbounded_send(Event::Closed(reason));
        });
        port.on_message()
            .add_listener(on_message.as_ref().unchecked_ref());
        port.on_disconnect()
            .add_listener(on_disconnect.as_ref().unchecked_ref());
        let mut c = Connection {
            port,
            events,
            on_message,
            on_disconnect,
        };
        let hello = HostRequest::Hello {
            version: VERSION.to_owned(),
        };
        match c.exchange(&hello).await {
            Ok(HostResponse::Hello { .. }) => Ok(c),
            Ok(HostResponse::Error(e)) => Err(BridgeError::from(&e)),
            Ok(_) => Err(BridgeError::HostFailed),
            Err(Closed::BeforeAnyAnswer(reason)) if crate::cps::means_missing(&reason) => {
                Err(BridgeError::HostMissing)
            }
            Err(_) => Err(BridgeError::HostFailed),
        }
    }

    async fn exchange(&mut self, request: &HostRequest) -> Result<HostResponse, Closed> {
        let json = serde_json::to_string(request).map_err(|_| Closed::Unreadable)?;
        let message = js_sys::JSON::parse(&json).map_err(|_| Closed::Unreadable)?;
        if self.port.post_message(&message).is_err() {
            return Err(self.closed().await);
        }
        match self.events.next().await {
            Some(Event::Message(m)) => {
                let text = js_sys::JSON::stringify(&m)
                    .ok()
                    .and_then(|t| t.as_string())
                    .ok_or(Closed::Unreadable)?;
                serde_json::from_str(&text).map_err(|_| Closed::Unreadable)
            }
            Some(Event::Closed(reason)) => Err(Closed::BeforeAnyAnswer(reason)),
            None => Err(Closed::Unreadable),
        }
    }

    async fn closed(&mut self) -> Closed {
        match self.events.next().await {
            Some(Event::Closed(reason)) => Closed::BeforeAnyAnswer(reason),
            _ => Closed::Unreadable,
        }
    }

    /// Sends one command; its answer, or the host's failure as it is (the caller decides what
    /// the page and the PIN window are told).
    pub async fn request(&mut self, request: &HostRequest) -> Result<HostResponse, HostFailure> {
        match self.exchange(request).await {
            Ok(HostResponse::Error(e)) => Err(HostFailure::Card(e)),
            Ok(answer) => Ok(answer),
            Err(_) => Err(HostFailure::Bridge(BridgeError::HostFailed)),
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.port
            .on_message()
            .remove_listener(self.on_message.as_ref().unchecked_ref());
        self.port
            .on_disconnect()
            .remove_listener(self.on_disconnect.as_ref().unchecked_ref());
        self.port.disconnect();
    }
}

/// How an exchange ended without an answer.
enum Closed {
    /// The port closed; the browser's reason.
    BeforeAnyAnswer(String),
    /// The answer was not a host message.
    Unreadable,
}

/// A command's failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostFailure {
    /// The card said no (wrong PIN, no card…).
    Card(HostError),
    /// The host itself failed.
    Bridge(BridgeError),
}

impl HostFailure {
    /// What the page is told.
    pub fn for_page(&self) -> BridgeError {
        match self {
            HostFailure::Card(e) => BridgeError::from(e),
            HostFailure::Bridge(e) => *e,
        }
    }
}
