//! The names of Duet's keys and channels in Redis.
//!
//! Each name carries a Redis Cluster hash tag (`{…}`), so that what one command or script
//! touches lives in one slot: a room's keys share the room's tag; a resume token's key is
//! tagged by the token (the join checks it apart from the room's script); every replica's bus
//! channel shares one tag, so a batch of publications is one pipeline to one node (pub/sub in
//! a cluster reaches every node anyway).

use shared::{ResumeToken, RoomKey};

use super::seat::ReplicaId;

/// Where every Redis key of Duet starts, so that one Redis can serve other things too.
const PREFIX: &str = "duet:";

/// The key holding a room's occupants.
pub fn room_key(key: &RoomKey) -> String {
    format!("{PREFIX}room:{{{}}}", key.as_str())
}

/// The key recording who left `key`'s room cleanly, and why, for a lease: the other replica's
/// renewal may find the slot gone before the departing replica's word crosses the bus, and
/// must not take a hang-up for a lost connection. In the room's hash slot.
pub fn departures_key(key: &RoomKey) -> String {
    format!("{}:left", room_key(key))
}

/// The key naming the room a live resume token belongs to.
pub fn token_key(token: &ResumeToken) -> String {
    format!("{PREFIX}token:{{{}}}", token.as_str())
}

/// The pub/sub channel that carries messages for `replica`.
pub fn channel(replica: ReplicaId) -> String {
    format!("{PREFIX}{{bus}}:{:016x}", replica.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash tag of a key, as Redis Cluster reads it: what is between the first `{` and
    /// the first `}` after it.
    fn tag(name: &str) -> Option<&str> {
        name.split_once('{')
            .and_then(|(_, rest)| rest.split_once('}'))
            .map(|(tag, _)| tag)
    }

    #[test]
    fn every_name_has_one_hash_tag() {
        let room = shared::RoomName::parse("Casa Azul");
        assert!(room.is_ok());
        let Ok(room) = room else { return };
        let token = ResumeToken::from_bytes([7; 16]);
        for name in [
            room_key(room.key()),
            departures_key(room.key()),
            token_key(&token),
            channel(ReplicaId(1)),
        ] {
            assert!(tag(&name).is_some_and(|t| !t.is_empty()), "{name}");
        }
        // A room's keys are in one slot on a cluster, so one script may touch them all.
        assert_eq!(tag(&room_key(room.key())), tag(&departures_key(room.key())));
    }
}
