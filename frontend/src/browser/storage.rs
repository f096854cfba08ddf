//! What the browser keeps for Duet between visits: the person's "Hide my address" and
//! "Strong noise suppression" choices, their sound controls and speaker,
//! what the service last said about a relay server, and resume tokens.
//!
//! Resume tokens are kept across reloads, per room: this tab's own in `sessionStorage` (each tab
//! has its own, and it survives a reload), and the browser profile's two newest ones in
//! `localStorage` (they outlive a closed tab; the newest under the key a single token always
//! had, the other beside it). Which one a join uses is
//! [`crate::call::resume`]'s choice.
//!
//! Keyed by the room's identity ([`RoomKey`]) so that "Casa Azul" and "casa azul " find the
//! same token. Storage can be unavailable (private modes, quotas): then the app simply joins
//! without a token, which only matters for coming back after a reload.

use gloo::storage::{LocalStorage, SessionStorage, Storage};
use shared::{ResumeToken, RoomKey};

use crate::call::sound::{Processing, ProcessingSet};

/// Where "Hide my address" is kept (`true` or `false`, as JSON).
const HIDE_ADDRESS_KEY: &str = "duet.hide-address";
/// Where "Strong noise suppression" is kept (`true` or `false`, as JSON).
const STRONG_NOISE_KEY: &str = "duet.strong-noise";
/// Where each sound control is kept, after its constraint's name (`true` or `false`, as JSON).
const SOUND_KEY: &str = "duet.sound.";
/// Where the chosen speaker's `deviceId` is kept.
const SPEAKER_KEY: &str = "duet.speaker";
/// Where the latest join's answer to "is there a relay server?" is kept.
const RELAY_KEY: &str = "duet.relay";

/// Whether this person chose to hide their address (off until they turn it on).
pub fn hide_address() -> bool {
    LocalStorage::get(HIDE_ADDRESS_KEY).unwrap_or(false)
}

/// Remembers "Hide my address" for this browser.
pub fn save_hide_address(on: bool) {
    if let Err(e) = LocalStorage::set(HIDE_ADDRESS_KEY, on) {
        gloo::console::warn!(format!("could not keep the address choice: {e}"));
    }
}

/// Whether this person chose strong noise suppression (off until they turn it on).
pub fn strong_noise() -> bool {
    LocalStorage::get(STRONG_NOISE_KEY).unwrap_or(false)
}

/// Remembers "Strong noise suppression" for this browser.
pub fn save_strong_noise(on: bool) {
    if let Err(e) = LocalStorage::set(STRONG_NOISE_KEY, on) {
        gloo::console::warn!(format!("could not keep the noise choice: {e}"));
    }
}

/// The sound controls this person set in this browser: the steps they turned on, and the
/// steps they set at all (the others are left as the browser has them).
pub fn sound() -> (ProcessingSet, ProcessingSet) {
    Processing::ALL.into_iter().fold(
        (ProcessingSet::NONE, ProcessingSet::NONE),
        |(on, chosen), step| match LocalStorage::get::<bool>(format!(
            "{SOUND_KEY}{}",
            step.constraint()
        )) {
            Ok(value) => (on.with(step, value), chosen.with(step, true)),
            Err(_) => (on, chosen),
        },
    )
}

/// Remembers one sound control for this browser.
pub fn save_sound(step: Processing, on: bool) {
    if let Err(e) = LocalStorage::set(format!("{SOUND_KEY}{}", step.constraint()), on) {
        gloo::console::warn!(format!("could not keep the sound choice: {e}"));
    }
}

/// The speaker this person chose (its `deviceId`), if any.
pub fn speaker() -> Option<String> {
    LocalStorage::get(SPEAKER_KEY).ok()
}

/// Remembers the speaker for this browser.
pub fn save_speaker(id: &str) {
    if let Err(e) = LocalStorage::set(SPEAKER_KEY, id) {
        gloo::console::warn!(format!("could not keep the speaker: {e}"));
    }
}

/// Whether the service offered a relay server (TURN) with the latest join in this browser;
/// `None` before any join.
pub fn relay_offered() -> Option<bool> {
    LocalStorage::get(RELAY_KEY).ok()
}

