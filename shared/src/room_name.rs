//! Room names: parsed once at the edge, trusted everywhere after.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// The longest room name accepted, in Unicode scalar values after trimming and NFC.
pub const MAX_ROOM_NAME_CHARS: usize = 64;

/// Why a piece of text is not a room name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoomNameError {
    /// Nothing but whitespace (or nothing at all) was given.
    #[error("a room name is needed")]
    Empty,
    /// The name has more than [`MAX_ROOM_NAME_CHARS`] characters.
    #[error("a room name can have at most {MAX_ROOM_NAME_CHARS} characters (this one has {0})")]
    TooLong(usize),
    /// The name contains a control character such as a newline or a tab.
    #[error("a room name cannot contain control characters")]
    ControlCharacter,
}

/// A valid room name.
///
/// Parsing trims surrounding whitespace, normalises to NFC and rejects empty names, control
/// characters and names longer than [`MAX_ROOM_NAME_CHARS`]. Two names are the same room when
/// they differ only in letter case or surrounding whitespace: `"  Casa Azul "` and `"casa azul"`
/// are equal, hash alike and share a [`RoomKey`]. [`RoomName::as_str`] keeps what the person
/// typed, trimmed, for display.
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoomName {
    display: String,
    key: RoomKey,
}

/// The identity of a room: the case-folded, normalised form of a [`RoomName`].
///
/// Only a [`RoomName`] can make one, so a key always belongs to a valid name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoomKey(String);

impl RoomKey {
    /// The key as text (lower case, NFC).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// Lets maps keyed by room be searched with a key's text (as it travels between replicas)
// without minting a `RoomKey` from unchecked text. `String`'s `Hash` and `Eq` are `str`'s, as
// `Borrow` requires.
impl std::borrow::Borrow<str> for RoomKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RoomKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl RoomName {
    /// Parses what a person typed into a room name.
    pub fn parse(input: &str) -> Result<Self, RoomNameError> {
        let trimmed = input.trim();
        if trimmed.is_ascii() {
            return Self::parse_ascii(trimmed);
        }
        Self::parse_unicode(trimmed)
    }

    /// [`RoomName::parse`] for trimmed ASCII text, with the same result: ASCII text is its
    /// own NFC form and lower-cases to ASCII, so both normalisation passes are skipped (they
    /// cost a join ~6,000 instructions under callgrind, a tenth of Duet's own share).
    fn parse_ascii(trimmed: &str) -> Result<Self, RoomNameError> {
        if trimmed.is_empty() {
            return Err(RoomNameError::Empty);
        }
        if trimmed.bytes().any(|b| b.is_ascii_control()) {
            return Err(RoomNameError::ControlCharacter);
        }
        if trimmed.len() > MAX_ROOM_NAME_CHARS {
            return Err(RoomNameError::TooLong(trimmed.len()));
        }
        Ok(Self {
            display: trimmed.to_owned(),
            key: RoomKey(trimmed.to_ascii_lowercase()),
        })
    }

    /// [`RoomName::parse`] for any trimmed text.
    fn parse_unicode(trimmed: &str) -> Result<Self, RoomNameError> {
        let display: String = trimmed.nfc().collect();
        if display.is_empty() {
            return Err(RoomNameError::Empty);
        }
        if display.chars().any(char::is_control) {
            return Err(RoomNameError::ControlCharacter);
        }
        let chars = display.chars().count();
        if chars > MAX_ROOM_NAME_CHARS {
            return Err(RoomNameError::TooLong(chars));
        }
        // Lower-casing can leave a string that is no longer in NFC, so normalise again.
        let key = RoomKey(display.to_lowercase().nfc().collect());
        Ok(Self { display, key })
    }

    /// The name as the person typed it, trimmed and in NFC.
    pub fn as_str(&self) -> &str {
        &self.display
    }

    /// The room's identity: equal for names that differ only in case.
    pub fn key(&self) -> &RoomKey {
        &self.key
    }
}

impl PartialEq for RoomName {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for RoomName {}

impl Hash for RoomName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl fmt::Debug for RoomName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RoomName").field(&self.display).finish()
    }
}

