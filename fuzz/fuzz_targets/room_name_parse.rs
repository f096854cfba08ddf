//! `RoomName::parse` on arbitrary text: it never panics, and an accepted name is within the
//! rules (no control character, at most MAX_ROOM_NAME_CHARS characters, trimmed) and stable:
//! parsing what it displays gives the same name and the same room key, so a name that went
//! through `joined` and back means the same room.

#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::{RoomName, MAX_ROOM_NAME_CHARS};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(name) = RoomName::parse(text) else {
        return;
    };
    let shown = name.as_str();
    assert!(!shown.is_empty());
    assert_eq!(shown, shown.trim(), "not trimmed");
    assert!(!shown.chars().any(char::is_control), "control character");
    assert!(shown.chars().count() <= MAX_ROOM_NAME_CHARS, "too long");
    match RoomName::parse(shown) {
        Ok(again) => {
            assert_eq!(again.as_str(), shown, "parsing is not idempotent");
            assert_eq!(again.key(), name.key(), "the room key moved");
        }
        Err(e) => panic!("{text:?} parsed as {shown:?}, which does not parse: {e}"),
    }
});
