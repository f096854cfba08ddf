//! Resume tokens kept across reloads, one per room, in `localStorage`.
//!
//! Keyed by the room's identity ([`RoomKey`]) so that "Casa Azul" and "casa azul " find the
//! same token. Storage can be unavailable (private modes, quotas): then the app simply joins
//! without a token, which only matters for coming back after a reload.

use gloo::storage::{LocalStorage, Storage};
use shared::{ResumeToken, RoomKey};

fn storage_key(room: &RoomKey) -> String {
    format!("duet.resume.{}", room.as_str())
}

/// The token kept for this room, if any (a malformed one counts as none).
pub fn load_token(room: &RoomKey) -> Option<ResumeToken> {
    let text: String = LocalStorage::get(storage_key(room)).ok()?;
    ResumeToken::parse(&text).ok()
}

/// Keeps the token for this room.
pub fn save_token(room: &RoomKey, token: &ResumeToken) {
    if let Err(e) = LocalStorage::set(storage_key(room), token.as_str()) {
        gloo::console::warn!(format!("could not keep the resume token: {e}"));
    }
}

/// Forgets the token for this room.
pub fn forget_token(room: &RoomKey) {
    LocalStorage::delete(storage_key(room));
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::RoomName;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn a_token_is_found_again_under_any_spelling_of_the_room() -> Result<(), shared::RoomNameError>
    {
        let typed = RoomName::parse("  Storage Test Room ")?;
        let again = RoomName::parse("storage test ROOM")?;
        let token = ResumeToken::from_bytes([7; 16]);
        save_token(typed.key(), &token);
        assert_eq!(load_token(again.key()), Some(token));
        forget_token(again.key());
        assert_eq!(load_token(typed.key()), None);
        Ok(())
    }
}
