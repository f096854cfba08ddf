//! What the actors tell each other, all in one place (as in actix's chat example).
//!
//! The actors reach each other through the [`Recipient`]s here, never through each other's
//! types, so that dependencies run one way (http → session → lobby → room → seats): a
//! session holds a [`LobbyLink`] and, once admitted, a [`RoomLink`]; a room reports to the
//! lobby through a `Recipient<FromRoom>`.

use std::time::Instant;

use actix::{Actor, Addr, ArbiterHandle, Handler, Message, Recipient};
use shared::{ErrorCode, LeaveReason, RawSignal, ResumeToken, RoomKey, RoomName, ServerMsg};

use crate::cluster::BusEvent;
/// What arrives from another replica over the bus, for the lobby to route to a room. Declared
/// by the bus, which delivers it.
pub use crate::cluster::FromBus;
use crate::outbox::Outbox;
use crate::room::SessionId;

/// One room actor's identity. A room name can be reused by a new actor after the old one
/// stopped; messages tagged with this id cannot be mistaken for the new room's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoomId(pub u64);

/// Tells one join attempt of a session from its later ones, so that a late answer to a join
/// the browser has since abandoned is recognised and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinId(pub u64);

// ---- To a session, from the lobby or its room ----

/// Sent to a session by the lobby or by its room.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub enum ToSession {
    /// The join was admitted: the session is in `room` now and sends the browser `joined`.
    Admitted {
        /// Which join this answers.
        join: JoinId,
        /// The room actor, for relaying and leaving.
        room: RoomLink,
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
        /// A relayed signal: when it reached this process (for `/metrics`' relay latency).
        arrived: Option<Instant>,
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

/// How a session reaches the room it is in. Made once per room actor and shared.
#[derive(Debug, Clone)]
pub struct RoomLink(std::sync::Arc<RoomRecipients>);

#[derive(Debug)]
struct RoomRecipients {
    relay: Recipient<Relay>,
    leave: Recipient<Leave>,
}

impl RoomLink {
    /// The link to the room actor at `room`.
    pub fn new<A>(room: &Addr<A>) -> Self
    where
        A: Actor<Context = actix::Context<A>> + Handler<Relay> + Handler<Leave>,
    {
        Self(std::sync::Arc::new(RoomRecipients {
            relay: room.clone().recipient(),
            leave: room.clone().recipient(),
        }))
    }

    /// Passes a signal to the room.
    pub fn relay(&self, msg: Relay) {
        self.0.relay.do_send(msg);
    }

    /// Leaves the room.
    pub fn leave(&self, msg: Leave) {
        self.0.leave.do_send(msg);
    }
}

// ---- To the lobby, from sessions and the server ----

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

/// Makes a session that asked to join leave again, whether or not the join got in yet.
///
/// Sent through the lobby, not straight to the room, because the session does not know its
/// room actor until admitted; the lobby forwards it after the join, so the room sees both in
/// order.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Withdraw {
    /// The room the session asked to join.
    pub key: RoomKey,
    /// Who withdraws.
    pub session: SessionId,
    /// What the other person is told, should the join have got in.
    pub reason: LeaveReason,
}

/// A session opened.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Connect {
    /// Who.
    pub session: SessionId,
    /// Where to send [`ToSession::Shutdown`].
    pub recipient: Recipient<ToSession>,
}

/// A session closed.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Disconnect {
    /// Who.
    pub session: SessionId,
}

/// The service is stopping: every session closes its connection. Answers how many were told.
#[derive(Debug, Message)]
#[rtype(result = "usize")]
pub struct Shutdown;

/// A snapshot of the lobby's bookkeeping, for tests and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Room actors alive.
    pub rooms: usize,
    /// Resume tokens still good.
    pub tokens: usize,
    /// Connected sessions.
    pub sessions: usize,
    /// Redis mode: whether Redis answers and the bus is subscribed. `None` in one process.
    pub redis_up: Option<bool>,
}

/// Asks for [`Stats`].
#[derive(Debug, Message)]
#[rtype(result = "Stats")]
pub struct GetStats;

/// How sessions reach the lobby, whatever keeps its rooms' seats. Made once at start and
/// shared by every session.
#[derive(Debug)]
pub struct LobbyLink {
    /// For [`Join`].
    pub join: Recipient<Join>,
    /// For [`Withdraw`].
    pub withdraw: Recipient<Withdraw>,
    /// For [`Connect`].
    pub connect: Recipient<Connect>,
    /// For [`Disconnect`].
    pub disconnect: Recipient<Disconnect>,
}

impl LobbyLink {
    /// The link to the lobby at `lobby`.
    pub fn new<A>(lobby: &Addr<A>) -> Self
    where
        A: Actor<Context = actix::Context<A>>
            + Handler<Join>
            + Handler<Withdraw>
            + Handler<Connect>
            + Handler<Disconnect>,
    {
        Self {
            join: lobby.clone().recipient(),
            withdraw: lobby.clone().recipient(),
            connect: lobby.clone().recipient(),
            disconnect: lobby.clone().recipient(),
        }
    }
}

/// How the server reaches the lobby: its bookkeeping (for `/metrics` too), and the stop.
#[derive(Debug, Clone)]
pub struct LobbyControl {
    /// For [`GetStats`].
    pub stats: Recipient<GetStats>,
    /// For [`Shutdown`].
    pub shutdown: Recipient<Shutdown>,
}

impl LobbyControl {
    /// The control of the lobby at `lobby`.
    pub fn new<A>(lobby: &Addr<A>) -> Self
    where
        A: Actor<Context = actix::Context<A>> + Handler<GetStats> + Handler<Shutdown>,
    {
        Self {
            stats: lobby.clone().recipient(),
            shutdown: lobby.clone().recipient(),
        }
    }
}

// ---- To the lobby, from its rooms ----

/// What a room actor tells the lobby.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub enum FromRoom {
    /// Nobody is in the room. The lobby stops it unless a join is on its way to it.
    Empty {
        /// The room.
        key: RoomKey,
        /// Which actor reports.
        room_id: RoomId,
        /// How many joins the room actor has handled.
        joins_seen: u64,
    },
    /// The room issued a resume token (in memory: the lobby keeps live tokens).
    TokenIssued {
        /// The token.
        token: ResumeToken,
        /// The only room it is good for.
        key: RoomKey,
    },
    /// The slot a resume token was issued for is free: the token has expired.
    TokenFreed {
        /// The token.
        token: ResumeToken,
    },
}

// ---- To a room, from its sessions and the lobby ----

/// A session gives up its slot.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Leave {
    /// Who leaves.
    pub session: SessionId,
    /// What the other person is told.
    pub reason: LeaveReason,
}

/// A WebRTC payload from one occupant for the other.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Relay {
    /// The sender.
    pub from: SessionId,
    /// The payload, untouched.
    pub signal: RawSignal,
    /// When its frame reached this process.
    pub arrived: Instant,
}

/// Something another replica says about one of a room's people (Redis mode).
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Remote {
    /// The session it is for.
    pub to: SessionId,
    /// What happened.
    pub event: BusEvent,
    /// When it reached this process.
    pub arrived: Instant,
}

/// Sent by the lobby to a room it has forgotten: no join can reach it any more.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct CloseRoom;
