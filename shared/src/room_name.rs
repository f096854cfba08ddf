//! Room names: parsed once at the edge, trusted everywhere after.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

// Where the Unicode data comes from (NFC, case folding, general categories): the service's
// own tables, or, in the browser, the JavaScript engine's, so that the app's download does not
// carry them twice. The rules below are the same either way.
#[cfg(all(feature = "browser", not(feature = "unicode-tables")))]
mod browser;
#[cfg(all(feature = "browser", not(feature = "unicode-tables")))]
use browser as unicode;
#[cfg(feature = "unicode-tables")]
mod tables;
#[cfg(feature = "unicode-tables")]
use tables as unicode;
mod joiner;
use joiner::is_joiner;
#[cfg(not(any(feature = "unicode-tables", feature = "browser")))]
compile_error!(
    "duet-shared needs Unicode data: its `unicode-tables` feature (the default) or `browser`"
);

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
    /// The name contains a control character (such as a newline or a tab), or an invisible
    /// formatting one that could make it look blank or like another name: a zero-width
    /// space, a bidirectional override, a line or paragraph separator (Unicode general
    /// categories Cc, Cf, Zl and Zp; see [`RoomName`] for the two joiners allowed).
    #[error("a room name cannot contain control characters or invisible formatting characters")]
    ControlCharacter,
}

/// A valid room name.
///
/// Parsing trims surrounding whitespace, normalises to NFC and rejects empty names, names
/// longer than [`MAX_ROOM_NAME_CHARS`], control characters (Cc) and invisible formatting
/// characters (Cf, Zl, Zp: zero-width spaces, bidirectional controls such as U+202E, line
/// and paragraph separators), so that a name can neither look blank nor pass for another.
/// The zero-width joiner and non-joiner (U+200D, U+200C) are the exception: emoji sequences
/// (👩‍💻) and Persian spelling need them. They are allowed only between two visible
/// characters, and left out of the [`RoomKey`], so that `"a\u{200D}b"` is the room `"ab"`.
///
/// Two names are the same room when they differ only in letter case (Unicode full case
/// folding: `"STRASSE"` and `"straße"`, `"CAFÉ"` and `"café"`) or surrounding whitespace:
/// `"  Casa Azul "` and `"casa azul"` are equal, hash alike and share a [`RoomKey`].
/// [`RoomName::as_str`] keeps what the person typed, trimmed, for display.
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoomName {
    display: String,
    key: RoomKey,
}

/// The identity of a room: the case-folded, normalised form of a [`RoomName`] (without the
/// joiners, which do not change what a name says).
///
/// Only a [`RoomName`] can make one, so a key always belongs to a valid name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoomKey(String);

impl RoomKey {
    /// The key as text (full case folding, NFC). Replicas share rooms by this text, so every
    /// replica must derive it the same way: it is computed here only, never in Redis.
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
    /// own NFC form, holds no formatting character (Cf, Zl, Zp) and case-folds to its ASCII
    /// lower case, so the Unicode passes are skipped (they cost a join ~6,000 instructions
    /// under callgrind, a tenth of Duet's own share).
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
        let display = unicode::nfc(trimmed);
        if display.is_empty() {
            return Err(RoomNameError::Empty);
        }
        let chars = visible_chars(&display).ok_or(RoomNameError::ControlCharacter)?;
        if chars > MAX_ROOM_NAME_CHARS {
            return Err(RoomNameError::TooLong(chars));
        }
        let key = RoomKey(unicode::caseless_key(&display));
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

/// Whether a character may never be in a room name: a control character, or an invisible
/// formatting one other than a joiner.
fn is_forbidden(c: char) -> bool {
    c.is_control() || (!is_joiner(c) && unicode::is_format(c))
}

/// The number of characters of trimmed, non-empty `name`, or `None` if it has a forbidden
/// character, or a joiner anywhere but between two characters that are neither joiners nor
/// whitespace (so joiners cannot pad a name, nor stand in for a blank). Counting here saves
/// the join path a second pass over the name.
fn visible_chars(name: &str) -> Option<usize> {
    let visible = |n: Option<char>| n.is_some_and(|n| !is_joiner(n) && !n.is_whitespace());
    let mut count = 0;
    let mut previous: Option<char> = None;
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if is_forbidden(c)
            || (is_joiner(c) && !(visible(previous) && visible(chars.peek().copied())))
        {
            return None;
        }
        count += 1;
        previous = Some(c);
    }
    Some(count)
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
mod tests;
