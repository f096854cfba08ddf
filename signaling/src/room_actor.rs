//! The actor for one room: applies [`Room`]'s rules and passes messages between its sessions.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use actix::{Actor, ActorContext, Addr, AsyncContext, Context, Handler, Message, Recipient};
use shared::{ErrorCode, LeaveReason, RawSignal, ResumeToken, RoomKey, ServerMsg};

use crate::lobby::{Lobby, RoomEmpty, TokenFreed, TokenIssued};
use crate::messages::{queued_size, room_hint, Join, Outbox, RoomId, ToSession};
use crate::metrics::{inc, Metrics};
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
    members: HashMap<SessionId, Member>,
    joins_seen: u64,
    settings: RoomSettings,
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
}

/// How to reach a session in the room.
struct Member {
    recipient: Recipient<ToSession>,
    outbox: Outbox,
}

impl RoomActor {
    /// A room with nobody in it yet.
    pub fn new(id: RoomId, key: RoomKey, lobby: Addr<Lobby>, settings: RoomSettings) -> Self {
        Self {
            id,
            key,
            lobby,
            room: Room::new(),
            members: HashMap::new(),
            joins_seen: 0,
            settings,
        }
    }

    /// Sends `msg` to `to`, unless too much already waits for it: then `to` is dropped from
    /// the room as a slow reader instead (and `false` answered).
    fn deliver(&mut self, to: SessionId, msg: ServerMsg<RawSignal>) -> bool {
        let Some(member) = self.members.get(&to) else {
            return false;
        };
        let queued = queued_size(&msg);
        if member.outbox.add(queued) > self.settings.max_queued_bytes {
            member.outbox.take(queued);
            self.evict(to);
            return false;
        }
        member.recipient.do_send(ToSession::Deliver {
            room_id: self.id,
            msg,
            queued,
        });
        true
    }

    /// Drops a session that does not read what it is sent. Its place is freed as if its
    /// connection had been lost; the session is told to close, which it does if it ever
    /// reads again (otherwise the kernel's TCP user timeout ends the connection).
    fn evict(&mut self, session: SessionId) {
        tracing::info!(room = %room_hint(&self.key), %session, "dropped: not reading its messages");
        inc(&self.settings.metrics.slow_consumer_evictions);
        if let Some(member) = self.members.get(&session) {
            member
                .recipient
                .do_send(ToSession::Evicted { room_id: self.id });
        }
        self.depart(session, LeaveReason::ConnectionLost);
    }

    /// Frees `session`'s place and tells the other person.
    fn depart(&mut self, session: SessionId, reason: LeaveReason) {
        // A session that was replaced, or whose join was refused, holds no slot: nothing to do.
        let Some(departure) = self.room.leave(session) else {
            return;
        };
        tracing::info!(room = %room_hint(&self.key), %session, ?reason, "left");
        self.members.remove(&session);
        self.lobby.do_send(TokenFreed {
            token: departure.token,
        });
        if let Some(peer) = departure.peer {
            // Should the peer be a slow reader too, this evicts it in turn (at most once more:
            // then the room is empty).
            self.deliver(peer, ServerMsg::PeerLeft { reason });
        }
        self.report_if_empty();
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
                inc(&self.settings.metrics.full_rejections);
                tracing::info!(%room, session = %msg.session, "join refused: room full");
                msg.recipient.do_send(ToSession::Refused {
                    join: msg.join,
                    code: ErrorCode::RoomFull,
                    message: "this room already has two people in it".into(),
                });
                return;
            }
        };
        inc(&self.settings.metrics.joins);
        if let Some(old) = admission.replaced {
            tracing::info!(%room, session = %msg.session, replaced = %old, "slot taken over with a resume token");
            if let Some(member) = self.members.remove(&old) {
                member
                    .recipient
                    .do_send(ToSession::Replaced { room_id: self.id });
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
            .settings
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
        self.members.insert(
            msg.session,
            Member {
                recipient: msg.recipient,
                outbox: msg.outbox,
            },
        );
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
        self.depart(msg.session, msg.reason);
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
            Some(peer) => {
                let bytes = msg.signal.0.get().len() as u64;
                if self.deliver(peer, ServerMsg::Signal { signal: msg.signal }) {
                    let metrics = &self.settings.metrics;
                    inc(&metrics.relayed);
                    metrics
                        .relayed_bytes
                        .fetch_add(bytes, std::sync::atomic::Ordering::Relaxed);
                }
            }
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
