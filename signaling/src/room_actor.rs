//! The actor for one room: serves the room's people connected to this process, passing
//! messages between them; who holds the room's seats is its [`Seats`]' business, whether
//! they are kept here or in Redis with the other person on another replica. How a join is
//! answered is [`admission`]'s part.

mod admission;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::{
    Actor, ActorContext, ActorFutureExt, AsyncContext, Context, Handler, Recipient, WrapFuture,
};
use shared::{ErrorCode, LeaveReason, RawSignal, RoomKey, ServerMsg};

use crate::messages::{CloseRoom, FromRoom, Leave, Relay, Remote, RoomId, RoomLink, ToSession};
use crate::metrics::{inc, Metrics};
use crate::outbox::{queued_size, Outbox};
use crate::room::SessionId;
use crate::room_hint::room_hint;
use crate::seats::{Answer, Dismissal, Incoming, Notice, Replicated, Route, Seats};
use crate::turn::TurnRelay;

/// One room's actor. It handles one message at a time, so its [`Seats`] see one join at a
/// time from this process.
///
/// It never stops on its own when it empties: a join may already be on its way from the
/// lobby. It reports [`FromRoom::Empty`] instead and the lobby, which knows how many joins it
/// sent, stops it only when none is in flight.
pub struct RoomActor<S> {
    id: RoomId,
    key: RoomKey,
    lobby: Recipient<FromRoom>,
    seats: S,
    members: HashMap<SessionId, Member>,
    joins_seen: u64,
    settings: RoomSettings,
    /// Handed to every admitted session; made on the first admission.
    link: Option<RoomLink>,
}

/// What every room shares.
#[derive(Debug, Clone)]
pub struct RoomSettings {
    /// Admitted joins get credentials for this relay, if any.
    pub turn: Option<Arc<TurnRelay>>,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Bytes that may wait for a session before it is dropped as a slow reader.
    pub max_queued_bytes: usize,
    /// How long a backlog of signals may last before its reader counts as stopped and is
    /// dropped (the client timeout).
    pub slow_reader_grace: Duration,
}

/// How to reach a session in the room.
struct Member {
    recipient: Recipient<ToSession>,
    outbox: Outbox,
    /// Since when signals for this member have been held back because too much already waits
    /// for it; `None` while it keeps up.
    backlogged_since: Option<Instant>,
}

/// What became of a signal handed to [`RoomActor::pass_signal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Passed {
    /// Delivered.
    On,
    /// Held back by the receiver's backlog: the sender must be told.
    HeldBack,
    /// Not delivered: the receiver is gone, or was dropped as a slow reader just now.
    Nowhere,
}

impl<S: Seats> RoomActor<S> {
    /// A room with nobody in it yet, whose seats are `seats`; it reports to `lobby`.
    pub fn new(
        id: RoomId,
        key: RoomKey,
        lobby: Recipient<FromRoom>,
        settings: RoomSettings,
        seats: S,
    ) -> Self {
        Self {
            id,
            key,
            lobby,
            seats,
            members: HashMap::new(),
            joins_seen: 0,
            settings,
            link: None,
        }
    }

