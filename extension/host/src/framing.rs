//! Native messaging framing: a 4-byte length in the machine's byte order, then that many bytes
//! of UTF-8 JSON. Both directions, each message at most [`MAX_MESSAGE_BYTES`].
//!
//! **Invariant:** the length is checked before anything is allocated, and no input makes
//! [`read_message`] panic: every failure is a [`FrameError`].

use std::io::{self, Read, Write};

use sesame_core::host::{HostError, MAX_MESSAGE_BYTES};

/// Why a message could not be read or written.
#[derive(Debug)]
pub enum FrameError {
    /// The stream ended cleanly before a new message: the browser closed the port.
    Closed,
    /// The stream ended inside a message (its length, or its body).
    Truncated,
    /// The announced length is over [`MAX_MESSAGE_BYTES`] (the body is not read).
    TooLarge(u64),
    /// The body is not UTF-8.
    NotUtf8,
    /// Reading or writing failed.
    Io(io::Error),
}

impl FrameError {
    /// The code the extension is told, when it can still be told.
    pub fn host_error(&self) -> HostError {
        match self {
            FrameError::TooLarge(_) => HostError::MessageTooLarge,
            FrameError::NotUtf8 | FrameError::Truncated => HostError::MalformedMessage,
            FrameError::Closed | FrameError::Io(_) => HostError::UnknownError,
        }
    }
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Closed => f.write_str("the port is closed"),
            FrameError::Truncated => f.write_str("the stream ended inside a message"),
            FrameError::TooLarge(n) => write!(f, "a message of {n} bytes (over the limit)"),
            FrameError::NotUtf8 => f.write_str("a message that is not UTF-8"),
            FrameError::Io(e) => write!(f, "i/o: {e}"),
        }
    }
}

impl std::error::Error for FrameError {}

/// Reads one message's JSON text.
pub fn read_message(input: &mut impl Read) -> Result<String, FrameError> {
    let mut len = [0u8; 4];
    let mut got = 0;
    while got < len.len() {
        match input.read(&mut len[got..]) {
            Ok(0) if got == 0 => return Err(FrameError::Closed),
            Ok(0) => return Err(FrameError::Truncated),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FrameError::Io(e)),
        }
    }
    let len = u32::from_ne_bytes(len) as u64;
    if len > MAX_MESSAGE_BYTES as u64 {
        return Err(FrameError::TooLarge(len));
    }
    // At most MAX_MESSAGE_BYTES, checked above.
    let mut body = Vec::with_capacity(len as usize);
    input
        .take(len)
        .read_to_end(&mut body)
        .map_err(FrameError::Io)?;
    if body.len() as u64 != len {
        return Err(FrameError::Truncated);
    }
    String::from_utf8(body).map_err(|_| FrameError::NotUtf8)
}

/// Writes one message (its length, then `json`) and flushes.
pub fn write_message(output: &mut impl Write, json: &str) -> Result<(), FrameError> {
    if json.len() > MAX_MESSAGE_BYTES {
        return Err(FrameError::TooLarge(json.len() as u64));
    }
    // Fits in u32: MAX_MESSAGE_BYTES is 1 MiB.
    let len = (json.len() as u32).to_ne_bytes();
    output.write_all(&len).map_err(FrameError::Io)?;
    output.write_all(json.as_bytes()).map_err(FrameError::Io)?;
    output.flush().map_err(FrameError::Io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u32).to_ne_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn round_trip() {
        let mut buf = Vec::new();
        write_message(&mut buf, r#"{"command":"status"}"#).unwrap();
        write_message(&mut buf, "{}").unwrap();
        let mut r = buf.as_slice();
        assert_eq!(read_message(&mut r).unwrap(), r#"{"command":"status"}"#);
        assert_eq!(read_message(&mut r).unwrap(), "{}");
        assert!(matches!(read_message(&mut r), Err(FrameError::Closed)));
    }

    #[test]
    fn bad_frames() {
        type Check = fn(&FrameError) -> bool;
        let cases: [(&[u8], Check); 3] = [
            (&[1, 0], |e| matches!(e, FrameError::Truncated)),
            (&[], |e| matches!(e, FrameError::Closed)),
            (&[0xff, 0xff, 0xff, 0xff], |e| {
                matches!(e, FrameError::TooLarge(4_294_967_295))
            }),
        ];
        for (bytes, ok) in cases {
            let e = read_message(&mut &bytes[..]).unwrap_err();
            assert!(ok(&e), "{bytes:?}: {e}");
        }
        // A body shorter than announced.
        let mut short = frame(b"{\"a\":1}");
        short.truncate(6);
        assert!(matches!(
            read_message(&mut short.as_slice()),
            Err(FrameError::Truncated)
        ));
        // Not UTF-8.
        assert!(matches!(
            read_message(&mut frame(&[0x22, 0xff, 0x22]).as_slice()),
            Err(FrameError::NotUtf8)
        ));
        // Not JSON is the reader's business, not the framing's.
        assert_eq!(
            read_message(&mut frame(b"not json").as_slice()).unwrap(),
            "not json"
        );
        // One byte over the limit: refused without reading the body.
        let over = ((MAX_MESSAGE_BYTES + 1) as u32).to_ne_bytes();
        let e = read_message(&mut &over[..]).unwrap_err();
        assert_eq!(e.host_error(), HostError::MessageTooLarge);
        // Exactly the limit: read.
        let at = "x".repeat(MAX_MESSAGE_BYTES);
        assert_eq!(
            read_message(&mut frame(at.as_bytes()).as_slice())
                .unwrap()
                .len(),
            MAX_MESSAGE_BYTES
        );
        let mut sink = Vec::new();
        assert!(matches!(
            write_message(&mut sink, &format!("{at}x")),
            Err(FrameError::TooLarge(_))
        ));
        assert!(sink.is_empty());
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let mut r = bytes.as_slice();
            for _ in 0..8 {
                if read_message(&mut r).is_err() {
                    break;
                }
            }
        }

        #[test]
        fn random_bodies_never_panic_the_reader(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(text) = read_message(&mut frame(&body).as_slice()) {
                let _ = sesame_core::host::HostRequest::parse(&text);
            }
        }

        #[test]
        fn any_text_round_trips(text in ".{0,300}") {
            let mut buf = Vec::new();
            write_message(&mut buf, &text).unwrap();
            prop_assert_eq!(read_message(&mut buf.as_slice()).unwrap(), text);
        }
    }
}
