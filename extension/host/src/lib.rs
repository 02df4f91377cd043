//! # sesame-host
//!
//! Sésame's native messaging host: the browser extension starts it (`runtime.connectNative`)
//! and talks to it over stdin/stdout ([`framing`]); it answers the handshake and the commands
//! of [`sesame_core::host`] ([`commands`]) with the holder's card, through the PKCS#11 module
//! found by [`module`] and driven by [`token`]. [`install`] writes the browsers' manifests.
//!
//! **Architecture invariants:** only this crate links PKCS#11 (`cryptoki`). Nothing read from
//! the extension makes the host panic or allocate more than
//! [`MAX_MESSAGE_BYTES`](sesame_core::host::MAX_MESSAGE_BYTES): every failure is an error code.
//! The PIN is a [`Secret`](sesame_core::Secret) from the JSON to cryptoki's `AuthPin`, and is
//! never logged.

pub mod commands;
pub mod framing;
pub mod install;
pub mod module;
pub mod token;

use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

use sesame_core::host::{HostError, HostResponse};

use crate::commands::Host;
use crate::framing::{read_message, write_message, FrameError};

/// Serves one connection: reads framed messages from `input` until the port closes, and writes
/// one framed answer to each. Returns when the browser closes the port (or the stream breaks,
/// or a message is too large to skip).
pub fn serve(
    host: &mut Host,
    input: &mut impl Read,
    output: &mut impl Write,
) -> Result<(), FrameError> {
    loop {
        let response = match read_message(input) {
            Ok(text) => catch_unwind(AssertUnwindSafe(|| host.answer(&text)))
                .unwrap_or(HostResponse::Error(HostError::UnknownError)),
            Err(FrameError::Closed) => return Ok(()),
            Err(e @ FrameError::NotUtf8) => HostResponse::Error(e.host_error()),
            Err(e @ FrameError::TooLarge(_)) => {
                // The body was not read: the stream cannot be followed further.
                let _ = send(output, &HostResponse::Error(e.host_error()));
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        send(output, &response)?;
    }
}

fn send(output: &mut impl Write, response: &HostResponse) -> Result<(), FrameError> {
    let json = serde_json::to_string(response)
        .unwrap_or_else(|_| r#"{"result":"error","code":"unknown_error"}"#.to_owned());
    write_message(output, &json)
}
