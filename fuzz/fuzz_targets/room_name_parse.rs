//! `RoomName::parse` on arbitrary text: it never panics, and an accepted name is within the
//! rules (no control character, no invisible formatting character of general category Cf, Zl
//! or Zp but a joiner between two others, at most MAX_ROOM_NAME_CHARS characters, trimmed)
//! and stable:
//! parsing what it displays gives the same name and the same room key, so a name that went
//! through `joined` and back means the same room.

#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::{RoomName, MAX_ROOM_NAME_CHARS};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

fn joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

fn invisible(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Format | GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator
    )
}

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
    assert!(
        !shown.chars().any(|c| invisible(c) && !joiner(c)),
        "invisible formatting character"
    );
    let chars: Vec<char> = shown.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if joiner(c) {
            let visible = |n: Option<&char>| n.is_some_and(|&n| !joiner(n) && !n.is_whitespace());
            assert!(
                i > 0 && visible(chars.get(i - 1)) && visible(chars.get(i + 1)),
                "a joiner not between two visible characters"
            );
        }
    }
    assert!(shown.chars().count() <= MAX_ROOM_NAME_CHARS, "too long");
    match RoomName::parse(shown) {
        Ok(again) => {
            assert_eq!(again.as_str(), shown, "parsing is not idempotent");
            assert_eq!(again.key(), name.key(), "the room key moved");
        }
        Err(e) => panic!("{text:?} parsed as {shown:?}, which does not parse: {e}"),
    }
});
