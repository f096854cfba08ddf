//! One browser's WebSocket connection.
//!
//! The only module that knows about actix-web-actors: it turns frames into protocol messages
//! for the lobby and rooms, and their answers back into frames. Moving to another WebSocket
//! library means rewriting this file alone.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::{Actor, ActorContext, Addr, AsyncContext, Handler, StreamHandler};
use actix_http::ws::Item;
use actix_web_actors::ws::{self, CloseCode, CloseReason};
use shared::{
    ClientMsg, DecodeError, ErrorCode, LeaveReason, RawSignal, RoomKey, ServerMsg,
    MAX_MESSAGE_BYTES,
};

use crate::ip_limits::ConnectionPermit;
use crate::lobby::{Connect, Disconnect, Lobby, Withdraw};
use crate::messages::{room_hint, Join, JoinId, Outbox, RoomId, ToSession};
use crate::metrics::{inc, Metrics};
use crate::rate_limit::{RateLimit, RateLimiter, Verdict};
use crate::room::SessionId;
use crate::room_actor::{Leave, Relay, RoomActor};

/// Settings every session shares.
#[derive(Debug, Clone, Copy)]
pub struct SessionSettings {
    /// How often to ping the browser.
    pub heartbeat_interval: Duration,
    /// How long the browser may stay silent before the connection counts as lost.
    pub client_timeout: Duration,
    /// How fast the browser may send.
    pub rate_limit: RateLimit,
}

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

/// Where a session stands.
enum State {
    /// In no room.
    Idle,
    /// Waiting for the answer to a join.
    Joining { join: JoinId, key: RoomKey },
    /// In a room.
    InRoom {
        room: Addr<RoomActor>,
        room_id: RoomId,
        key: RoomKey,
    },
}

/// A message arriving in pieces (continuation frames). The
/// [`crate::frame_guard::FrameGuard`] ends the connection before the pieces of any message add
/// up to more than the size cap, so none grows without bound here.
enum Partial {
    /// A text message, assembled.
    Text(Vec<u8>),
    /// A binary message: refused once whole, so nothing is kept.
    Binary,
    /// A message one of whose frames was over the rate limit (and answered `rate_limited`):
    /// its other frames are read and dropped.
    Dropped,
}

/// A data message, whole.
enum Data<'a> {
    Text(&'a str),
    Binary,
}

/// The actor behind one WebSocket connection.
pub struct Session {
    id: SessionId,
    lobby: Addr<Lobby>,
    settings: SessionSettings,
    state: State,
    last_heard: Instant,
    limiter: RateLimiter,
    partial: Option<Partial>,
    next_join: u64,
    /// What the peer is told if this connection ends now: a close frame from the browser
    /// makes it a hang-up; anything else is a lost connection.
    departure: LeaveReason,
    /// Set once the close frame is queued: nothing more is read or written after it.
    closing: bool,
    /// Raised by the [`crate::frame_guard::FrameGuard`] on this connection's body when it
    /// cuts the stream at an oversized frame.
    oversized: Arc<AtomicBool>,
    /// What the room has sent this session and it has not taken yet.
    outbox: Outbox,
    metrics: Arc<Metrics>,
    /// This connection's place in its address's count; given back when the actor is dropped.
    /// `None` when the peer address is unknown (not a TCP connection).
    permit: Option<ConnectionPermit>,
}

impl Session {
    /// A session for a connection that has just been upgraded.
    pub fn new(
        lobby: Addr<Lobby>,
        settings: SessionSettings,
        oversized: Arc<AtomicBool>,
        metrics: Arc<Metrics>,
        permit: Option<ConnectionPermit>,
    ) -> Self {
        let now = Instant::now();
        Self {
            id: SessionId(NEXT_SESSION.fetch_add(1, Ordering::Relaxed)),
            lobby,
            settings,
            state: State::Idle,
            last_heard: now,
            limiter: RateLimiter::new(settings.rate_limit, now),
            partial: None,
            next_join: 0,
            departure: LeaveReason::ConnectionLost,
            closing: false,
            oversized,
            outbox: Outbox::default(),
            metrics,
            permit,
        }
    }

