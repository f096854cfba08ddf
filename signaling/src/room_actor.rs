//! The actor for one room: applies [`Room`]'s rules and passes messages between its sessions.
//!
//! With replicas (Redis mode) the same actor serves the people of the room connected to this
//! replica: the rules are applied in Redis instead ([`Cluster`]), and the other person may be
//! reached over the bus. Everything else (delivery, slow readers, TURN, tokens to sessions)
//! is shared by both modes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use actix::{
    Actor, ActorContext, ActorFutureExt, Addr, AsyncContext, Context, Handler, Message, Recipient,
    WrapFuture,
};
use shared::{ErrorCode, LeaveReason, RawSignal, ResumeToken, Role, RoomKey, ServerMsg};

use crate::cluster::{BusEvent, Cluster, ClusterError, Holder, JoinOutcome, Presence, Seat};
use crate::lobby::{Lobby, RoomEmpty, TokenFreed, TokenIssued};
use crate::messages::{queued_size, room_hint, Join, Outbox, RoomId, ToSession};
use crate::metrics::{inc, Metrics};
use crate::room::{Full, Room, SessionId};
use crate::turn::{opaque_id, TurnRelay};

/// One room's actor. In one process it alone decides who gets in, so concurrent joins cannot
/// overfill it; with replicas, Redis decides, atomically.
///
/// It never stops on its own when it empties: a join may already be on its way from the
/// lobby. It reports [`RoomEmpty`] instead and the lobby, which knows how many joins it sent,
/// stops it only when none is in flight.
pub struct RoomActor {
    id: RoomId,
    key: RoomKey,
    lobby: Addr<Lobby>,
    seats: Seats,
    members: HashMap<SessionId, Member>,
    joins_seen: u64,
    settings: RoomSettings,
}

/// Who holds the room's slots, and where that is decided.
enum Seats {
    /// One process: [`Room`]'s rules, applied here.
    Local(Room),
    /// Replicas: the same rules applied in Redis; the other person may be on another replica.
    Shared {
        cluster: Arc<Cluster>,
        /// This replica's people in the room: their slot, and the other person's seat as
        /// last heard.
        held: HashMap<SessionId, Held>,
    },
}

/// A slot held by one of this replica's people, in Redis mode.
struct Held {
    token: ResumeToken,
    role: Role,
    peer: Option<Seat>,
    /// When Redis last had to be given this slot back (it lost the room): until a lease has
    /// passed since, a missing peer may just not have been put back by its replica yet.
    restored: Option<Instant>,
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
    /// Redis mode: the registry and bus shared with the other replicas.
    pub cluster: Option<Arc<Cluster>>,
    /// How often this replica renews its people's slots in Redis (the heartbeat interval).
    pub lease_renewal: Duration,
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

/// Who sent a signal: told when it could not be passed on.
#[derive(Debug, Clone, Copy)]
enum Sender {
    /// A session of this replica.
    Here(SessionId),
    /// A session of another replica (Redis mode).
    There(Seat),
}

impl RoomActor {
    /// A room with nobody in it yet.
    pub fn new(id: RoomId, key: RoomKey, lobby: Addr<Lobby>, settings: RoomSettings) -> Self {
        let seats = match &settings.cluster {
            None => Seats::Local(Room::new()),
            Some(cluster) => Seats::Shared {
                cluster: cluster.clone(),
                held: HashMap::new(),
            },
        };
        Self {
            id,
            key,
            lobby,
            seats,
            members: HashMap::new(),
            joins_seen: 0,
            settings,
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
        });
        true
    }

