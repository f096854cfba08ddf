//! Room names' Unicode operations from Rust's own tables (the `unicode-tables` feature): the
//! service's, which decides what a room name is and which room it names.

use caseless::Caseless;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::joiner::is_joiner;

/// `text` in Unicode Normalization Form C.
pub(super) fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Whether `c` is an invisible formatting character or a separator that is not a space:
/// general category Cf, Zl or Zp.
pub(super) fn is_format(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// The room key of `display` (a valid name, in NFC): Unicode's canonical caseless match
/// (NFD, full case folding, NFD again; here NFC, to keep keys in the form names are in),
/// without the joiners. Lower-casing alone leaves "straße" and "STRASSE" apart, and upper-
/// then lower-casing is not stable ("ẞ" lower-cases to "ß"). Full folding is a table of its
/// own (CaseFolding.txt), hence the crate.
pub(super) fn caseless_key(display: &str) -> String {
    display
        .nfd()
        .filter(|&c| !is_joiner(c))
        .default_case_fold()
        .nfc()
        .collect()
}
