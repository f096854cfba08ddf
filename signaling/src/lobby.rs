//! The registry: which room actor serves which room name, which resume tokens are live, and
//! which sessions are connected (to close them on shutdown).

use std::collections::HashMap;

use actix::{Actor, Addr, AsyncContext, Context, Handler, Message, Recipient};
use shared::{ErrorCode, LeaveReason, ResumeToken, RoomKey};

use crate::cluster::FromBus;
use crate::messages::{room_hint, Join, RoomId, ToSession};
use crate::room::SessionId;
use crate::room_actor::{CloseRoom, Leave, Remote, RoomActor, RoomSettings};

/// The lobby actor. It routes joins but never decides capacity: that is the room actor's.
pub struct Lobby {
    rooms: HashMap<RoomKey, RoomEntry>,
    /// Live resume tokens and the room each was issued for. A token leaves this map when the
    /// slot it was issued for is freed, which is how tokens expire.
    tokens: HashMap<ResumeToken, RoomKey>,
    sessions: HashMap<SessionId, Recipient<ToSession>>,
    next_room_id: u64,
    /// Handed to every room actor.
    room_settings: RoomSettings,
}

impl Lobby {
    /// A lobby whose rooms run with `room_settings`.
    pub fn new(room_settings: RoomSettings) -> Self {
        Self {
            rooms: HashMap::new(),
            tokens: HashMap::new(),
            sessions: HashMap::new(),
            next_room_id: 0,
            room_settings,
        }
    }
}

struct RoomEntry {
    id: RoomId,
    addr: Addr<RoomActor>,
    /// Joins sent to this room actor; compared with the joins it has seen before stopping it.
    joins_forwarded: u64,
}

impl Actor for Lobby {
    type Context = Context<Self>;
}

impl Handler<Join> for Lobby {
    type Result = ();

    fn handle(&mut self, msg: Join, ctx: &mut Self::Context) {
        let key = msg.room.key().clone();
        // With replicas, Redis checks whose a token is (the join script): the lobby only sees
        // this replica's tokens.
        let tokens_here = self.room_settings.cluster.is_none();
        if let Some(token) = msg.resume.as_ref().filter(|_| tokens_here) {
            if self
                .tokens
                .get(token)
                .is_some_and(|issued_for| issued_for != &key)
            {
                tracing::info!(session = %msg.session, "join refused: resume token of another room");
                msg.recipient.do_send(ToSession::Refused {
                    join: msg.join,
                    code: ErrorCode::InvalidResumeToken,
                    message: "this resume token belongs to another room".into(),
                });
                return;
            }
        }
        let entry = self.rooms.entry(key.clone()).or_insert_with(|| {
            self.next_room_id += 1;
            let id = RoomId(self.next_room_id);
            let (lobby, settings) = (ctx.address(), self.room_settings.clone());
            // On the first joiner's thread: with one worker, every hop of a relayed signal
            // stays on it (measured: fewer cross-thread wake-ups per message).
            let addr = match &msg.arbiter {
                Some(arbiter) => RoomActor::start_in_arbiter(arbiter, move |_| {
                    RoomActor::new(id, key, lobby, settings)
                }),
                None => RoomActor::new(id, key, lobby, settings).start(),
            };
            RoomEntry {
                id,
                addr,
                joins_forwarded: 0,
            }
        });
        entry.joins_forwarded += 1;
        entry.addr.do_send(msg);
    }
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

impl Handler<Withdraw> for Lobby {
    type Result = ();

    fn handle(&mut self, msg: Withdraw, _ctx: &mut Self::Context) {
        if let Some(entry) = self.rooms.get(&msg.key) {
            entry.addr.do_send(Leave {
                session: msg.session,
                reason: msg.reason,
            });
        }
    }
}

/// Sent by a room actor that has nobody in it.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct RoomEmpty {
    /// The room.
    pub key: RoomKey,
    /// Which actor reports.
    pub room_id: RoomId,
    /// How many joins the room actor has handled.
    pub joins_seen: u64,
}

impl Handler<RoomEmpty> for Lobby {
    type Result = ();

    fn handle(&mut self, msg: RoomEmpty, _ctx: &mut Self::Context) {
        let Some(entry) = self.rooms.get(&msg.key) else {
            return;
        };
        if entry.id != msg.room_id {
            return;
        }
        if entry.joins_forwarded == msg.joins_seen {
            if let Some(entry) = self.rooms.remove(&msg.key) {
                entry.addr.do_send(CloseRoom);
            }
        } else {
            // A join is on its way to the room: it lives on, and reports again when it empties.
            tracing::debug!(room = %room_hint(&msg.key), "room emptied with a join in flight");
        }
    }
}

impl Handler<FromBus> for Lobby {
    type Result = ();

    fn handle(&mut self, FromBus(envelope): FromBus, _ctx: &mut Self::Context) {
        match self.rooms.get(envelope.room.as_str()) {
            Some(entry) => entry.addr.do_send(Remote {
                to: envelope.to,
                event: envelope.event,
            }),
            // The person left this replica's room meanwhile: whatever it was is moot.
            None => {
                tracing::debug!(session = %envelope.to, "bus message for a room not here dropped")
            }
        }
    }
}

/// A room actor issued a resume token.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct TokenIssued {
    /// The token.
    pub token: ResumeToken,
    /// The only room it is good for.
    pub key: RoomKey,
}

impl Handler<TokenIssued> for Lobby {
    type Result = ();

    fn handle(&mut self, msg: TokenIssued, _ctx: &mut Self::Context) {
        self.tokens.insert(msg.token, msg.key);
    }
}

/// The slot a resume token was issued for is free: the token has expired.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct TokenFreed {
    /// The token.
    pub token: ResumeToken,
}

impl Handler<TokenFreed> for Lobby {
    type Result = ();

    fn handle(&mut self, msg: TokenFreed, _ctx: &mut Self::Context) {
        self.tokens.remove(&msg.token);
    }
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

impl Handler<Connect> for Lobby {
    type Result = ();

    fn handle(&mut self, msg: Connect, _ctx: &mut Self::Context) {
        self.sessions.insert(msg.session, msg.recipient);
    }
}

/// A session closed.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Disconnect {
    /// Who.
    pub session: SessionId,
}

impl Handler<Disconnect> for Lobby {
    type Result = ();

    fn handle(&mut self, msg: Disconnect, _ctx: &mut Self::Context) {
        self.sessions.remove(&msg.session);
    }
}

/// The service is stopping: every session closes its connection. Answers how many were told.
#[derive(Debug, Message)]
#[rtype(result = "usize")]
pub struct Shutdown;

impl Handler<Shutdown> for Lobby {
    type Result = usize;

    fn handle(&mut self, _msg: Shutdown, _ctx: &mut Self::Context) -> usize {
        for recipient in self.sessions.values() {
            recipient.do_send(ToSession::Shutdown);
        }
        self.sessions.len()
    }
}

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

impl Handler<GetStats> for Lobby {
    type Result = actix::MessageResult<GetStats>;

    fn handle(&mut self, _msg: GetStats, _ctx: &mut Self::Context) -> Self::Result {
        actix::MessageResult(Stats {
            rooms: self.rooms.len(),
            tokens: self.tokens.len(),
            sessions: self.sessions.len(),
            redis_up: self
                .room_settings
                .cluster
                .as_ref()
                .map(|cluster| cluster.is_healthy()),
        })
    }
}
