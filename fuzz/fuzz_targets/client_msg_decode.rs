//! The service's frame decoder on arbitrary text: it never panics, and whatever it accepts
//! re-encodes to a frame that decodes to the same message (so what the service relays or
//! answers is what the browser meant). The browser's typed decoder and the server-message
//! decoder get the same input, for panics only.

#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::{ClientMsg, RawSignal, ServerMsg, Signal};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(msg) = ClientMsg::<RawSignal>::decode(text) {
        let again = ClientMsg::<RawSignal>::decode(&msg.encode());
        assert_eq!(
            again.as_ref().ok(),
            Some(&msg),
            "{text:?} re-encoded as {:?}",
            msg.encode()
        );
    }
    if let Ok(msg) = ClientMsg::<Signal>::decode(text) {
        let again = ClientMsg::<Signal>::decode(&msg.encode());
        assert_eq!(again.as_ref().ok(), Some(&msg));
    }
    let _ = ServerMsg::<Signal>::decode(text);
});