    /// Passes a signal to `to`, unless too much already waits for it (see [`Outbox`]).
    ///
    /// A backlog is first taken for a burst, which a reader that is keeping up drains in
    /// moments: the sender is told that this signal was not passed on (`rate_limited`), and
    /// `to` keeps its place. A backlog that lasts a whole grace period (the client timeout)
    /// is a reader that stopped: it is dropped from the room. So a flood from one person can
    /// cost them their own messages, never their friend's place.
    fn pass_signal(
        &mut self,
        from: Sender,
        to: SessionId,
        signal: RawSignal,
        ctx: &mut Context<Self>,
    ) -> bool {
        let cap = self.settings.max_queued_bytes;
        let grace = self.settings.slow_reader_grace;
        let Some(member) = self.members.get_mut(&to) else {
            return false;
        };
        let msg = ServerMsg::Signal { signal };
        let queued = queued_size(&msg);
        if member.outbox.add(queued) > cap {
            member.outbox.take(queued);
            let now = Instant::now();
            let since = *member.backlogged_since.get_or_insert(now);
            if now.duration_since(since) >= grace {
                self.evict(to, ctx);
            } else {
                self.not_passed_on(from);
            }
            return false;
        }
        member.backlogged_since = None;
        member.recipient.do_send(ToSession::Deliver {
            room_id: self.id,
            msg,
            queued,
        });
        true
    }