    /// Runs `then` on the seats' answer: now, or once the registry has answered (handling
    /// nothing else meanwhile).
    fn settle<T: 'static>(
        &mut self,
        answer: Answer<S, T>,
        ctx: &mut Context<Self>,
        then: impl FnOnce(&mut Self, T, &mut Context<Self>) + 'static,
    ) {
        match answer {
            Answer::Now(value) => then(self, value, ctx),
            Answer::Later(pending) => {
                ctx.wait(pending.into_actor(self).map(move |settle, act, ctx| {
                    let value = settle(&mut act.seats);
                    then(act, value, ctx);
                }));
            }
        }
    }

    /// Sends a control message (`peer_joined`, `peer_left`, an error) to `to`. These are a few
    /// dozen bytes and always sent: only signals can pile up ([`Self::pass_signal`]).
    fn deliver(&mut self, to: SessionId, msg: ServerMsg<RawSignal>) -> bool {
        let Some(member) = self.members.get(&to) else {
            return false;
        };
        let queued = queued_size(&msg);
        member.outbox.add(queued);
        member.recipient.do_send(ToSession::Deliver {
            room_id: self.id,
            msg,
            queued,
            arrived: None,
        });
        true
    }

    /// Passes a signal to `to`, unless too much already waits for it (see [`Outbox`]).
    ///
    /// A backlog is first taken for a burst, which a reader that is keeping up drains in
    /// moments: the sender is to be told that this signal was not passed on (`rate_limited`),
    /// and `to` keeps its place. A backlog that lasts a whole grace period (the client
    /// timeout) is a reader that stopped: it is dropped from the room. So a flood from one
    /// person can cost them their own messages, never their friend's place.
    fn pass_signal(
        &mut self,
        to: SessionId,
        signal: RawSignal,
        arrived: Instant,
        ctx: &mut Context<Self>,
    ) -> Passed {
        let cap = self.settings.max_queued_bytes;
        let grace = self.settings.slow_reader_grace;
        let Some(member) = self.members.get_mut(&to) else {
            return Passed::Nowhere;
        };
        let msg = ServerMsg::Signal { signal };
        let queued = queued_size(&msg);
        if member.outbox.add(queued) > cap {
            member.outbox.take(queued);
            let now = Instant::now();
            let since = *member.backlogged_since.get_or_insert(now);
            if now.duration_since(since) >= grace {
                self.evict(to, ctx);
                return Passed::Nowhere;
            }
            self.settings.metrics.error(ErrorCode::RateLimited);
            return Passed::HeldBack;
        }
        member.backlogged_since = None;
        member.recipient.do_send(ToSession::Deliver {
            room_id: self.id,
            msg,
            queued,
            arrived: Some(arrived),
        });
        Passed::On
    }

    /// Tells `session` that a signal of theirs was held back by their friend's backlog.
    fn not_passed_on(&mut self, session: SessionId) {
        self.deliver(
            session,
            ServerMsg::Error {
                code: ErrorCode::RateLimited,
                message: "your friend is not keeping up; this signal was not passed on".into(),
            },
        );
    }

    /// Counts a relayed signal of `bytes` payload bytes.
    fn relayed(&self, bytes: usize) {
        let metrics = &self.settings.metrics;
        inc(&metrics.relayed);
        metrics
            .relayed_bytes
            .fetch_add(bytes as u64, std::sync::atomic::Ordering::Relaxed);
    }

    /// Does what the seats ask for one of the people here.
    fn apply(&mut self, notice: Notice) {
        match notice {
            Notice::PeerJoined(session) => {
                self.deliver(session, ServerMsg::PeerJoined);
            }
            Notice::PeerLeft(session, reason) => {
                self.deliver(session, ServerMsg::PeerLeft { reason });
            }
            Notice::NotPassedOn(session) => {
                self.settings.metrics.error(ErrorCode::RateLimited);
                self.not_passed_on(session);
            }
            Notice::Dismissed(session, why) => {
                let room_id = self.id;
                self.dismiss(
                    session,
                    match why {
                        Dismissal::Replaced => ToSession::Replaced { room_id },
                        Dismissal::SlotLost => ToSession::SlotLost { room_id },
                    },
                );
            }
        }
    }

    /// Drops a session that does not read what it is sent. Its place is freed as if its
    /// connection had been lost; the session is told to close, which it does if it ever
    /// reads again (otherwise the kernel's TCP user timeout ends the connection).
    fn evict(&mut self, session: SessionId, ctx: &mut Context<Self>) {
        tracing::info!(room = %room_hint(&self.key), %session, "dropped: not reading its messages");
        inc(&self.settings.metrics.slow_consumer_evictions);
        if let Some(member) = self.members.get(&session) {
            member
                .recipient
                .do_send(ToSession::Evicted { room_id: self.id });
        }
        self.depart(session, LeaveReason::ConnectionLost, ctx);
    }

    /// Frees `session`'s place and tells the other person.
    fn depart(&mut self, session: SessionId, reason: LeaveReason, ctx: &mut Context<Self>) {
        let Some(answer) = self.seats.leave(session, reason) else {
            return;
        };
        tracing::info!(room = %room_hint(&self.key), %session, ?reason, "left");
        self.members.remove(&session);
        self.settle(answer, ctx, |act, left, _ctx| {
            if let Some(token) = left.freed {
                act.lobby.do_send(FromRoom::TokenFreed { token });
            }
            if let Some(notice) = left.then {
                act.apply(notice);
            }
            act.report_if_empty();
        });
    }

    /// Stops serving a member whose slot is no longer its own, and tells it why (`why`).
    fn dismiss(&mut self, session: SessionId, why: ToSession) {
        if let Some(member) = self.members.remove(&session) {
            member.recipient.do_send(why);
        }
        self.report_if_empty();
    }

    fn report_if_empty(&self) {
        if self.members.is_empty() {
            self.lobby.do_send(FromRoom::Empty {
                key: self.key.clone(),
                room_id: self.id,
                joins_seen: self.joins_seen,
            });
        }
    }

    /// Renews the seats, if they are leased, and does what came of it.
    fn renew(&mut self, ctx: &mut Context<Self>) {
        let answer = self.seats.renew();
        self.settle(answer, ctx, |act, notices, _ctx| {
            for notice in notices {
                act.apply(notice);
            }
        });
    }
}