    /// This session's id, for logs.
    pub fn id(&self) -> SessionId {
        self.id
    }

    fn send(&self, ctx: &mut ws::WebsocketContext<Self>, msg: &ServerMsg<RawSignal>) {
        ctx.text(msg.encode_relayed());
    }

    fn send_error(
        &self,
        ctx: &mut ws::WebsocketContext<Self>,
        code: ErrorCode,
        message: impl Into<String>,
    ) {
        let message = message.into();
        self.metrics.error(code);
        tracing::debug!(session = %self.id, %code, %message, "error sent");
        self.send(ctx, &ServerMsg::Error { code, message });
    }

    /// Closes the connection with a close frame and stops the actor.
    fn close(&mut self, ctx: &mut ws::WebsocketContext<Self>, code: CloseCode, why: &str) {
        self.closing = true;
        ctx.close(Some(CloseReason {
            code,
            description: Some(why.to_owned()),
        }));
        ctx.stop();
    }

    /// Redis mode: tells the browser that the room registry is away (`why`) and closes with
    /// 1013, so that it comes back later and resumes. The session holds no slot after this.
    fn registry_away(&mut self, ctx: &mut ws::WebsocketContext<Self>, why: &str) {
        self.state = State::Idle;
        self.send_error(ctx, ErrorCode::Unavailable, why);
        self.close(ctx, CloseCode::Again, "room registry unavailable");
    }

    /// Leaves the room (or abandons the join) so that the peer is told exactly once.
    fn leave_room(&mut self, reason: LeaveReason) {
        match std::mem::replace(&mut self.state, State::Idle) {
            State::Idle => {}
            State::Joining { key, .. } => {
                self.lobby.do_send(Withdraw {
                    key,
                    session: self.id,
                    reason,
                });
            }
            State::InRoom { room, key, .. } => {
                tracing::debug!(session = %self.id, room = %room_hint(&key), ?reason, "leaving");
                room.do_send(Leave {
                    session: self.id,
                    reason,
                });
            }
        }
    }

    /// Takes a token for one data frame (a whole message, or one piece of a fragmented one):
    /// `false` when it is over the rate limit, which has then been answered (and, past the
    /// strikes, the connection closed). Every data frame pays, so that a message cut into
    /// many small continuation frames costs what as many text frames would.
    fn admit(&mut self, ctx: &mut ws::WebsocketContext<Self>) -> bool {
        match self.limiter.check(Instant::now()) {
            Verdict::Allowed => true,
            Verdict::Limited => {
                inc(&self.metrics.rate_limited);
                self.send_error(
                    ctx,
                    ErrorCode::RateLimited,
                    "too many messages; this one was dropped",
                );
                false
            }
            Verdict::Exceeded => {
                inc(&self.metrics.rate_limited);
                tracing::info!(session = %self.id, "closing: rate limit exceeded");
                self.send_error(ctx, ErrorCode::RateLimited, "too many messages; closing");
                self.close(ctx, CloseCode::Policy, "rate limit exceeded");
                false
            }
        }
    }

    /// A whole message, already admitted by the rate limiter.
    fn on_data(&mut self, data: Data<'_>, ctx: &mut ws::WebsocketContext<Self>) {
        let text = match data {
            Data::Text(text) => text,
            Data::Binary => {
                self.send_error(
                    ctx,
                    ErrorCode::UnsupportedFrame,
                    "binary frames are not supported; send JSON text",
                );
                return;
            }
        };
        match ClientMsg::<RawSignal>::decode(text) {
            Ok(msg) => self.on_message(msg, ctx),
            Err(e @ DecodeError::TooLarge(_)) => self.too_large(ctx, &e.to_string()),
            Err(e) => self.send_error(ctx, e.code(), e.to_string()),
        }
    }

