//! What the browser sends: frames in, protocol messages out to the lobby and the room, with the
//! rate limit, the size cap and the join limit applied on the way.

use std::sync::atomic::Ordering;
use std::time::Instant;

use actix::{ActorContext, AsyncContext, StreamHandler};
use actix_http::ws::Item;
use actix_web_actors::ws::{self, CloseCode};
use shared::{
    ClientMsg, DecodeError, ErrorCode, LeaveReason, RawSignal, ServerMsg, MAX_MESSAGE_BYTES,
};

use super::{Session, State};
use crate::fragments::Assembled;
use crate::messages::{Join, JoinId, Relay};
use crate::metrics::inc;
use crate::rate_limit::Verdict;

/// A data message, whole.
enum Data<'a> {
    Text(&'a str),
    Binary,
}

impl Session {
    /// Takes a token for one data frame (a whole message, or one piece of a fragmented one):
    /// `false` when it is over the rate limit, which has then been answered (and, past the
    /// strikes, the connection closed). Every data frame pays, so that a message cut into
    /// many small continuation frames costs what as many text frames would.
    fn admit(&mut self, ctx: &mut ws::WebsocketContext<Self>) -> bool {
        // The frame's arrival, just read from the clock: once per frame is enough.
        match self.limiter.check(self.last_heard) {
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
                    since: self.last_heard,
                };
                self.lobby.join.do_send(Join {
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
                State::InRoom { room, .. } => room.relay(Relay {
                    from: self.id,
                    signal,
                    arrived: self.last_heard,
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
        match self.fragments.push(item, admitted) {
            Assembled::Nothing => {}
            Assembled::Text(buffer) => match std::str::from_utf8(&buffer) {
                Ok(text) => self.on_data(Data::Text(text), ctx),
                Err(_) => self.close(ctx, CloseCode::Invalid, "text message is not UTF-8"),
            },
            Assembled::Binary => self.on_data(Data::Binary, ctx),
        }
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
