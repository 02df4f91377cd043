//! `sesame:cps-login {nonce}`: the CPS card signs the portal's nonce for the origin the browser
//! gave, after the holder typed the PIN in the extension's window.
//!
//! One connection to the native host for the whole login (`hello`, `status`, `certificate`,
//! then one `authenticate` per PIN typed); the decisions are in [`crate::cps`].

use crate::background::pin_window::{PinEvent, PinWindow};
use crate::cps;
use crate::native::{Connection, HostFailure};
use crate::policy::{self, Accepted};
use serde_json::{json, Value};
use sesame_core::bridge::{Action, BridgeError};
use sesame_core::host::{HostRequest, HostResponse};

/// Carries it out: `{certificate, algorithm, signature, origin}`, or one failure code.
pub async fn run(accepted: Accepted) -> Value {
    let id = accepted.request.id.clone();
    match sign(&accepted).await {
        Ok(fields) => policy::success(Action::CpsLogin, &id, fields),
        Err(e) => policy::failure(Action::CpsLogin.as_str(), &id, e),
    }
}

async fn sign(accepted: &Accepted) -> Result<Value, BridgeError> {
    let origin = accepted.origin.as_str().to_owned();
    let nonce = accepted
        .request
        .nonce
        .clone()
        .ok_or(BridgeError::MalformedMessage)?;
    let mut host = Connection::open().await?;
    let readers = match host.request(&HostRequest::Status).await {
        Ok(HostResponse::Status { readers, .. }) => readers,
        Ok(_) => return Err(BridgeError::HostFailed),
        Err(f) => return Err(f.for_page()),
    };
    if let Some(e) = cps::missing_card(&readers) {
        return Err(BridgeError::from(&e));
    }
    let certificate = match host.request(&HostRequest::Certificate).await {
        Ok(HostResponse::Certificate(c)) => c,
        Ok(_) => return Err(BridgeError::HostFailed),
        Err(f) => return Err(f.for_page()),
    };
    let card = cps::first_card(&readers);
    let details = cps::pin_details(&origin, &certificate, card);
    if details["locked"] == true {
        // Nothing to type: the page says it is blocked, for good.
        return Err(BridgeError::PinLocked);
    }
    let pin_pad = details["pin_pad"] == true;
    let mut window = PinWindow::open(&origin, details).await?;
    loop {
        let (pin, verdict) = if pin_pad {
            // The PIN is typed on the reader: ask the card at once; the window says where.
            (None, None)
        } else {
            match window.next().await {
                PinEvent::Pin(pin, verdict) => (Some(pin), Some(verdict)),
                PinEvent::Cancelled => return Err(BridgeError::UserCancelled),
                PinEvent::TimedOut => return Err(BridgeError::UserTimeout),
            }
        };
        let asked = HostRequest::Authenticate {
            origin: origin.clone(),
            nonce: nonce.clone(),
            pin,
        };
        match host.request(&asked).await {
            Ok(HostResponse::Authenticated {
                certificate,
                algorithm,
                signature,
            }) => {
                if let Some(v) = verdict {
                    let _ = v.send(json!({ "ok": true }));
                }
                return Ok(json!({
                    "certificate": certificate,
                    "algorithm": algorithm,
                    "signature": signature,
                    "origin": origin,
                }));
            }
            Ok(_) => return Err(BridgeError::HostFailed),
            Err(HostFailure::Card(e)) => {
                let (told, end) = cps::after_failure(&e);
                if let Some(v) = verdict {
                    let _ = v.send(told);
                }
                match end {
                    // A wrong PIN: the window asks again (a PIN-pad reader, itself).
                    None => continue,
                    Some(BridgeError::PinLocked) => {
                        // The window shows the final message; it stays until closed.
                        window.leave_open();
                        return Err(BridgeError::PinLocked);
                    }
                    Some(e) => return Err(e),
                }
            }
            Err(f) => return Err(f.for_page()),
        }
    }
}
