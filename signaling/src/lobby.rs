//! The lobby: which room actor serves which room name, which resume tokens are live, and which
//! sessions are connected (to close them on shutdown).

use std::collections::HashMap;
use std::time::Instant;

use actix::{Actor, Addr, AsyncContext, Context, Handler, Recipient};
use shared::{ErrorCode, ResumeToken, RoomKey};

use crate::messages::{
    CloseRoom, Connect, Disconnect, FromBus, FromRoom, GetStats, Join, Leave, Remote, RoomId,
    Shutdown, Stats, ToSession, Withdraw,
};
use crate::room::SessionId;
use crate::room_actor::{RoomActor, RoomSettings};
use crate::room_hint::room_hint;
use crate::seats::{Registry, Replicated, Seats};

/// The lobby actor. It routes joins but never decides who gets in: that is the room's seats'.
pub struct Lobby<R: Registry> {
    rooms: HashMap<RoomKey, RoomEntry<R::Seats>>,
    /// Live resume tokens that rooms reported, and the room each was issued for. A token
    /// leaves this map when the slot it was issued for is freed, which is how tokens expire.
    /// Empty when the registry keeps tokens itself (Redis checks whose a token is).
    tokens: HashMap<ResumeToken, RoomKey>,
    sessions: HashMap<SessionId, Recipient<ToSession>>,
    next_room_id: u64,
    /// Makes each room's seats.
    registry: R,
    /// Handed to every room actor.
    room_settings: RoomSettings,
}

impl<R: Registry> Lobby<R> {
    /// A lobby whose rooms keep their seats in `registry` and run with `room_settings`.
    pub fn new(registry: R, room_settings: RoomSettings) -> Self {
        Self {
            rooms: HashMap::new(),
            tokens: HashMap::new(),
            sessions: HashMap::new(),
            next_room_id: 0,
            registry,
            room_settings,
        }
    }
}

struct RoomEntry<S: Seats> {
    id: RoomId,
    addr: Addr<RoomActor<S>>,
    /// Joins sent to this room actor; compared with the joins it has seen before stopping it.
    joins_forwarded: u64,
}

impl<R: Registry> Actor for Lobby<R> {
    type Context = Context<Self>;
}

impl<R: Registry> Handler<Join> for Lobby<R> {
    type Result = ();

    fn handle(&mut self, msg: Join, ctx: &mut Self::Context) {
        let key = msg.room.key().clone();
        if let Some(token) = &msg.resume {
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
            let lobby = ctx.address().recipient();
            let settings = self.room_settings.clone();
            let seats = self.registry.seats(&key);
            // On the first joiner's thread: with one worker, every hop of a relayed signal
            // stays on it (measured: fewer cross-thread wake-ups per message).
            let addr = match &msg.arbiter {
                Some(arbiter) => RoomActor::start_in_arbiter(arbiter, move |_| {
                    RoomActor::new(id, key, lobby, settings, seats)
                }),
                None => RoomActor::new(id, key, lobby, settings, seats).start(),
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

impl<R: Registry> Handler<Withdraw> for Lobby<R> {
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

impl<R: Registry> Handler<FromRoom> for Lobby<R> {
    type Result = ();

    fn handle(&mut self, msg: FromRoom, _ctx: &mut Self::Context) {
        match msg {
            FromRoom::Empty {
                key,
                room_id,
                joins_seen,
            } => {
                let Some(entry) = self.rooms.get(&key) else {
                    return;
                };
                if entry.id != room_id {
                    return;
                }
                if entry.joins_forwarded == joins_seen {
                    if let Some(entry) = self.rooms.remove(&key) {
                        entry.addr.do_send(CloseRoom);
                    }
                } else {
                    // A join is on its way to the room: it lives on, and reports again when
                    // it empties.
                    tracing::debug!(room = %room_hint(&key), "room emptied with a join in flight");
                }
            }
            FromRoom::TokenIssued { token, key } => {
                self.tokens.insert(token, key);
            }
            FromRoom::TokenFreed { token } => {
                self.tokens.remove(&token);
            }
        }
    }
}

/// Only a lobby whose seats are shared with other replicas hears from them.
impl<R> Handler<FromBus> for Lobby<R>
where
    R: Registry,
    R::Seats: Replicated,
{
    type Result = ();

    fn handle(&mut self, FromBus(envelope): FromBus, _ctx: &mut Self::Context) {
        match self.rooms.get(envelope.room.as_str()) {
            Some(entry) => entry.addr.do_send(Remote {
                to: envelope.to,
                event: envelope.event,
                arrived: Instant::now(),
            }),
            // The person left this replica's room meanwhile: whatever it was is moot.
            None => {
                tracing::debug!(session = %envelope.to, "bus message for a room not here dropped")
            }
        }
    }
}

impl<R: Registry> Handler<Connect> for Lobby<R> {
    type Result = ();

    fn handle(&mut self, msg: Connect, _ctx: &mut Self::Context) {
        self.sessions.insert(msg.session, msg.recipient);
    }
}

impl<R: Registry> Handler<Disconnect> for Lobby<R> {
    type Result = ();

    fn handle(&mut self, msg: Disconnect, _ctx: &mut Self::Context) {
        self.sessions.remove(&msg.session);
    }
}

impl<R: Registry> Handler<Shutdown> for Lobby<R> {
    type Result = usize;

    fn handle(&mut self, _msg: Shutdown, _ctx: &mut Self::Context) -> usize {
        for recipient in self.sessions.values() {
            recipient.do_send(ToSession::Shutdown);
        }
        self.sessions.len()
    }
}

impl<R: Registry> Handler<GetStats> for Lobby<R> {
    type Result = actix::MessageResult<GetStats>;

    fn handle(&mut self, _msg: GetStats, _ctx: &mut Self::Context) -> Self::Result {
        actix::MessageResult(Stats {
            rooms: self.rooms.len(),
            tokens: self.tokens.len(),
            sessions: self.sessions.len(),
            redis_up: self.registry.is_up(),
        })
    }
}
