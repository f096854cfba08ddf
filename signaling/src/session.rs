//! One browser's WebSocket connection.
//!
//! The only module that knows about actix-web-actors: it turns frames into protocol messages
//! for the lobby and rooms ([`from_browser`]), and their answers back into frames
//! ([`to_browser`]). Moving to another WebSocket library means rewriting this module alone.

mod from_browser;
mod to_browser;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::{Actor, ActorContext, AsyncContext};
use actix_web_actors::ws::{self, CloseCode, CloseReason};
use shared::{ErrorCode, LeaveReason, RawSignal, RoomKey, ServerMsg};

use crate::fragments::Fragments;
use crate::ip_limits::ConnectionPermit;
use crate::messages::{Connect, Disconnect, JoinId, Leave, LobbyLink, RoomId, RoomLink, Withdraw};
use crate::metrics::{inc, Metrics};
use crate::outbox::Outbox;
use crate::rate_limit::{RateLimit, RateLimiter};
use crate::room::SessionId;
use crate::room_hint::room_hint;

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
    /// Waiting for the answer to a join sent at `since`.
    Joining {
        join: JoinId,
        key: RoomKey,
        since: Instant,
    },
    /// In a room.
    InRoom {
        room: RoomLink,
        room_id: RoomId,
        key: RoomKey,
    },
}

/// The actor behind one WebSocket connection.
pub struct Session {
    id: SessionId,
    lobby: Arc<LobbyLink>,
    settings: SessionSettings,
    state: State,
    last_heard: Instant,
    limiter: RateLimiter,
    fragments: Fragments,
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
        lobby: Arc<LobbyLink>,
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
            fragments: Fragments::default(),
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
                self.lobby.withdraw.do_send(Withdraw {
                    key,
                    session: self.id,
                    reason,
                });
            }
            State::InRoom { room, key, .. } => {
                tracing::debug!(session = %self.id, room = %room_hint(&key), ?reason, "leaving");
                room.leave(Leave {
                    session: self.id,
                    reason,
                });
            }
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
        self.lobby.connect.do_send(Connect {
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
        self.lobby
            .disconnect
            .do_send(Disconnect { session: self.id });
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
