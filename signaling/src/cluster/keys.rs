//! The names of Duet's keys and channels in Redis.

use shared::RoomKey;

use super::seat::ReplicaId;

/// Where every Redis key of Duet starts, so that one Redis can serve other things too.
const PREFIX: &str = "duet:";

/// The key holding a room's occupants.
pub fn room_key(key: &RoomKey) -> String {
    format!("{PREFIX}room:{}", key.as_str())
}

/// What a live resume token's key starts with (the token follows).
pub fn token_prefix() -> String {
    format!("{PREFIX}token:")
}

/// The pub/sub channel that carries messages for `replica`.
pub fn channel(replica: ReplicaId) -> String {
    format!("{PREFIX}bus:{:016x}", replica.0)
}