    fn too_large(&mut self, ctx: &mut ws::WebsocketContext<Self>, why: &str) {
        tracing::info!(session = %self.id, "closing: message too large");
        self.send_error(ctx, ErrorCode::MessageTooLarge, why);
        self.close(ctx, CloseCode::Size, "message too large");
    }

    fn on_message(&mut self, msg: ClientMsg<RawSignal>, ctx: &mut ws::WebsocketContext<Self>) {
        match msg {
            ClientMsg::Join { room, resume } => {
                if !matches!(self.state, State::Idle) {
                    self.send_error(
                        ctx,
                        ErrorCode::AlreadyInRoom,
                        "already in a room (or joining one): leave first",
                    );
                    return;
                }
                if let Some(permit) = &self.permit {
                    if !permit.allow_join(Instant::now()) {
                        inc(&self.metrics.join_rate_limited);
                        tracing::info!(session = %self.id, "join refused: too many from this address");
                        self.send_error(
                            ctx,
                            ErrorCode::TooManyJoins,
                            "too many joins from your network; try again in a few seconds",
                        );
                        return;
                    }
                }
                self.next_join += 1;
                let join = JoinId(self.next_join);
                tracing::debug!(session = %self.id, room = %room, "join");
                self.state = State::Joining {
                    join,
                    key: room.key().clone(),
                };
                self.lobby.do_send(Join {
                    session: self.id,
                    join,
                    recipient: ctx.address().recipient(),
                    room,
                    resume,
                    outbox: self.outbox.clone(),
                    arbiter: actix::Arbiter::try_current(),
                });
            }
            ClientMsg::Signal { signal } => match &self.state {
                State::InRoom { room, .. } => room.do_send(Relay {
                    from: self.id,
                    signal,
                }),
                State::Idle | State::Joining { .. } => {
                    self.send_error(ctx, ErrorCode::NotInRoom, "join a room before signalling");
                }
            },
            ClientMsg::Leave => {
                if matches!(self.state, State::Idle) {
                    self.send_error(ctx, ErrorCode::NotInRoom, "not in a room");
                    return;
                }
                self.leave_room(LeaveReason::HungUp);
                self.send(ctx, &ServerMsg::Left);
            }
        }
    }

    fn on_fragment(&mut self, item: Item, ctx: &mut ws::WebsocketContext<Self>) {
        let admitted = self.admit(ctx);
        if self.closing {
            return;
        }
        let (piece, last) = match item {
            Item::FirstText(bytes) => {
                self.partial = Some(Partial::Text(Vec::with_capacity(bytes.len())));
                (bytes, false)
            }
            Item::FirstBinary(bytes) => {
                self.partial = Some(Partial::Binary);
                (bytes, false)
            }
            Item::Continue(bytes) => (bytes, false),
            Item::Last(bytes) => (bytes, true),
        };
        if !admitted {
            self.partial = Some(Partial::Dropped);
        }
        if let Some(Partial::Text(buffer)) = &mut self.partial {
            buffer.extend_from_slice(&piece);
        }
        if !last {
            return;
        }
        match self.partial.take() {
            Some(Partial::Text(buffer)) => match std::str::from_utf8(&buffer) {
                Ok(text) => self.on_data(Data::Text(text), ctx),
                Err(_) => self.close(ctx, CloseCode::Invalid, "text message is not UTF-8"),
            },
            Some(Partial::Binary) => self.on_data(Data::Binary, ctx),
            // Answered `rate_limited` when its frame was refused.
            Some(Partial::Dropped) => {}
            // The codec refuses a continuation without a first frame, so this cannot happen.
            None => {}
        }
    }

