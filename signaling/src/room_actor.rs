//! The actor for one room: applies [`Room`]'s rules and passes messages between its sessions.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use actix::{Actor, ActorContext, Addr, AsyncContext, Context, Handler, Message, Recipient};
use shared::{ErrorCode, LeaveReason, RawSignal, ResumeToken, RoomKey, ServerMsg};

use crate::lobby::{Lobby, RoomEmpty, TokenFreed, TokenIssued};
use crate::messages::{room_hint, Join, RoomId, ToSession};
use crate::room::{Full, Room, SessionId};
use crate::turn::{opaque_id, TurnRelay};

/// One room's actor. It alone decides who gets in, so concurrent joins cannot overfill it.
///
/// It never stops on its own when it empties: a join may already be on its way from the
/// lobby. It reports [`RoomEmpty`] instead and the lobby, which knows how many joins it sent,
/// stops it only when none is in flight.
pub struct RoomActor {
    id: RoomId,
    key: RoomKey,
    lobby: Addr<Lobby>,
    room: Room,
    recipients: HashMap<SessionId, Recipient<ToSession>>,
    joins_seen: u64,
    turn: Option<Arc<TurnRelay>>,
}

impl RoomActor {
    /// A room with nobody in it yet. Admitted joins get credentials for `turn`, if any.
    pub fn new(id: RoomId, key: RoomKey, lobby: Addr<Lobby>, turn: Option<Arc<TurnRelay>>) -> Self {
        Self {
            id,
            key,
            lobby,
            room: Room::new(),
            recipients: HashMap::new(),
            joins_seen: 0,
            turn,
        }
    }

    fn deliver(&self, to: SessionId, msg: ServerMsg<RawSignal>) {
        if let Some(recipient) = self.recipients.get(&to) {
            recipient.do_send(ToSession::Deliver {
                room_id: self.id,
                msg,
            });
        }
    }
}

impl Actor for RoomActor {
    type Context = Context<Self>;

    fn started(&mut self, _ctx: &mut Self::Context) {
        tracing::debug!(room = %room_hint(&self.key), "room opened");
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        tracing::debug!(room = %room_hint(&self.key), "room closed");
    }
}

impl Handler<Join> for RoomActor {
    type Result = ();

    fn handle(&mut self, msg: Join, ctx: &mut Self::Context) {
        self.joins_seen += 1;
        let room = room_hint(&self.key);
        // 16 bytes for the resume token, 8 for the TURN credential's opaque id.
        let mut bytes = [0u8; 24];
        if let Err(e) = getrandom::fill(&mut bytes) {
            tracing::error!(%room, session = %msg.session, "no randomness for a resume token: {e}");
            msg.recipient.do_send(ToSession::Failed { join: msg.join });
            self.report_if_empty();
            return;
        }
        let (token_bytes, turn_id) = split_random(bytes);
        let admission = match self.room.join(
            msg.session,
            msg.resume.as_ref(),
            ResumeToken::from_bytes(token_bytes),
        ) {
            Ok(admission) => admission,
            Err(Full) => {
                tracing::info!(%room, session = %msg.session, "join refused: room full");
                msg.recipient.do_send(ToSession::Refused {
                    join: msg.join,
                    code: ErrorCode::RoomFull,
                    message: "this room already has two people in it".into(),
                });
                return;
            }
        };
        if let Some(old) = admission.replaced {
            tracing::info!(%room, session = %msg.session, replaced = %old, "slot taken over with a resume token");
            if let Some(recipient) = self.recipients.remove(&old) {
                recipient.do_send(ToSession::Replaced { room_id: self.id });
            }
        } else {
            tracing::info!(%room, session = %msg.session, role = ?admission.role, "joined");
            // Before `joined` goes out, so the lobby knows the token before the browser can
            // possibly present it anywhere.
            self.lobby.do_send(TokenIssued {
                token: admission.token.clone(),
                key: self.key.clone(),
            });
        }
        // Minted only now, for an admitted join: a refused one never sees a credential. The id
        // is random, so the relay's logs link a credential to neither the room nor the browser.
        let ice_servers = self
            .turn
            .as_ref()
            .map(|relay| relay.mint(SystemTime::now(), &opaque_id(&turn_id)))
            .into_iter()
            .collect();
        msg.recipient.do_send(ToSession::Admitted {
            join: msg.join,
            room: ctx.address(),
            room_id: self.id,
            joined: ServerMsg::Joined {
                room: msg.room,
                role: admission.role,
                resume: admission.token,
                peer_present: admission.peer.is_some(),
                ice_servers,
            },
        });
        self.recipients.insert(msg.session, msg.recipient);
        // On every pairing, a takeover included: the browsers redo their hello handshake.
        if let Some(peer) = admission.peer {
            self.deliver(peer, ServerMsg::PeerJoined);
        }
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

/// A session gives up its slot.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Leave {
    /// Who leaves.
    pub session: SessionId,
    /// What the other person is told.
    pub reason: LeaveReason,
}

impl RoomActor {
    fn report_if_empty(&self) {
        if self.room.is_empty() {
            self.lobby.do_send(RoomEmpty {
                key: self.key.clone(),
                room_id: self.id,
                joins_seen: self.joins_seen,
            });
        }
    }
}

impl Handler<Leave> for RoomActor {
    type Result = ();

    fn handle(&mut self, msg: Leave, _ctx: &mut Self::Context) {
        // A session that was replaced, or whose join was refused, holds no slot: nothing to do.
        let Some(departure) = self.room.leave(msg.session) else {
            return;
        };
        tracing::info!(room = %room_hint(&self.key), session = %msg.session, reason = ?msg.reason, "left");
        self.recipients.remove(&msg.session);
        self.lobby.do_send(TokenFreed {
            token: departure.token,
        });
        if let Some(peer) = departure.peer {
            self.deliver(peer, ServerMsg::PeerLeft { reason: msg.reason });
        }
        self.report_if_empty();
    }
}

/// A WebRTC payload from one occupant for the other.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Relay {
    /// The sender.
    pub from: SessionId,
    /// The payload, untouched.
    pub signal: RawSignal,
}

impl Handler<Relay> for RoomActor {
    type Result = ();

    fn handle(&mut self, msg: Relay, _ctx: &mut Self::Context) {
        match self.room.peer_of(msg.from) {
            Some(peer) => self.deliver(peer, ServerMsg::Signal { signal: msg.signal }),
            // Browsers only signal while paired, but a signal can cross the peer's departure
            // (or come from a connection just replaced); it has nowhere to go, and the sender
            // learns of the departure from `peer_left` anyway.
            None => tracing::debug!(
                room = %room_hint(&self.key),
                session = %msg.from,
                "signal dropped: no peer"
            ),
        }
    }
}

/// Sent by the lobby to a room it has forgotten: no join can reach it any more.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct CloseRoom;

impl Handler<CloseRoom> for RoomActor {
    type Result = ();

    fn handle(&mut self, _msg: CloseRoom, ctx: &mut Self::Context) {
        if self.room.is_empty() {
            ctx.stop();
        } else {
            // Unreachable while the lobby's join count is right; stay alive rather than
            // strand the people inside.
            tracing::error!(room = %room_hint(&self.key), "asked to close while occupied");
        }
    }
}
