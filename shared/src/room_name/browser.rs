//! Room names' Unicode operations from the browser's JavaScript engine (the `browser`
//! feature): `String.prototype.normalize`, the engine's case mappings and its Unicode
//! property escapes in regular expressions. The engine carries these tables anyway; linking
//! Rust's copies into the app would add them to every download (about 90 KB gzip, see
//! docs/benchmarks.md) for a check the service makes again.
//!
//! The browser's verdict is a courtesy to the person typing; the service's (the
//! `unicode-tables` backend) is the one that counts. They agree on which names are valid and
//! which spellings are one room, except where JavaScript has no full case folding (below):
//! the key's text may then differ from the service's, which only matters to the browser's
//! own storage (resume tokens are kept per key, and the service refuses a token of another
//! room, after which the browser joins without one).

use js_sys::{JsString, RegExp};

use super::joiner::is_joiner;

/// `text` in Unicode Normalization Form C.
pub(super) fn nfc(text: &str) -> String {
    JsString::from(text).normalize("NFC").into()
}

/// Whether `c` is an invisible formatting character or a separator that is not a space:
/// general category Cf, Zl or Zp.
pub(super) fn is_format(c: char) -> bool {
    thread_local! {
        static FORMAT: RegExp = RegExp::new(r"^[\p{Cf}\p{Zl}\p{Zp}]$", "u");
    }
    let mut utf8 = [0; 4];
    FORMAT.with(|format| format.test(c.encode_utf8(&mut utf8)))
}

/// The room key of `display` (a valid name, in NFC): NFD, without the joiners, case-folded,
/// in NFC, like the service's key.
///
/// JavaScript has no case folding, only case mappings. Lower-, upper- then lower-casing
/// again comes close: it maps "ß", "ẞ" and "SS" to "ss", "ﬁ" to "fi", the Greek symbol
/// forms ("ϐ", "ϑ", "ς") to their letters, and leaves different letters apart ("café",
/// "cafe"). The dotless "ı" alone would be merged with "i" (its upper case is "I"), where
/// folding keeps it apart: it is left as it is.
pub(super) fn caseless_key(display: &str) -> String {
    let nfd: String = String::from(JsString::from(display).normalize("NFD"))
        .chars()
        .filter(|&c| !is_joiner(c))
        .collect();
    let folded: Vec<String> = nfd.split('\u{131}').map(fold).collect();
    nfc(&folded.join("\u{131}"))
}

/// Lower-, upper- then lower-cases `text` (see [`caseless_key`]).
fn fold(text: &str) -> String {
    JsString::from(text)
        .to_lower_case()
        .to_upper_case()
        .to_lower_case()
        .into()
}
