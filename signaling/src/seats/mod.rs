//! Who holds a room's seats, behind one interface.
//!
//! A room actor ([`crate::room_actor`]) serves the people of its room who are connected to
//! this process. Who holds the room's two seats is its [`Seats`]' business: kept here by
//! [`in_memory`] (one process: [`crate::room::Room`]'s rules), or in Redis and shared with the
//! other replicas of the service by [`in_redis`]. The lobby holds the [`Registry`] that makes each
//! room's seats. Neither actor asks which kind it has.
//!
//! The interface speaks of the people *here* (sessions of this process) only: telling someone
//! connected to another replica is the seats' own business, and so is anything that arrives
//! from another replica ([`Replicated`]).

pub mod in_memory;
pub mod in_redis;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use shared::{LeaveReason, RawSignal, ResumeToken, Role, RoomKey};

use crate::cluster::{BusEvent, Seat};
use crate::room::SessionId;

/// Keeps the seats of every room of the service: made once at start, held by the lobby.
pub trait Registry: Send + Unpin + 'static {
    /// One room's seats.
    type Seats: Seats;

    /// The seats of the room `key`, of which nobody here holds any yet.
    fn seats(&self, key: &RoomKey) -> Self::Seats;

    /// Whether the registry can be reached now; `None` for one that cannot be lost.
    fn is_up(&self) -> Option<bool>;
}

/// One room's seats, as the people of the room connected here hold them.
///
/// `Send`: a room actor starts on its first joiner's thread, so its seats travel there.
pub trait Seats: Send + Unpin + Sized + 'static {
    /// Asks for a seat, with [`crate::room::Room::join`]'s rules.
    fn join(&mut self, request: SeatRequest) -> Answer<Self, Joining>;

    /// Tells the other person that `session` has just been admitted (a takeover included:
    /// the browsers redo their hello handshake). Answers what the room must do for them when
    /// they are here; someone elsewhere is told by the seats.
    fn announce(&mut self, session: SessionId) -> Option<Notice>;

    /// Frees `session`'s seat, telling the other person why (`reason`). `None` when it holds
    /// none (a connection that was replaced, or whose join was refused): nothing to do.
    fn leave(&mut self, session: SessionId, reason: LeaveReason) -> Option<Answer<Self, Left>>;

    /// Where a signal from `from` goes. One for someone elsewhere is sent on by the seats.
    fn route(&mut self, from: SessionId, signal: RawSignal) -> Route;

    /// How often the seats must be renewed, if they are leased (held only until the lease
    /// runs out unless renewed); `None` if they last as long as their holders.
    fn renewal(&self) -> Option<Duration>;

    /// Renews the seats of the people here, and answers what the room must do about what it
    /// learnt (the other person gone or back, a seat taken over or lost).
    fn renew(&mut self) -> Answer<Self, Vec<Notice>>;
}

/// Seats shared with other replicas: news of the room comes from them too, over the bus.
pub trait Replicated: Seats {
    /// `event`, from another replica, about `to` (a session here): what the room must do.
    fn incoming(&mut self, to: SessionId, event: BusEvent) -> Option<Incoming>;

    /// Tells `to`, elsewhere, that a signal it sent was not passed on (its friend here is
    /// not keeping up).
    fn not_passed_on(&self, to: Seat);
}

/// An answer of the seats: decided at once, or by a registry elsewhere.
pub enum Answer<S, T> {
    /// Decided here and now.
    Now(T),
    /// Decided elsewhere. The room waits for it, handling nothing else meanwhile (so that,
    /// say, a signal cannot overtake its sender's join), then has the seats take in what came
    /// back, on the room's own thread.
    Later(Pin<Box<dyn Future<Output = Settle<S, T>>>>),
}

/// What came back from a registry elsewhere, for the seats to take in.
pub type Settle<S, T> = Box<dyn FnOnce(&mut S) -> T>;

/// A session asking for a seat.
#[derive(Debug)]
pub struct SeatRequest {
    /// Who asks.
    pub session: SessionId,
    /// The token it came back with, which takes over the seat it was issued for.
    pub resume: Option<ResumeToken>,
    /// The token of a free seat, should it get one.
    pub fresh: ResumeToken,
}

/// What a join came to.
#[derive(Debug)]
pub enum Joining {
    /// A seat for the joiner.
    Admitted(Admitted),
    /// Two other people hold the seats.
    Full,
    /// The resume token belongs to another room.
    WrongRoom,
    /// The registry could not be reached to decide.
    Unavailable,
}

/// A seat given to a joiner.
#[derive(Debug)]
pub struct Admitted {
    /// The joiner's part in perfect negotiation.
    pub role: Role,
    /// The joiner's resume token: the one it came back with on a takeover, else the fresh one.
    pub token: ResumeToken,
    /// Whether the other person is in the room.
    pub peer_present: bool,
    /// On a takeover, the connection that lost the seat.
    pub replaced: Option<Someone>,
    /// A newly issued token that the lobby must keep until it is freed, to refuse it for any
    /// other room; `None` when the registry keeps tokens itself.
    pub issued: Option<ResumeToken>,
}

/// A seat freed.
#[derive(Debug)]
pub struct Left {
    /// A token that is good for nothing any more, for the lobby to forget; `None` when the
    /// registry keeps tokens itself.
    pub freed: Option<ResumeToken>,
    /// What the room must do for the other person, if they are here.
    pub then: Option<Notice>,
}

/// A person's connection, wherever it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Someone {
    /// A session of this process.
    Here(SessionId),
    /// A session of another replica (Redis mode), told by its own replica.
    Elsewhere(Seat),
}

impl fmt::Display for Someone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Here(session) => session.fmt(f),
            Self::Elsewhere(seat) => seat.fmt(f),
        }
    }
}

/// Where a signal goes.
#[derive(Debug)]
pub enum Route {
    /// To the other person, a session here.
    Here(SessionId, RawSignal),
    /// Sent on to the other person's replica.
    Elsewhere,
    /// The other person is elsewhere and the registry that reaches them cannot be reached.
    Unavailable,
    /// Nobody to pass it to: the sender is alone, or holds no seat.
    Nowhere,
}

/// What the room must do for one of its people here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Tell them that the other person (re)joined (`peer_joined`).
    PeerJoined(SessionId),
    /// Tell them that the other person left (`peer_left`).
    PeerLeft(SessionId, LeaveReason),
    /// Tell them that a signal of theirs was not passed on (`rate_limited`).
    NotPassedOn(SessionId),
    /// Their seat is no longer theirs: stop serving them and tell them why.
    Dismissed(SessionId, Dismissal),
}

/// Why a seat is no longer its holder's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dismissal {
    /// Another connection took it over with its resume token.
    Replaced,
    /// The registry lost it while away, and someone else took it meanwhile.
    SlotLost,
}

/// What the room must do about news from another replica.
#[derive(Debug)]
pub enum Incoming {
    /// For one of its people, as for news from here.
    Notice(Notice),
    /// Pass a signal from the other person, elsewhere, to `to`.
    Signal {
        /// The session here it is for.
        to: SessionId,
        /// Who sent it, to be told should it not be passed on.
        from: Seat,
        /// The payload, untouched.
        signal: RawSignal,
    },
}