/// Remembers whether the latest join offered a relay server.
pub fn save_relay_offered(offered: bool) {
    if let Err(e) = LocalStorage::set(RELAY_KEY, offered) {
        gloo::console::warn!(format!("could not keep what the service offers: {e}"));
    }
}

/// How many tokens the profile keeps per room: a room holds two people, and two tabs of one
/// profile can be both of them.
pub const SHARED_TOKENS: usize = shared::ROOM_CAPACITY;

/// This tab's token lives in `sessionStorage` under the same name as the profile's newest.
fn own_key(room: &RoomKey) -> String {
    shared_key(room, 0)
}

/// Where the profile's `slot`th newest token for the room is kept: the newest where a single
/// token always was (so an older version's token still counts), the other beside it.
fn shared_key(room: &RoomKey, slot: usize) -> String {
    match slot {
        0 => format!("duet.resume.{}", room.as_str()),
        n => format!("duet.resume-{n}.{}", room.as_str()),
    }
}

/// This tab's token for the room, if any (a malformed one counts as none).
pub fn own_token(room: &RoomKey) -> Option<ResumeToken> {
    let text: String = SessionStorage::get(own_key(room)).ok()?;
    ResumeToken::parse(&text).ok()
}

/// Keeps this tab's token for the room.
pub fn save_own_token(room: &RoomKey, token: &ResumeToken) {
    if let Err(e) = SessionStorage::set(own_key(room), token.as_str()) {
        gloo::console::warn!(format!("could not keep the resume token: {e}"));
    }
}

/// Forgets this tab's token for the room.
pub fn forget_own_token(room: &RoomKey) {
    SessionStorage::delete(own_key(room));
}

/// The profile's recent tokens for the room, newest first (malformed ones are skipped).
pub fn shared_tokens(room: &RoomKey) -> Vec<ResumeToken> {
    (0..SHARED_TOKENS)
        .filter_map(|slot| LocalStorage::get::<String>(shared_key(room, slot)).ok())
        .filter_map(|t| ResumeToken::parse(&t).ok())
        .collect()
}

/// Replaces the profile's tokens for the room.
pub fn save_shared_tokens(room: &RoomKey, tokens: &[ResumeToken]) {
    for slot in 0..SHARED_TOKENS {
        let key = shared_key(room, slot);
        match tokens.get(slot) {
            Some(token) => {
                if let Err(e) = LocalStorage::set(key, token.as_str()) {
                    gloo::console::warn!(format!("could not keep the resume token: {e}"));
                }
            }
            None => LocalStorage::delete(key),
        }
    }
}