impl<S: Seats> Actor for RoomActor<S> {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        tracing::debug!(room = %room_hint(&self.key), "room opened");
        if let Some(every) = self.seats.renewal() {
            ctx.run_interval(every, Self::renew);
        }
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        tracing::debug!(room = %room_hint(&self.key), "room closed");
    }
}

impl<S: Seats> Handler<Leave> for RoomActor<S> {
    type Result = ();

    fn handle(&mut self, msg: Leave, ctx: &mut Self::Context) {
        self.depart(msg.session, msg.reason, ctx);
    }
}

impl<S: Seats> Handler<Relay> for RoomActor<S> {
    type Result = ();

    fn handle(&mut self, msg: Relay, ctx: &mut Self::Context) {
        let bytes = msg.signal.0.get().len();
        match self.seats.route(msg.from, msg.signal) {
            Route::Here(peer, signal) => match self.pass_signal(peer, signal, msg.arrived, ctx) {
                Passed::On => self.relayed(bytes),
                Passed::HeldBack => self.not_passed_on(msg.from),
                Passed::Nowhere => {}
            },
            Route::Elsewhere => self.relayed(bytes),
            Route::Unavailable => {
                self.deliver(
                    msg.from,
                    ServerMsg::Error {
                        code: ErrorCode::Unavailable,
                        message: "the service cannot reach its room registry; this message was not passed on".into(),
                    },
                );
            }
            // Browsers only signal while paired, but a signal can cross the peer's departure
            // (or come from a connection just replaced); it has nowhere to go, and the sender
            // learns of the departure from `peer_left` anyway.
            Route::Nowhere => tracing::debug!(
                room = %room_hint(&self.key),
                session = %msg.from,
                "signal dropped: no peer"
            ),
        }
    }
}

impl<S: Replicated> Handler<Remote> for RoomActor<S> {
    type Result = ();

    fn handle(&mut self, msg: Remote, ctx: &mut Self::Context) {
        match self.seats.incoming(msg.to, msg.event) {
            Some(Incoming::Notice(notice)) => self.apply(notice),
            Some(Incoming::Signal { to, from, signal }) => {
                let bytes = signal.0.get().len();
                match self.pass_signal(to, signal, msg.arrived, ctx) {
                    Passed::On => self.relayed(bytes),
                    Passed::HeldBack => self.seats.not_passed_on(from),
                    Passed::Nowhere => {}
                }
            }
            None => {}
        }
    }
}

impl<S: Seats> Handler<CloseRoom> for RoomActor<S> {
    type Result = ();

    fn handle(&mut self, _msg: CloseRoom, ctx: &mut Self::Context) {
        if self.members.is_empty() {
            ctx.stop();
        } else {
            // Unreachable while the lobby's join count is right; stay alive rather than
            // strand the people inside.
            tracing::error!(room = %room_hint(&self.key), "asked to close while occupied");
        }
    }
}
