//! What the lobby and the room tell a session, and what the browser is sent for it.

use actix::Handler;
use actix_web_actors::ws::CloseCode;
use shared::ErrorCode;

use super::{Session, State};
use crate::messages::ToSession;
use crate::room_hint::room_hint;

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
                State::Joining {
                    join: current,
                    key,
                    since,
                } if *current == join => {
                    tracing::debug!(session = %self.id, room = %room_hint(key), "admitted");
                    self.metrics.join_latency.observe(since.elapsed());
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
                arrived,
            } => match &self.state {
                State::InRoom {
                    room_id: current, ..
                } if *current == room_id => {
                    self.send(ctx, &msg);
                    if let Some(arrived) = arrived {
                        self.metrics.relay_latency.observe(arrived.elapsed());
                    }
                }
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
