//! Arbitrary bytes as what the browser sends the host: through the framing reader (length,
//! then UTF-8 body, several messages in a row), and any UTF-8 as a message's JSON. Neither may
//! panic, nor allocate more than a message's limit (libFuzzer's `-rss_limit_mb` would say).

#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame_core::host::HostRequest;
use sesame_host::framing::read_message;

fuzz_target!(|data: &[u8]| {
    let mut input = std::io::Cursor::new(data);
    for _ in 0..16 {
        match read_message(&mut input) {
            Ok(text) => {
                let _ = HostRequest::parse(&text);
            }
            Err(_) => break,
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = HostRequest::parse(text);
    }
});
