//! How a room answers a join: the seats decide, then the joiner is admitted (with TURN
//! credentials minted for it) or refused, and the other person is told.

use std::time::SystemTime;

use actix::{AsyncContext, Context, Handler};
use shared::{ErrorCode, ResumeToken, Role, ServerMsg};

use super::{Member, RoomActor};
use crate::messages::{FromRoom, Join, RoomLink, ToSession};
use crate::metrics::inc;
use crate::room_hint::room_hint;
use crate::seats::{Joining, SeatRequest, Seats, Someone};
use crate::turn::opaque_id;

impl<S: Seats> RoomActor<S> {
    /// Tells the session its join got in, and starts delivering the room's messages to it.
    fn admit(
        &mut self,
        msg: Join,
        role: Role,
        token: ResumeToken,
        peer_present: bool,
        turn_id: [u8; 8],
        ctx: &mut Context<Self>,
    ) {
        // Minted only now, for an admitted join: a refused one never sees a credential. The id
        // is random, so the relay's logs link a credential to neither the room nor the browser.
        let ice_servers = self
            .settings
            .turn
            .as_ref()
            .map(|relay| relay.mint(SystemTime::now(), &opaque_id(&turn_id)))
            .into_iter()
            .collect();
        inc(&self.settings.metrics.joins);
        let room = self
            .link
            .get_or_insert_with(|| RoomLink::new(&ctx.address()))
            .clone();
        msg.recipient.do_send(ToSession::Admitted {
            join: msg.join,
            room,
            room_id: self.id,
            joined: ServerMsg::Joined {
                room: msg.room,
                role,
                resume: token,
                peer_present,
                ice_servers,
            },
        });
        self.members.insert(
            msg.session,
            Member {
                recipient: msg.recipient,
                outbox: msg.outbox,
                backlogged_since: None,
            },
        );
    }

    /// Refuses a join: tells the session why (`code`, `message`) and logs it (`why`).
    fn refuse(&self, msg: &Join, why: &str, code: ErrorCode, message: &str) {
        tracing::info!(room = %room_hint(&self.key), session = %msg.session, "join refused: {why}");
        msg.recipient.do_send(ToSession::Refused {
            join: msg.join,
            code,
            message: message.into(),
        });
        self.report_if_empty();
    }

    /// Answers a join with what the seats decided.
    fn joined(&mut self, msg: Join, joining: Joining, turn_id: [u8; 8], ctx: &mut Context<Self>) {
        let room = room_hint(&self.key);
        let admitted = match joining {
            Joining::Admitted(admitted) => admitted,
            Joining::Full => {
                inc(&self.settings.metrics.full_rejections);
                let message = "this room already has two people in it";
                return self.refuse(&msg, "room full", ErrorCode::RoomFull, message);
            }
            Joining::WrongRoom => {
                let why = "resume token of another room";
                let message = "this resume token belongs to another room";
                return self.refuse(&msg, why, ErrorCode::InvalidResumeToken, message);
            }
            Joining::Unavailable => {
                msg.recipient
                    .do_send(ToSession::Unavailable { join: msg.join });
                return self.report_if_empty();
            }
        };
        match admitted.replaced {
            Some(old) => {
                tracing::info!(%room, session = %msg.session, replaced = %old, "slot taken over with a resume token");
                if let Someone::Here(old) = old {
                    if let Some(member) = self.members.remove(&old) {
                        member
                            .recipient
                            .do_send(ToSession::Replaced { room_id: self.id });
                    }
                }
                // Someone elsewhere is told by their own replica.
            }
            None => tracing::info!(%room, session = %msg.session, role = ?admitted.role, "joined"),
        }
        if let Some(token) = admitted.issued {
            // Before `joined` goes out, so the lobby knows the token before the browser can
            // possibly present it anywhere.
            self.lobby.do_send(FromRoom::TokenIssued {
                token,
                key: self.key.clone(),
            });
        }
        let session = msg.session;
        self.admit(
            msg,
            admitted.role,
            admitted.token,
            admitted.peer_present,
            turn_id,
            ctx,
        );
        // On every pairing, a takeover included: the browsers redo their hello handshake.
        if let Some(notice) = self.seats.announce(session) {
            self.apply(notice);
        }
    }
}

impl<S: Seats> Handler<Join> for RoomActor<S> {
    type Result = ();

    fn handle(&mut self, msg: Join, ctx: &mut Self::Context) {
        self.joins_seen += 1;
        // 16 bytes for the resume token, 8 for the TURN credential's opaque id.
        let mut bytes = [0u8; 24];
        if let Err(e) = getrandom::fill(&mut bytes) {
            tracing::error!(room = %room_hint(&self.key), session = %msg.session, "no randomness for a resume token: {e}");
            msg.recipient.do_send(ToSession::Failed { join: msg.join });
            self.report_if_empty();
            return;
        }
        let (token, turn_id) = split_random(bytes);
        let answer = self.seats.join(SeatRequest {
            session: msg.session,
            resume: msg.resume.clone(),
            fresh: ResumeToken::from_bytes(token),
        });
        self.settle(answer, ctx, move |act, joining, ctx| {
            act.joined(msg, joining, turn_id, ctx);
        });
    }
}

/// Splits one draw of randomness into a resume token's bytes and a TURN credential id's.
fn split_random(bytes: [u8; 24]) -> ([u8; 16], [u8; 8]) {
    let mut token = [0u8; 16];
    let mut id = [0u8; 8];
    token.copy_from_slice(&bytes[..16]);
    id.copy_from_slice(&bytes[16..]);
    (token, id)
}
