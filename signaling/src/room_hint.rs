//! How a room appears in logs.

use shared::RoomKey;

/// A room key in a form fit for logs at info level: room names are chosen by people and may
/// be personal, so only a short hash is shown.
pub fn room_hint(key: &RoomKey) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    format!("r{:08x}", hasher.finish() as u32)
}