    fn heartbeat(&mut self, ctx: &mut ws::WebsocketContext<Self>) {
        if self.last_heard.elapsed() > self.settings.client_timeout {
            tracing::info!(session = %self.id, "closing: heartbeat timeout");
            inc(&self.metrics.heartbeat_evictions);
            self.departure = LeaveReason::ConnectionLost;
            self.close(ctx, CloseCode::Away, "heartbeat timeout");
        } else {
            ctx.ping(b"");
        }
    }
}

/// Where in the heartbeat interval `session` pings: spread evenly over the interval by the
/// golden-ratio sequence of session ids (consecutive ids land far apart), never at zero.
fn heartbeat_phase(session: SessionId, interval: Duration) -> Duration {
    // 2^64 / golden ratio: the fractional parts of n * this are evenly spread (Weyl).
    const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
    let fraction = session.0.wrapping_mul(GOLDEN) as f64 / u64::MAX as f64;
    interval.mul_f64(fraction.clamp(0.01, 1.0))
}

impl Actor for Session {
    type Context = ws::WebsocketContext<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        tracing::info!(session = %self.id, "connected");
        self.lobby.do_send(Connect {
            session: self.id,
            recipient: ctx.address().recipient(),
        });
        // Each session's heartbeat starts at its own point of the interval, so that sessions
        // that connected together (a burst of joins, everyone back after a restart) do not
        // ping together for ever: measured, 2,000 sessions pinging in clumps put a relayed
        // message's p99 at 2-5x the floor's at light load, and spread out at par with it.
        let interval = self.settings.heartbeat_interval;
        ctx.run_later(heartbeat_phase(self.id, interval), move |act, ctx| {
            act.heartbeat(ctx);
            ctx.run_interval(interval, Self::heartbeat);
        });
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        tracing::info!(session = %self.id, reason = ?self.departure, "disconnected");
        self.leave_room(self.departure);
        self.lobby.do_send(Disconnect { session: self.id });
    }
}

impl StreamHandler<Result<ws::Message, ws::ProtocolError>> for Session {
    fn handle(&mut self, item: Result<ws::Message, ws::ProtocolError>, ctx: &mut Self::Context) {
        if self.closing {
            return;
        }
        let msg = match item {
            Ok(msg) => msg,
            // The codec's own frame limit, or the guard's cut at a frame taking its message
            // over the cap (a single frame, or the pieces of one together).
            Err(e)
                if matches!(e, ws::ProtocolError::Overflow)
                    || self.oversized.load(Ordering::Relaxed) =>
            {
                self.too_large(
                    ctx,
                    &format!("message is over the {MAX_MESSAGE_BYTES}-byte limit"),
                );
                return;
            }
            Err(e) => {
                tracing::info!(session = %self.id, "closing: protocol error: {e}");
                self.close(ctx, CloseCode::Protocol, "protocol error");
                return;
            }
        };
        self.last_heard = Instant::now();
        match msg {
            ws::Message::Text(text) => {
                if self.admit(ctx) {
                    self.on_data(Data::Text(&text), ctx);
                }
            }
            ws::Message::Binary(_) => {
                if self.admit(ctx) {
                    self.on_data(Data::Binary, ctx);
                }
            }
            ws::Message::Continuation(item) => self.on_fragment(item, ctx),
            ws::Message::Ping(payload) => ctx.pong(&payload),
            ws::Message::Pong(_) | ws::Message::Nop => {}
            ws::Message::Close(reason) => {
                self.departure = LeaveReason::HungUp;
                self.closing = true;
                // Echo the browser's close, as the protocol asks, then end.
                ctx.close(reason);
                ctx.stop();
            }
        }
    }

    fn finished(&mut self, ctx: &mut Self::Context) {
        // The stream ended without a close frame: the TCP connection is gone.
        ctx.stop();
    }
}

impl Handler<ToSession> for Session {
    type Result = ();

