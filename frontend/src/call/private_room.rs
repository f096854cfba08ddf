//! Private room names: random enough that nobody finds the room by guessing, short enough to
//! read out over the phone.
//!
//! A typed name ("Sunday with Grandma") can be guessed, and whoever guesses it joins the call.
//! A private name is 20 characters of Crockford's base 32 (no `i l o u`, so nothing reads like
//! something else): 100 random bits from `crypto.getRandomValues`, grouped in fives: `k7dq2-xm9tb-...`.

use wasm_bindgen::JsValue;

/// Crockford's base 32, lower case: the digits and the letters except `i l o u`, so no symbol
/// reads like another (`0`/`o`, `1`/`l`/`i`).
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// How many random bytes a name uses (only the first [`NAME_BITS`] bits count).
pub const RANDOM_BYTES: usize = 13;
/// The random bits in a name.
pub const NAME_BITS: usize = 100;
const SYMBOLS: usize = NAME_BITS / 5;
// At least 80 bits (the floor), and no more than the bytes drawn.
const _: () = assert!(NAME_BITS >= 80 && NAME_BITS <= RANDOM_BYTES * 8 && NAME_BITS % 5 == 0);

/// The browser gave no random numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the browser has no secure random numbers: {0}")]
pub struct RandomError(String);

/// The name made from these random bytes.
pub fn name_from_bytes(bytes: &[u8; RANDOM_BYTES]) -> String {
    let mut name = String::with_capacity(SYMBOLS + SYMBOLS / 5);
    for i in 0..SYMBOLS {
        let bit = i * 5;
        // Five bits starting at `bit`, possibly across two bytes.
        let pair = (u16::from(bytes[bit / 8]) << 8)
            | u16::from(bytes.get(bit / 8 + 1).copied().unwrap_or(0));
        let value = (pair >> (11 - bit % 8)) & 0x1f;
        if i > 0 && i % 5 == 0 {
            name.push('-');
        }
        name.push(char::from(ALPHABET[usize::from(value)]));
    }
    name
}

/// A fresh private room name from the browser's cryptographic random numbers.
pub fn generate() -> Result<String, RandomError> {
    let window = web_sys::window().ok_or_else(|| RandomError("no window".into()))?;
    let crypto = window
        .crypto()
        .map_err(|e: JsValue| RandomError(format!("{e:?}")))?;
    let mut bytes = [0u8; RANDOM_BYTES];
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|e| RandomError(format!("{e:?}")))?;
    Ok(name_from_bytes(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::RoomName;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn names_carry_at_least_80_bits_in_an_unambiguous_alphabet() {
        // Every symbol is one of 32: five bits each.
        let symbols = ALPHABET.iter().collect::<std::collections::BTreeSet<_>>();
        assert_eq!(symbols.len(), 32);
        let name = name_from_bytes(&[0xff; RANDOM_BYTES]);
        assert_eq!(name.len(), 23, "{name}");
        assert_eq!(name.matches('-').count(), 3);
    }

    #[wasm_bindgen_test]
    fn every_bit_of_the_randomness_shows_in_the_name() {
        let zero = name_from_bytes(&[0; RANDOM_BYTES]);
        let mut seen = std::collections::BTreeSet::new();
        for bit in 0..NAME_BITS {
            let mut bytes = [0; RANDOM_BYTES];
            bytes[bit / 8] = 0x80 >> (bit % 8);
            let name = name_from_bytes(&bytes);
            assert_ne!(name, zero, "bit {bit} is lost");
            assert!(seen.insert(name), "bit {bit} collides with another");
        }
    }

    #[wasm_bindgen_test]
    fn generated_names_are_valid_room_names_and_differ() {
        let (a, b) = match (generate(), generate()) {
            (Ok(a), Ok(b)) => (a, b),
            other => panic!("{other:?}"),
        };
        assert_ne!(a, b);
        for name in [&a, &b] {
            assert!(RoomName::parse(name).is_ok(), "{name}");
            assert!(name
                .chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        }
    }
}
