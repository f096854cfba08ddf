//! The verification code: a few pictures both people read aloud to check that nobody, the
//! signaling service included, sits in the middle of their encrypted media.
//!
//! WebRTC encrypts media with DTLS, and each side's certificate fingerprint travels in its SDP
//! (`a=fingerprint:`) through the signaling service. A service (or anyone on its path) that
//! swapped those fingerprints could decrypt and re-encrypt the media unseen; the two people
//! would then hold different pairs of fingerprints. Hashing both fingerprints in a fixed order
//! gives a short code that is the same on both screens exactly when nobody swapped anything.
//! A new call has new certificates, so it shows a new code.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::i18n::Texts;

/// How many pictures a code has: 4 × 6 bits, so a forged pair of certificates matches by luck
/// once in about 16.7 million tries, and each try is a visible call setup.
pub const CODE_LENGTH: usize = 4;

/// Pictures chosen to be told apart at a glance; their names, read out by screen readers,
/// are in the catalogue ([`Texts::symbol_names`], in this order).
const SYMBOLS: [&str; SYMBOL_COUNT] = [
    "🐶", "🐱", "🦊", "🐻", "🐼", "🐨", "🐯", "🦁", "🐮", "🐷", "🐸", "🐵", "🐔", "🐧", "🦉", "🦋",
    "🐢", "🐙", "🐳", "🐬", "🦀", "🐌", "🐝", "🦄", "🌵", "🌻", "🍄", "🌲", "🍁", "🌙", "⭐", "🔥",
    "🌈", "☔", "❄️", "⚡", "🍎", "🍌", "🍇", "🍉", "🍓", "🍒", "🥕", "🌽", "🍕", "🍩", "🧀", "🎂",
    "⚽", "🎸", "🎈", "🎁", "🔑", "🔔", "📚", "✏️", "🚲", "🚀", "⛵", "🚂", "⏰", "☂️", "🎩", "👓",
];

/// How many pictures there are (6 bits each).
pub const SYMBOL_COUNT: usize = 64;

/// A verification code: [`CODE_LENGTH`] pictures, by their place in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerificationCode([usize; CODE_LENGTH]);

/// Why no code could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerificationError {
    /// A description has no `a=fingerprint:` line (no DTLS, or not an SDP at all).
    #[error("the {0} description has no DTLS fingerprint")]
    NoFingerprint(&'static str),
}

impl VerificationCode {
    /// The code for a call, from this side's and the other side's SDP. Both people get the
    /// same code because the fingerprints are sorted before hashing.
    pub fn from_descriptions(local_sdp: &str, remote_sdp: &str) -> Result<Self, VerificationError> {
        let local = fingerprints(local_sdp).ok_or(VerificationError::NoFingerprint("local"))?;
        let remote = fingerprints(remote_sdp).ok_or(VerificationError::NoFingerprint("remote"))?;
        let mut sides = [local, remote];
        sides.sort();
        let mut hash = Sha256::new();
        hash.update(b"duet verification code v1\n");
        for side in &sides {
            hash.update(side.as_bytes());
            hash.update(b"\n");
        }
        let digest = hash.finalize();
        // The first 24 bits, six at a time.
        let bits = u32::from_be_bytes([0, digest[0], digest[1], digest[2]]);
        let symbol = |i: usize| ((bits >> (18 - 6 * i)) & 0x3f) as usize;
        Ok(Self([symbol(0), symbol(1), symbol(2), symbol(3)]))
    }

    /// The pictures, e.g. "🦊 🌵 🚲 🎈".
    pub fn symbols(&self) -> String {
        self.0
            .iter()
            .filter_map(|&i| SYMBOLS.get(i).copied())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The pictures' names in the language of `t`, e.g. "fox, cactus, bicycle, balloon", for
    /// screen readers.
    pub fn names(&self, t: &Texts) -> String {
        self.0
            .iter()
            .filter_map(|&i| t.symbol_names.get(i).copied())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.symbols())
    }
}

/// All of one description's fingerprints (session- or media-level, any hash algorithm),
/// normalised and de-duplicated, one per line; `None` when it has none.
fn fingerprints(sdp: &str) -> Option<String> {
    let mut found: Vec<String> = sdp
        .lines()
        .filter_map(|line| line.trim().strip_prefix("a=fingerprint:"))
        .map(|value| value.trim().to_ascii_lowercase())
        .collect();
    found.sort();
    found.dedup();
    (!found.is_empty()).then(|| found.join("\n"))
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    const ALICE: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n\
        a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 96\r\n\
        a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n";
    const BOB: &str = "v=0\r\na=fingerprint:sha-256 01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF\r\n";
    const MALLORY: &str = "v=0\r\na=fingerprint:sha-256 FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10\r\n";

    fn code(local: &str, remote: &str) -> VerificationCode {
        match VerificationCode::from_descriptions(local, remote) {
            Ok(code) => code,
            Err(e) => panic!("no code: {e}"),
        }
    }

    #[wasm_bindgen_test]
    fn both_sides_compute_the_same_code() {
        assert_eq!(code(ALICE, BOB), code(BOB, ALICE));
        assert_eq!(code(ALICE, BOB).symbols().split(' ').count(), CODE_LENGTH);
    }

    #[wasm_bindgen_test]
    fn a_swapped_certificate_changes_the_code() {
        // A middleman talks to each side with its own certificate: each sees a different pair.
        assert_ne!(code(ALICE, MALLORY), code(MALLORY, BOB));
        assert_ne!(code(ALICE, BOB), code(ALICE, MALLORY));
    }

    #[wasm_bindgen_test]
    fn letter_case_and_repeated_media_lines_do_not_matter() {
        let lower = ALICE.to_ascii_lowercase();
        assert_eq!(code(&lower, BOB), code(ALICE, BOB));
    }

    #[wasm_bindgen_test]
    fn a_description_without_dtls_gives_no_code() {
        assert_eq!(
            VerificationCode::from_descriptions("v=0\r\n", BOB),
            Err(VerificationError::NoFingerprint("local"))
        );
        assert_eq!(
            VerificationCode::from_descriptions(BOB, ""),
            Err(VerificationError::NoFingerprint("remote"))
        );
    }

    #[wasm_bindgen_test]
    fn the_symbols_are_distinct_and_named_in_every_language() {
        let mut symbols = SYMBOLS.to_vec();
        symbols.sort_unstable();
        symbols.dedup();
        assert_eq!(symbols.len(), SYMBOL_COUNT);
        for lang in crate::i18n::Lang::ALL {
            let t = lang.texts();
            let mut names = t.symbol_names.to_vec();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                SYMBOL_COUNT,
                "{lang:?}: one distinct name per picture"
            );
            assert_eq!(code(ALICE, BOB).names(t).split(", ").count(), CODE_LENGTH);
        }
    }
}