/// The profile's tokens after this tab's token changed from `old` to `new`: `new` first,
/// `old` gone (it is no longer anyone's), no duplicates, at most [`SHARED_TOKENS`].
pub fn remember(
    tokens: &[ResumeToken],
    new: Option<&ResumeToken>,
    old: Option<&ResumeToken>,
) -> Vec<ResumeToken> {
    new.into_iter()
        .chain(tokens.iter().filter(|t| Some(*t) != old && Some(*t) != new))
        .take(SHARED_TOKENS)
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::RoomName;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn token(byte: u8) -> ResumeToken {
        ResumeToken::from_bytes([byte; 16])
    }

    #[wasm_bindgen_test]
    fn a_token_is_found_again_under_any_spelling_of_the_room() -> Result<(), shared::RoomNameError>
    {
        let typed = RoomName::parse("  Storage Test Room ")?;
        let again = RoomName::parse("storage test ROOM")?;
        save_own_token(typed.key(), &token(7));
        assert_eq!(own_token(again.key()), Some(token(7)));
        forget_own_token(again.key());
        assert_eq!(own_token(typed.key()), None);

        save_shared_tokens(typed.key(), &[token(1), token(2)]);
        assert_eq!(shared_tokens(again.key()), [token(1), token(2)]);
        save_shared_tokens(again.key(), &[token(3)]);
        assert_eq!(shared_tokens(typed.key()), [token(3)]);
        save_shared_tokens(again.key(), &[]);
        assert_eq!(shared_tokens(typed.key()), []);
        Ok(())
    }

    #[wasm_bindgen_test]
    fn a_token_kept_by_an_older_version_still_counts() -> Result<(), shared::RoomNameError> {
        let room = RoomName::parse("Storage Upgrade Room")?;
        // What the single-token version wrote.
        let _ = LocalStorage::set(
            format!("duet.resume.{}", room.key().as_str()),
            token(5).as_str(),
        );
        assert_eq!(shared_tokens(room.key()), [token(5)]);
        save_shared_tokens(room.key(), &[]);
        Ok(())
    }

    #[wasm_bindgen_test]
    fn the_noise_choice_is_remembered() {
        LocalStorage::delete(STRONG_NOISE_KEY);
        assert!(!strong_noise(), "off until chosen");
        save_strong_noise(true);
        assert!(strong_noise());
        save_strong_noise(false);
        assert!(!strong_noise());
        LocalStorage::delete(STRONG_NOISE_KEY);
    }

    #[wasm_bindgen_test]
    fn the_sound_controls_and_the_speaker_are_remembered() {
        let clear = || {
            for step in Processing::ALL {
                LocalStorage::delete(format!("{SOUND_KEY}{}", step.constraint()));
            }
            LocalStorage::delete(SPEAKER_KEY);
        };
        clear();
        assert_eq!(
            sound(),
            (ProcessingSet::NONE, ProcessingSet::NONE),
            "nothing set"
        );
        assert_eq!(speaker(), None, "the default speaker until one is chosen");
        save_sound(Processing::EchoCancellation, false);
        save_sound(Processing::AutoGain, true);
        save_speaker("a-speaker");
        let (on, chosen) = sound();
        assert_eq!(on.iter().collect::<Vec<_>>(), [Processing::AutoGain]);
        assert_eq!(
            chosen.iter().collect::<Vec<_>>(),
            [Processing::EchoCancellation, Processing::AutoGain]
        );
        assert_eq!(speaker().as_deref(), Some("a-speaker"));
        // Something else under a key (another version, a person's hand) counts as unset.
        let _ = LocalStorage::set(format!("{SOUND_KEY}noiseSuppression"), "off");
        assert!(!sound().1.contains(Processing::NoiseSuppression));
        clear();
    }

    #[wasm_bindgen_test]
    fn the_address_choice_and_the_relay_are_remembered() {
        LocalStorage::delete(HIDE_ADDRESS_KEY);
        LocalStorage::delete(RELAY_KEY);
        assert!(!hide_address(), "off until chosen");
        assert_eq!(relay_offered(), None, "unknown before a join");
        save_hide_address(true);
        save_relay_offered(false);
        assert!(hide_address());
        assert_eq!(relay_offered(), Some(false));
        save_hide_address(false);
        save_relay_offered(true);
        assert!(!hide_address());
        assert_eq!(relay_offered(), Some(true));
        // Something else under the key (another version, a person's hand) counts as unset.
        let _ = LocalStorage::set(HIDE_ADDRESS_KEY, "yes");
        assert!(!hide_address());
        LocalStorage::delete(HIDE_ADDRESS_KEY);
        LocalStorage::delete(RELAY_KEY);
    }

    #[wasm_bindgen_test]
    fn the_profile_keeps_the_newest_tokens_of_a_room() {
        assert_eq!(remember(&[], Some(&token(1)), None), [token(1)]);
        assert_eq!(
            remember(&[token(1)], Some(&token(2)), None),
            [token(2), token(1)],
            "a second tab's token joins the first's"
        );
        assert_eq!(
            remember(&[token(2), token(1)], Some(&token(3)), Some(&token(1))),
            [token(3), token(2)],
            "a tab's new token replaces its old one, not the other tab's"
        );
        assert_eq!(
            remember(&[token(2), token(1)], Some(&token(3)), None),
            [token(3), token(2)],
            "at most two"
        );
        assert_eq!(
            remember(&[token(1), token(2)], Some(&token(2)), None),
            [token(2), token(1)],
            "no duplicates"
        );
        assert_eq!(
            remember(&[token(1), token(2)], None, Some(&token(1))),
            [token(2)],
            "a forgotten token goes"
        );
    }
}
