//! What the actors tell each other. Kept apart from the actors so that the session (the one
//! piece tied to actix-web-actors) can be rewritten without touching rooms or the lobby.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix::{Addr, ArbiterHandle, Message, Recipient};
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
    /// Redis mode: Redis could not be reached to decide the join. Tell the browser and close
    /// (1013): it comes back and resumes once Redis answers again.
    Unavailable {
        /// Which join this answers.
        join: JoinId,
    },
    /// Redis mode: Redis lost the room while it was away and another person took the slot
    /// meanwhile. Tell the browser and close (1013).
    SlotLost {
        /// The room whose slot is lost.
        room_id: RoomId,
    },
    /// A message for the browser from its room (`peer_joined`, `peer_left`, `signal`).
    Deliver {
        /// The room it comes from: stale deliveries from a room the session left are dropped.
        room_id: RoomId,
        /// The message.
        msg: ServerMsg<RawSignal>,
        /// What the room added to the session's [`Outbox`] for it, taken off on arrival.
        queued: usize,
    },
    /// The browser stopped reading: its room dropped it (see [`Outbox`]). Close.
    Evicted {
        /// The room that dropped it.
        room_id: RoomId,
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
    /// The session's count of bytes on their way to it.
    pub outbox: Outbox,
    /// The thread (arbiter) the session runs on, where a new room actor is started: then a
    /// relayed signal goes session → room → session without leaving that thread. `None`
    /// outside an actix arbiter (the room then starts next to the lobby).
    pub arbiter: Option<ArbiterHandle>,
}

/// Bytes sent to one session that it has not taken yet.
///
/// actix-web-actors keeps no bound on what waits for a WebSocket: once the browser stops
/// reading, the HTTP layer stops polling the session actor, and every message sent to it
/// (`do_send` ignores mailbox capacity) piles up in its mailbox. The room adds each delivery's
/// size here before sending it and the session takes it off on arrival, so the room sees the
/// pile-up and can drop the session long before memory runs out.
#[derive(Debug, Clone, Default)]
pub struct Outbox(Arc<AtomicUsize>);

impl Outbox {
    /// Counts `bytes` more on their way; answers the total now waiting.
    pub fn add(&self, bytes: usize) -> usize {
        self.0
            .fetch_add(bytes, Ordering::Relaxed)
            .saturating_add(bytes)
    }

    /// Counts `bytes` as taken.
    pub fn take(&self, bytes: usize) {
        // Never below zero, even if a caller miscounts.
        let _ = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(n.saturating_sub(bytes))
            });
    }

    /// Bytes waiting now.
    pub fn waiting(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// What a message for a browser weighs in an [`Outbox`]: its payload plus the envelope, an
/// estimate within a few dozen bytes of the frame sent (encoding it here just to measure
/// would double the relay's work).
pub fn queued_size(msg: &ServerMsg<RawSignal>) -> usize {
    const ENVELOPE: usize = 64;
    match msg {
        ServerMsg::Signal { signal } => signal.0.get().len() + ENVELOPE,
        _ => ENVELOPE,
    }
}

/// A room key in a form fit for logs at info level: room names are chosen by people and may
/// be personal, so only a short hash is shown.
pub fn room_hint(key: &RoomKey) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    format!("r{:08x}", hasher.finish() as u32)
}
