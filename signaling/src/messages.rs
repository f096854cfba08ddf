//! What the actors tell each other. Kept apart from the actors so that the session (the one
//! piece tied to actix-web-actors) can be rewritten without touching rooms or the lobby.

use actix::{Addr, Message, Recipient};
use shared::{ErrorCode, RawSignal, ResumeToken, RoomKey, RoomName, ServerMsg};

use crate::room::SessionId;
use crate::room_actor::RoomActor;

/// One room actor's identity. A room name can be reused by a new actor after the old one
/// stopped; messages tagged with this id cannot be mistaken for the new room's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoomId(pub u64);

/// Tells one join attempt of a session from its later ones, so that a late answer to a join
/// the browser has since abandoned is recognised and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinId(pub u64);

/// Sent to a session by the lobby or by its room.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub enum ToSession {
    /// The join was admitted: the session is in `room` now and sends the browser `joined`.
    Admitted {
        /// Which join this answers.
        join: JoinId,
        /// The room actor, for relaying and leaving.
        room: Addr<RoomActor>,
        /// The room actor's identity.
        room_id: RoomId,
        /// The `joined` message for the browser.
        joined: ServerMsg<RawSignal>,
    },
    /// The join was refused; the session is in no room and tells the browser why.
    Refused {
        /// Which join this answers.
        join: JoinId,
        /// Why.
        code: ErrorCode,
        /// Why, for people.
        message: String,
    },
    /// The join could not be handled because of a fault in the service, not the browser.
    Failed {
        /// Which join this answers.
        join: JoinId,
    },
    /// A message for the browser from its room (`peer_joined`, `peer_left`, `signal`).
    Deliver {
        /// The room it comes from: stale deliveries from a room the session left are dropped.
        room_id: RoomId,
        /// The message.
        msg: ServerMsg<RawSignal>,
    },
    /// A newer connection took this session's slot with its resume token.
    Replaced {
        /// The room whose slot was taken.
        room_id: RoomId,
    },
    /// The service is stopping: close the connection.
    Shutdown,
}

/// Asks the lobby, and then the room, to admit a session.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Join {
    /// Who asks.
    pub session: SessionId,
    /// Which attempt of that session this is.
    pub join: JoinId,
    /// Where to send the answer and, once admitted, the room's messages.
    pub recipient: Recipient<ToSession>,
    /// The room, as the browser typed it.
    pub room: RoomName,
    /// The resume token the browser came back with, if any.
    pub resume: Option<ResumeToken>,
}

/// A room key in a form fit for logs at info level: room names are chosen by people and may
/// be personal, so only a short hash is shown.
pub fn room_hint(key: &RoomKey) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    format!("r{:08x}", hasher.finish() as u32)
}
