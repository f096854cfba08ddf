//! The two joiners, which the rules and both sources of Unicode data treat alike (a module of
//! its own so that the data modules need not reach back into their parent).

/// The zero-width non-joiner and joiner: formatting characters, but part of how Persian is
/// spelt and of emoji sequences, so allowed where they can join something.
pub(super) fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}