    fn handle(&mut self, msg: ToSession, ctx: &mut Self::Context) {
        if let ToSession::Deliver { queued, .. } = &msg {
            // Taken off on arrival, whatever becomes of it: from here it is the HTTP layer's,
            // which holds a bounded write buffer.
            self.outbox.take(*queued);
        }
        if self.closing {
            return;
        }
        match msg {
            ToSession::Admitted {
                join,
                room,
                room_id,
                joined,
            } => match &self.state {
                State::Joining { join: current, key } if *current == join => {
                    tracing::debug!(session = %self.id, room = %room_hint(key), "admitted");
                    let key = key.clone();
                    self.state = State::InRoom { room, room_id, key };
                    self.send(ctx, &joined);
                }
                // The browser gave this join up: its withdrawal reaches the room after the
                // join, so the room frees the slot by itself.
                _ => tracing::debug!(session = %self.id, "stale admission ignored"),
            },
            ToSession::Refused {
                join,
                code,
                message,
            } => match &self.state {
                State::Joining { join: current, .. } if *current == join => {
                    self.state = State::Idle;
                    self.send_error(ctx, code, message);
                }
                _ => tracing::debug!(session = %self.id, "stale refusal ignored"),
            },
            ToSession::Failed { join } => {
                if matches!(&self.state, State::Joining { join: current, .. } if *current == join) {
                    self.state = State::Idle;
                    self.close(ctx, CloseCode::Error, "internal error");
                }
            }
            ToSession::Unavailable { join } => {
                if matches!(&self.state, State::Joining { join: current, .. } if *current == join) {
                    self.registry_away(
                        ctx,
                        "the service cannot reach its room registry; reconnecting will resume your place",
                    );
                }
            }
            ToSession::SlotLost { room_id } => {
                if matches!(&self.state, State::InRoom { room_id: current, .. } if *current == room_id)
                {
                    // The slot is not ours any more: nothing to tell the room on the way out.
                    self.registry_away(
                        ctx,
                        "the service lost your place in the room while its registry was away",
                    );
                }
            }
            ToSession::Deliver {
                room_id,
                msg,
                queued: _,
            } => match &self.state {
                State::InRoom {
                    room_id: current, ..
                } if *current == room_id => self.send(ctx, &msg),
                _ => {
                    tracing::debug!(session = %self.id, "delivery from a room left behind dropped")
                }
            },
            ToSession::Replaced { room_id } => {
                if matches!(&self.state, State::InRoom { room_id: current, .. } if *current == room_id)
                {
                    tracing::info!(session = %self.id, "closing: replaced by a newer connection");
                    // The slot is not ours any more: nothing to tell the room on the way out.
                    self.state = State::Idle;
                    self.send_error(
                        ctx,
                        ErrorCode::SessionReplaced,
                        "this room was joined again from another connection",
                    );
                    self.close(ctx, CloseCode::Normal, "session replaced");
                }
            }
            ToSession::Evicted { room_id } => {
                if matches!(&self.state, State::InRoom { room_id: current, .. } if *current == room_id)
                {
                    tracing::info!(session = %self.id, waiting = self.outbox.waiting(), "closing: too slow to read");
                    // The room freed the slot already.
                    self.state = State::Idle;
                    self.close(ctx, CloseCode::Policy, "not reading its messages");
                }
            }
            ToSession::Shutdown => self.close(ctx, CloseCode::Away, "server shutting down"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heartbeats_of_consecutive_sessions_spread_over_the_interval() {
        let interval = Duration::from_secs(5);
        let mut tenths = [0u32; 10];
        for id in 1..=1000 {
            let phase = heartbeat_phase(SessionId(id), interval);
            assert!(phase > Duration::ZERO && phase <= interval, "{phase:?}");
            let tenth = (phase.as_secs_f64() / interval.as_secs_f64() * 10.0) as usize;
            tenths[tenth.min(9)] += 1;
        }
        // Evenly: 100 a tenth, give or take a few (a clump would put hundreds in one).
        assert!(
            tenths.iter().all(|&n| (90..=110).contains(&n)),
            "{tenths:?}"
        );
    }
}