    /// Tells the sender of a signal held back by its friend's backlog.
    fn not_passed_on(&mut self, from: Sender) {
        self.settings.metrics.error(ErrorCode::RateLimited);
        match from {
            Sender::Here(session) => {
                self.deliver(
                    session,
                    ServerMsg::Error {
                        code: ErrorCode::RateLimited,
                        message: "your friend is not keeping up; this signal was not passed on"
                            .into(),
                    },
                );
            }
            Sender::There(seat) => {
                if let Seats::Shared { cluster, .. } = &self.seats {
                    cluster.send(seat, &self.key, BusEvent::NotPassedOn);
                }
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
        match &mut self.seats {
            Seats::Local(room) => {
                // A session that was replaced, or whose join was refused, holds no slot:
                // nothing to do.
                let Some(departure) = room.leave(session) else {
                    return;
                };
                tracing::info!(room = %room_hint(&self.key), %session, ?reason, "left");
                self.members.remove(&session);
                self.lobby.do_send(TokenFreed {
                    token: departure.token,
                });
                if let Some(peer) = departure.peer {
                    // Should the peer be a slow reader too, this evicts it in turn (at most
                    // once more: then the room is empty).
                    self.deliver(peer, ServerMsg::PeerLeft { reason });
                }
                self.report_if_empty();
            }
            Seats::Shared { cluster, held } => {
                let Some(slot) = held.remove(&session) else {
                    return;
                };
                tracing::info!(room = %room_hint(&self.key), %session, ?reason, "left");
                self.members.remove(&session);
                let cluster = cluster.clone();
                let key = self.key.clone();
                let seat = cluster.seat(session);
                // Waited for, so the slot is free in Redis before this room handles anything
                // else (a resume from the same person right after, say).
                ctx.wait(
                    async move { cluster.leave(&key, seat).await }
                        .into_actor(self)
                        .map(move |freed, act, _ctx| {
                            let peer = match freed {
                                Ok(Some(departure)) => departure.peer,
                                // Taken over or expired meanwhile: whoever holds it now
                                // told the other person.
                                Ok(None) => None,
                                Err(e) => {
                                    // The slot runs out with its lease; the other person
                                    // is told now all the same.
                                    act.redis_failed("leave", &e);
                                    slot.peer
                                }
                            };
                            if let Some(peer) = peer {
                                act.tell(peer, seat, PeerEvent::Left(reason));
                            }
                            act.report_if_empty();
                        }),
                );
            }
        }
    }

    /// Passes an event from `from` to `to`, on this replica or another.
    fn tell(&mut self, to: Seat, from: Seat, event: PeerEvent) {
        let Seats::Shared { cluster, held } = &mut self.seats else {
            return;
        };
        if to.replica != cluster.replica() {
            let event = match event {
                PeerEvent::Joined => BusEvent::PeerJoined { from },
                PeerEvent::Left(reason) => BusEvent::PeerLeft { from, reason },
            };
            cluster.send(to, &self.key, event);
            return;
        }
        let Some(slot) = held.get_mut(&to.session) else {
            return;
        };
        let msg = match event {
            PeerEvent::Joined => {
                // A renewal may have seen the newcomer in Redis before its replica's word
                // arrived: told once is enough (a seat joins once; a takeover is a new seat).
                if slot.peer == Some(from) {
                    return;
                }
                slot.peer = Some(from);
                ServerMsg::PeerJoined
            }
            PeerEvent::Left(reason) => {
                if slot.peer != Some(from) {
                    return;
                }
                slot.peer = None;
                ServerMsg::PeerLeft { reason }
            }
        };
        self.deliver(to.session, msg);
    }

    fn redis_failed(&self, what: &str, error: &ClusterError) {
        inc(&self.settings.metrics.redis_errors);
        tracing::warn!(room = %room_hint(&self.key), "Redis unavailable for {what}: {error}");
    }

    fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

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
        msg.recipient.do_send(ToSession::Admitted {
            join: msg.join,
            room: ctx.address(),
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

    fn refuse(&self, msg: &Join, code: ErrorCode, message: &str) {
        msg.recipient.do_send(ToSession::Refused {
            join: msg.join,
            code,
            message: message.into(),
        });
    }

    fn refuse_full(&self, msg: &Join) {
        inc(&self.settings.metrics.full_rejections);
        tracing::info!(room = %room_hint(&self.key), session = %msg.session, "join refused: room full");
        self.refuse(
            msg,
            ErrorCode::RoomFull,
            "this room already has two people in it",
        );
    }

    fn join_local(
        &mut self,
        msg: Join,
        token: [u8; 16],
        turn_id: [u8; 8],
        ctx: &mut Context<Self>,
    ) {
        let Seats::Local(room) = &mut self.seats else {
            return;
        };
        let admission = match room.join(
            msg.session,
            msg.resume.as_ref(),
            ResumeToken::from_bytes(token),
        ) {
            Ok(admission) => admission,
            Err(Full) => return self.refuse_full(&msg),
        };
        let room = room_hint(&self.key);
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
        self.admit(
            msg,
            admission.role,
            admission.token,
            admission.peer.is_some(),
            turn_id,
            ctx,
        );
        // On every pairing, a takeover included: the browsers redo their hello handshake.
        if let Some(peer) = admission.peer {
            self.deliver(peer, ServerMsg::PeerJoined);
        }
    }

    fn join_shared(
        &mut self,
        msg: Join,
        outcome: Result<JoinOutcome, ClusterError>,
        turn_id: [u8; 8],
        ctx: &mut Context<Self>,
    ) {
        let room = room_hint(&self.key);
        let (role, token, peer, replaced) = match outcome {
            Ok(JoinOutcome::Admitted {
                role,
                token,
                peer,
                replaced,
            }) => (role, token, peer, replaced),
            Ok(JoinOutcome::Full) => {
                self.refuse_full(&msg);
                return self.report_if_empty();
            }
            Ok(JoinOutcome::WrongRoom) => {
                tracing::info!(%room, session = %msg.session, "join refused: resume token of another room");
                self.refuse(
                    &msg,
                    ErrorCode::InvalidResumeToken,
                    "this resume token belongs to another room",
                );
                return self.report_if_empty();
            }
            Err(e) => {
                self.redis_failed("join", &e);
                msg.recipient
                    .do_send(ToSession::Unavailable { join: msg.join });
                return self.report_if_empty();
            }
        };
        let Seats::Shared { cluster, held } = &mut self.seats else {
            return;
        };
        let seat = cluster.seat(msg.session);
        if let Some(old) = replaced {
            tracing::info!(%room, session = %msg.session, replaced = %old, "slot taken over with a resume token");
            if old.replica == cluster.replica() {
                held.remove(&old.session);
                if let Some(member) = self.members.remove(&old.session) {
                    member
                        .recipient
                        .do_send(ToSession::Replaced { room_id: self.id });
                }
            } else {
                cluster.send(old, &self.key, BusEvent::Replaced);
            }
        } else {
            tracing::info!(%room, session = %msg.session, ?role, "joined");
        }
        held.insert(
            msg.session,
            Held {
                token: token.clone(),
                role,
                peer,
                restored: None,
            },
        );
        self.admit(msg, role, token, peer.is_some(), turn_id, ctx);
        // On every pairing, a takeover included: the browsers redo their hello handshake.
        if let Some(peer) = peer {
            self.tell(peer, seat, PeerEvent::Joined);
        }
    }

    /// Renews this replica's slots in Redis, and learns of a peer whose replica died (its
    /// slot expired) or of a slot taken over while a bus message was lost.
    fn renew(&mut self, ctx: &mut Context<Self>) {
        let Seats::Shared { cluster, held } = &self.seats else {
            return;
        };
        let holders: Vec<Holder> = held
            .iter()
            .map(|(&session, slot)| Holder {
                seat: cluster.seat(session),
                token: slot.token.clone(),
                role: slot.role,
            })
            .collect();
        if holders.is_empty() {
            return;
        }
        let cluster = cluster.clone();
        let key = self.key.clone();
        ctx.wait(
            async move {
                let answer = cluster.refresh(&key, &holders).await;
                (holders, answer)
            }
            .into_actor(self)
            .map(|(holders, answer), act, _ctx| match answer {
                Ok(presences) => {
                    for (holder, presence) in holders.into_iter().zip(presences) {
                        act.presence(holder.seat, presence);
                    }
                }
                Err(e) => act.redis_failed("lease renewal", &e),
            }),
        );
    }

    /// Stops serving a member whose slot is no longer its own, and tells it why (`why`).
    fn dismiss(&mut self, session: SessionId, why: ToSession) {
        if let Some(member) = self.members.remove(&session) {
            member.recipient.do_send(why);
        }
        self.report_if_empty();
    }

    fn presence(&mut self, seat: Seat, presence: Presence) {
        let Seats::Shared { cluster, held } = &mut self.seats else {
            return;
        };
        let session = seat.session;
        let lease = cluster.lease();
        let Some(slot) = held.get_mut(&session) else {
            return;
        };
        match presence {
            Presence::Restored { peer } | Presence::Here { peer } => {
                let now = Instant::now();
                if let Presence::Restored { .. } = presence {
                    tracing::info!(room = %room_hint(&self.key), %session, "slot put back in Redis");
                    slot.restored.get_or_insert(now);
                }
                if peer.is_some() {
                    slot.restored = None;
                }
                if slot.peer == peer {
                    return;
                }
                match (slot.peer, peer) {
                    (Some(_), None) => {
                        if slot
                            .restored
                            .is_some_and(|at| now.duration_since(at) < lease)
                        {
                            // Redis forgot everyone: give the peer's replica a lease's time
                            // to put them back before calling them gone.
                            return;
                        }
                        tracing::info!(room = %room_hint(&self.key), %session, "peer's slot expired");
                        slot.peer = None;
                        self.deliver(
                            session,
                            ServerMsg::PeerLeft {
                                reason: LeaveReason::ConnectionLost,
                            },
                        );
                    }
                    // Someone (re)joined and the bus message was lost (Redis was away).
                    _ => {
                        slot.peer = peer;
                        self.deliver(session, ServerMsg::PeerJoined);
                    }
                }
            }
            Presence::Replaced => {
                held.remove(&session);
                self.dismiss(session, ToSession::Replaced { room_id: self.id });
            }
            Presence::Lost => {
                tracing::warn!(room = %room_hint(&self.key), %session, "slot lost while Redis was away");
                held.remove(&session);
                self.dismiss(session, ToSession::SlotLost { room_id: self.id });
            }
        }
    }
}

/// What one person's arrival or departure means for the other.
#[derive(Debug, Clone, Copy)]
enum PeerEvent {
    Joined,
    Left(LeaveReason),
}

impl Actor for RoomActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        tracing::debug!(room = %room_hint(&self.key), "room opened");
        if matches!(self.seats, Seats::Shared { .. }) {
            ctx.run_interval(self.settings.lease_renewal, Self::renew);
        }
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        tracing::debug!(room = %room_hint(&self.key), "room closed");
    }
}

impl Handler<Join> for RoomActor {
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
        match &self.seats {
            Seats::Local(_) => self.join_local(msg, token, turn_id, ctx),
            Seats::Shared { cluster, .. } => {
                let cluster = cluster.clone();
                let key = self.key.clone();
                let seat = cluster.seat(msg.session);
                let resume = msg.resume.clone();
                // Waited for: this room handles nothing else until Redis has answered, so a
                // signal or leave of this session cannot overtake its join.
                ctx.wait(
                    async move {
                        let fresh = ResumeToken::from_bytes(token);
                        cluster.join(&key, seat, resume.as_ref(), &fresh).await
                    }
                    .into_actor(self)
                    .map(move |outcome, act, ctx| act.join_shared(msg, outcome, turn_id, ctx)),
                );
            }
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
        if self.is_empty() {
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

    fn handle(&mut self, msg: Leave, ctx: &mut Self::Context) {
        self.depart(msg.session, msg.reason, ctx);
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

impl RoomActor {
    /// Counts a relayed signal of `bytes` payload bytes.
    fn relayed(&self, bytes: usize) {
        let metrics = &self.settings.metrics;
        inc(&metrics.relayed);
        metrics
            .relayed_bytes
            .fetch_add(bytes as u64, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Handler<Relay> for RoomActor {
    type Result = ();

    fn handle(&mut self, msg: Relay, ctx: &mut Self::Context) {
        let bytes = msg.signal.0.get().len();
        let peer = match &self.seats {
            Seats::Local(room) => room.peer_of(msg.from),
            Seats::Shared { cluster, held } => {
                match held.get(&msg.from).and_then(|slot| slot.peer) {
                    Some(peer) if peer.replica != cluster.replica() => {
                        if !cluster.is_healthy() {
                            inc(&self.settings.metrics.redis_errors);
                            self.deliver(
                                msg.from,
                                ServerMsg::Error {
                                    code: ErrorCode::Unavailable,
                                    message: "the service cannot reach its room registry; this message was not passed on".into(),
                                });
                            return;
                        }
                        let from = cluster.seat(msg.from);
                        cluster.send(
                            peer,
                            &self.key,
                            BusEvent::Signal {
                                from,
                                signal: msg.signal,
                            },
                        );
                        self.relayed(bytes);
                        return;
                    }
                    Some(peer) => Some(peer.session),
                    None => None,
                }
            }
        };
        match peer {
            Some(peer) => {
                if self.pass_signal(Sender::Here(msg.from), peer, msg.signal, ctx) {
                    self.relayed(bytes);
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

/// Something another replica says about one of this room's people (Redis mode).
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Remote {
    /// The session it is for.
    pub to: SessionId,
    /// What happened.
    pub event: BusEvent,
}

impl Handler<Remote> for RoomActor {
    type Result = ();

    fn handle(&mut self, msg: Remote, ctx: &mut Self::Context) {
        let Seats::Shared { cluster, held } = &mut self.seats else {
            return;
        };
        let me = cluster.seat(msg.to);
        let Some(slot) = held.get(&msg.to) else {
            tracing::debug!(room = %room_hint(&self.key), session = %msg.to, "bus message for someone gone dropped");
            return;
        };
        match msg.event {
            BusEvent::PeerJoined { from } => self.tell(me, from, PeerEvent::Joined),
            BusEvent::PeerLeft { from, reason } => self.tell(me, from, PeerEvent::Left(reason)),
            BusEvent::Signal { from, signal } => {
                // Only from the person this one is paired with: never from another room, nor
                // from a connection that has since been replaced.
                if slot.peer == Some(from) {
                    let bytes = signal.0.get().len();
                    if self.pass_signal(Sender::There(from), msg.to, signal, ctx) {
                        self.relayed(bytes);
                    }
                } else {
                    tracing::debug!(room = %room_hint(&self.key), session = %msg.to, "signal from a stale peer dropped");
                }
            }
            BusEvent::Replaced => self.presence(me, Presence::Replaced),
            BusEvent::NotPassedOn => self.not_passed_on(Sender::Here(msg.to)),
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
        if self.is_empty() {
            ctx.stop();
        } else {
            // Unreachable while the lobby's join count is right; stay alive rather than
            // strand the people inside.
            tracing::error!(room = %room_hint(&self.key), "asked to close while occupied");
        }
    }
}