impl fmt::Display for RoomName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

impl std::str::FromStr for RoomName {
    type Err = RoomNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for RoomName {
    type Error = RoomNameError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<RoomName> for String {
    fn from(name: RoomName) -> Self {
        name.display
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> RoomName {
        match RoomName::parse(s) {
            Ok(name) => name,
            Err(e) => panic!("{s:?} should parse: {e}"),
        }
    }

    #[test]
    fn trims_and_keeps_the_typed_case_for_display() {
        assert_eq!(name("  Casa Azul ").as_str(), "Casa Azul");
    }

    #[test]
    fn case_and_surrounding_space_do_not_make_a_new_room() {
        assert_eq!(name("  Casa Azul "), name("casa azul"));
        assert_eq!(name("  Casa Azul ").key(), name("CASA AZUL").key());
    }

    #[test]
    fn composed_and_decomposed_forms_are_one_room() {
        let composed = name("Caf\u{e9}");
        let decomposed = name("Cafe\u{301}");
        assert_eq!(composed, decomposed);
        assert_eq!(decomposed.as_str(), "Caf\u{e9}");
    }

    #[test]
    fn empty_and_blank_names_are_rejected() {
        assert_eq!(RoomName::parse(""), Err(RoomNameError::Empty));
        assert_eq!(RoomName::parse("   \t "), Err(RoomNameError::Empty));
        assert_eq!(RoomName::parse("\u{3000}\u{a0}"), Err(RoomNameError::Empty));
    }

    #[test]
    fn control_characters_are_rejected() {
        assert_eq!(
            RoomName::parse("a\nb"),
            Err(RoomNameError::ControlCharacter)
        );
        assert_eq!(
            RoomName::parse("a\u{7}b"),
            Err(RoomNameError::ControlCharacter)
        );
    }

    #[test]
    fn length_is_counted_in_characters_after_trimming() {
        let ok = "é".repeat(MAX_ROOM_NAME_CHARS);
        assert!(RoomName::parse(&format!("  {ok}  ")).is_ok());
        let long = "x".repeat(MAX_ROOM_NAME_CHARS + 1);
        assert_eq!(RoomName::parse(&long), Err(RoomNameError::TooLong(65)));
    }

    /// The ASCII shortcut must agree with the general path on everything it takes: every
    /// ASCII character alone, every pair, with surrounding spaces, and lengths at the limit.
    #[test]
    fn the_ascii_shortcut_agrees_with_the_general_path() {
        let check = |text: &str| {
            let trimmed = text.trim();
            assert!(trimmed.is_ascii());
            let fast = RoomName::parse_ascii(trimmed);
            let general = RoomName::parse_unicode(trimmed);
            match (&fast, &general) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.as_str(), b.as_str(), "{text:?}");
                    assert_eq!(a.key(), b.key(), "{text:?}");
                }
                _ => assert_eq!(fast, general, "{text:?}"),
            }
        };
        for a in 0u8..128 {
            let a = char::from(a);
            check(&a.to_string());
            check(&format!("  {a} "));
            for b in 0u8..128 {
                check(&format!("{a}{}", char::from(b)));
            }
        }
        for n in [
            0,
            1,
            MAX_ROOM_NAME_CHARS - 1,
            MAX_ROOM_NAME_CHARS,
            MAX_ROOM_NAME_CHARS + 1,
        ] {
            check(&format!(
                " {} ",
                "Ab".repeat(n).chars().take(n).collect::<String>()
            ));
        }
    }

    #[test]
    fn serde_round_trips_the_display_form_and_validates() -> Result<(), serde_json::Error> {
        let json = serde_json::to_string(&name(" Casa Azul "))?;
        assert_eq!(json, "\"Casa Azul\"");
        let back: RoomName = serde_json::from_str(&json)?;
        assert_eq!(back.as_str(), "Casa Azul");
        assert!(serde_json::from_str::<RoomName>("\"   \"").is_err());
        Ok(())
    }
}
