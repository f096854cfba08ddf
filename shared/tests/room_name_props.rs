//! Property tests of `RoomName` over text built from the characters that make its rules hard:
//! letters whose case folding is not their lower case, decomposed accents, joiners, invisible
//! and bidirectional formatting, separators and spaces.

use proptest::prelude::*;
use shared::{RoomName, MAX_ROOM_NAME_CHARS};

/// Few characters, so that runs hit the interesting combinations often.
const ALPHABET: &[char] = &[
    'a', 'A', 's', 'S', 'k', 'K', 'i', 'I', 'e', 'é', 'É', '\u{301}', // a combining acute
    'ß', 'ẞ', 'Σ', 'σ', 'ς', 'ﬁ', 'İ', 'ı', '\u{212A}', // the Kelvin sign
    ' ', '\u{3000}', '\u{2028}', '\u{2029}', // separators (whitespace: trimmed at the ends)
    '\u{200B}', '\u{202E}', '\u{FEFF}', '\u{AD}', '\u{2066}', // invisible formatting
    '\u{200C}', '\u{200D}', // the joiners
    '\n', '\u{7F}', '👩', '💻',
];

/// Formatting characters that are never part of a name (joiners aside).
fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}' | '\u{202E}' | '\u{FEFF}' | '\u{AD}' | '\u{2066}' | '\u{2028}' | '\u{2029}'
        )
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..12)
        .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn accepted_names_keep_the_rules_and_parse_again_to_the_same_room(input in text()) {
        let trimmed = input.trim();
        match RoomName::parse(&input) {
            Ok(name) => {
                let shown = name.as_str();
                prop_assert!(!shown.is_empty());
                prop_assert_eq!(shown, shown.trim());
                prop_assert!(!shown.chars().any(forbidden), "{:?}", shown);
                prop_assert!(shown.chars().count() <= MAX_ROOM_NAME_CHARS);
                let first = shown.chars().next();
                let last = shown.chars().last();
                for end in [first, last].into_iter().flatten() {
                    prop_assert!(!matches!(end, '\u{200C}' | '\u{200D}'), "{:?}", shown);
                }
                let again = RoomName::parse(shown);
                prop_assert!(again.is_ok(), "{:?} does not parse again", shown);
                if let Ok(again) = again {
                    prop_assert_eq!(again.as_str(), shown);
                    prop_assert_eq!(again.key(), name.key());
                }
            }
            Err(_) => {
                // A refusal always has a reason in the text itself.
                let reason = trimmed.is_empty()
                    || trimmed.chars().any(forbidden)
                    || trimmed.contains(['\u{200C}', '\u{200D}']);
                prop_assert!(reason, "{:?} refused for nothing", input);
            }
        }
    }

    /// Letter case never makes another room. Upper-casing `ı` gives `I`, which is `i`'s
    /// capital too: that one loses information, so only lower-casing is tried on it.
    #[test]
    fn changing_the_case_keeps_the_room(input in text()) {
        if let Ok(name) = RoomName::parse(&input) {
            let mut variants = vec![input.to_lowercase()];
            if !input.contains('ı') {
                variants.push(input.to_uppercase());
            }
            for variant in variants {
                // Upper case can lengthen a name past the limit ("ß" is "SS").
                if let Ok(other) = RoomName::parse(&variant) {
                    prop_assert_eq!(other.key(), name.key(), "{:?} and {:?}", input, variant);
                }
            }
        }
    }
}
