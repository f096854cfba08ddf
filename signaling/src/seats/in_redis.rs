//! Seats kept in Redis and shared by the replicas of the service (`--redis-url`): the rules of
//! [`crate::room::Room`] applied atomically by the scripts of [`Cluster`], so that concurrent
//! joins on any replicas cannot overfill a room. The other person may be connected to another
//! replica; what is said to them, or comes from them, travels over the bus.
//!
//! Seats are leased: each replica renews its people's seats every heartbeat interval, and a
//! dead replica's seats run out after the client timeout.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use shared::{LeaveReason, RawSignal, ResumeToken, Role, RoomKey};

use super::{
    Admitted, Answer, Dismissal, Incoming, Joining, Left, Notice, Registry, Replicated, Route,
    SeatRequest, Seats, Settle, Someone,
};
use crate::cluster::{BusEvent, Cluster, ClusterError, Holder, JoinOutcome, Presence, Seat};
use crate::metrics::{inc, Metrics};
use crate::room::SessionId;
use crate::room_hint::room_hint;

/// Every room's seats in Redis, shared with the other replicas.
#[derive(Debug, Clone)]
pub struct InRedis {
    cluster: Arc<Cluster>,
    metrics: Arc<Metrics>,
    renewal: Duration,
}

impl InRedis {
    /// Seats kept through `cluster`, renewed every `renewal` (the heartbeat interval); failed
    /// Redis commands are counted in `metrics`.
    pub fn new(cluster: Arc<Cluster>, metrics: Arc<Metrics>, renewal: Duration) -> Self {
        Self {
            cluster,
            metrics,
            renewal,
        }
    }
}

impl Registry for InRedis {
    type Seats = RedisSeats;

    fn seats(&self, key: &RoomKey) -> RedisSeats {
        RedisSeats {
            cluster: self.cluster.clone(),
            metrics: self.metrics.clone(),
            renewal: self.renewal,
            key: key.clone(),
            held: HashMap::new(),
            changes: 0,
        }
    }

    fn is_up(&self) -> Option<bool> {
        Some(self.cluster.is_healthy())
    }
}

/// One room's seats in Redis, as this replica's people hold them.
#[derive(Debug)]
pub struct RedisSeats {
    cluster: Arc<Cluster>,
    metrics: Arc<Metrics>,
    renewal: Duration,
    key: RoomKey,
    /// This replica's people in the room: their seat, and the other person's as last heard.
    held: HashMap<SessionId, Held>,
    /// How many times `held` has changed (a seat, or the peer as heard). A renewal's answer
    /// describes Redis when its script ran, somewhere between the asking and the answer: if
    /// word from the bus changed `held` meanwhile, which came first is unknown, and the
    /// answer must not undo it (a stale "peer here" after their `peer_left`, a stale "peer
    /// gone" after their `peer_joined`). The next renewal reconciles.
    changes: u64,
}

/// A seat held by one of this replica's people.
#[derive(Debug)]
struct Held {
    token: ResumeToken,
    role: Role,
    peer: Option<Seat>,
    /// When Redis last had to be given this seat back (it lost the room): until a lease has
    /// passed since, a missing peer may just not have been put back by its replica yet.
    restored: Option<Instant>,
    /// A peer whose departure a renewal found in Redis before their replica's word about
    /// them arrived over the bus: that word, still on its way (their `peer_joined` included,
    /// when they came and went between two renewals), is old news until their `peer_left`.
    ahead: Option<Seat>,
}

/// What one person's arrival or departure means for the other.
#[derive(Debug, Clone, Copy)]
enum PeerEvent {
    Joined,
    Left(LeaveReason),
}

impl RedisSeats {
    fn failed(&self, what: &str, error: &ClusterError) {
        inc(&self.metrics.redis_errors);
        tracing::warn!(room = %room_hint(&self.key), "Redis unavailable for {what}: {error}");
    }

    /// Passes an event from `from` to `to`: over the bus when `to` is on another replica.
    /// Answers what the room must do when `to` is here and has not heard it yet.
    fn tell(&mut self, to: Seat, from: Seat, event: PeerEvent) -> Option<Notice> {
        if to.replica != self.cluster.replica() {
            let event = match event {
                PeerEvent::Joined => BusEvent::PeerJoined { from },
                PeerEvent::Left(reason) => BusEvent::PeerLeft { from, reason },
            };
            self.cluster.send(to, &self.key, event);
            return None;
        }
        let slot = self.held.get_mut(&to.session)?;
        if slot.ahead == Some(from) {
            // The bus catches up with what a renewal told already (see `Held::ahead`).
            if let PeerEvent::Left(_) = event {
                slot.ahead = None;
            }
            return None;
        }
        match event {
            PeerEvent::Joined => {
                // A renewal may have seen the newcomer in Redis before its replica's word
                // arrived: told once is enough (a seat joins once; a takeover is a new seat).
                if slot.peer == Some(from) {
                    return None;
                }
                slot.peer = Some(from);
                self.changes += 1;
                Some(Notice::PeerJoined(to.session))
            }
            PeerEvent::Left(reason) => {
                if slot.peer != Some(from) {
                    return None;
                }
                slot.peer = None;
                self.changes += 1;
                Some(Notice::PeerLeft(to.session, reason))
            }
        }
    }

    fn joined(
        &mut self,
        session: SessionId,
        outcome: Result<JoinOutcome, ClusterError>,
    ) -> Joining {
        let (role, token, peer, replaced) = match outcome {
            Ok(JoinOutcome::Admitted {
                role,
                token,
                peer,
                replaced,
            }) => (role, token, peer, replaced),
            Ok(JoinOutcome::Full) => return Joining::Full,
            Ok(JoinOutcome::WrongRoom) => return Joining::WrongRoom,
            Err(e) => {
                self.failed("join", &e);
                return Joining::Unavailable;
            }
        };
        self.changes += 1;
        let replaced = replaced.map(|old| {
            if old.replica == self.cluster.replica() {
                self.held.remove(&old.session);
                Someone::Here(old.session)
            } else {
                self.cluster.send(old, &self.key, BusEvent::Replaced);
                Someone::Elsewhere(old)
            }
        });
        self.held.insert(
            session,
            Held {
                token: token.clone(),
                role,
                peer,
                restored: None,
                ahead: None,
            },
        );
        Joining::Admitted(Admitted {
            role,
            token,
            peer_present: peer.is_some(),
            replaced,
            // Redis checks whose a token is (the join script).
            issued: None,
        })
    }

    /// What Redis says of `session`'s seat, after a renewal or word from another replica.
    fn presence(&mut self, session: SessionId, presence: Presence) -> Option<Notice> {
        let lease = self.cluster.lease();
        let slot = self.held.get_mut(&session)?;
        match presence {
            Presence::Restored { peer, departed } | Presence::Here { peer, departed } => {
                let now = Instant::now();
                if let Presence::Restored { .. } = presence {
                    tracing::info!(room = %room_hint(&self.key), %session, "slot put back in Redis");
                    slot.restored.get_or_insert(now);
                }
                if peer.is_some() {
                    slot.restored = None;
                }
                if slot.peer == peer {
                    return None;
                }
                // What follows changes the peer as heard, or waits (see `changes`).
                self.changes += 1;
                match (slot.peer, peer) {
                    // They left cleanly and Redis says why: their replica's word, on its
                    // way over the bus, would say the same (and is ignored when it comes).
                    (Some(gone), None) if departed.is_some() => {
                        slot.ahead = Some(gone);
                        slot.peer = None;
                        departed.map(|reason| Notice::PeerLeft(session, reason))
                    }
                    (Some(_), None) => {
                        if slot
                            .restored
                            .is_some_and(|at| now.duration_since(at) < lease)
                        {
                            // Redis forgot everyone: give the peer's replica a lease's time
                            // to put them back before calling them gone.
                            return None;
                        }
                        tracing::info!(room = %room_hint(&self.key), %session, "peer's slot expired");
                        slot.ahead = slot.peer.take();
                        Some(Notice::PeerLeft(session, LeaveReason::ConnectionLost))
                    }
                    // Someone (re)joined and the bus message was lost (Redis was away).
                    _ => {
                        slot.peer = peer;
                        Some(Notice::PeerJoined(session))
                    }
                }
            }
            Presence::Replaced => {
                self.changes += 1;
                self.held.remove(&session);
                Some(Notice::Dismissed(session, Dismissal::Replaced))
            }
            Presence::Lost => {
                tracing::warn!(room = %room_hint(&self.key), %session, "slot lost while Redis was away");
                self.changes += 1;
                self.held.remove(&session);
                Some(Notice::Dismissed(session, Dismissal::SlotLost))
            }
        }
    }
}

impl RedisSeats {
    /// A renewal answered after word from the bus changed `held` (see `changes`): only that
    /// Redis had to be given a seat back is kept (it starts the wait for the peer's replica
    /// to do the same); who the peer is waits for the next renewal.
    fn stale_renewal(&mut self, holders: &[Holder], presences: &[Presence]) {
        let now = Instant::now();
        for (holder, presence) in holders.iter().zip(presences) {
            if let (Presence::Restored { .. }, Some(slot)) =
                (presence, self.held.get_mut(&holder.seat.session))
            {
                slot.restored.get_or_insert(now);
            }
        }
    }
}

impl Seats for RedisSeats {
    fn join(&mut self, request: SeatRequest) -> Answer<Self, Joining> {
        let cluster = self.cluster.clone();
        let key = self.key.clone();
        Answer::Later(Box::pin(async move {
            let SeatRequest {
                session,
                resume,
                fresh,
            } = request;
            let seat = cluster.seat(session);
            let outcome = cluster.join(&key, seat, resume.as_ref(), &fresh).await;
            Box::new(move |seats: &mut Self| seats.joined(session, outcome)) as Settle<Self, _>
        }))
    }

    fn announce(&mut self, session: SessionId) -> Option<Notice> {
        let peer = self.held.get(&session)?.peer?;
        let seat = self.cluster.seat(session);
        self.tell(peer, seat, PeerEvent::Joined)
    }

    fn leave(&mut self, session: SessionId, reason: LeaveReason) -> Option<Answer<Self, Left>> {
        let slot = self.held.remove(&session)?;
        self.changes += 1;
        let cluster = self.cluster.clone();
        let key = self.key.clone();
        let seat = cluster.seat(session);
        Some(Answer::Later(Box::pin(async move {
            let freed = cluster.leave(&key, seat, reason).await;
            Box::new(move |seats: &mut Self| {
                let peer = match freed {
                    Ok(Some(departure)) => departure.peer,
                    // Taken over or expired meanwhile: whoever holds it now told the other
                    // person.
                    Ok(None) => None,
                    Err(e) => {
                        // The seat runs out with its lease; the other person is told now all
                        // the same.
                        seats.failed("leave", &e);
                        slot.peer
                    }
                };
                Left {
                    freed: None,
                    then: peer.and_then(|peer| seats.tell(peer, seat, PeerEvent::Left(reason))),
                }
            }) as Settle<Self, _>
        })))
    }

    fn route(&mut self, from: SessionId, signal: RawSignal) -> Route {
        match self.held.get(&from).and_then(|slot| slot.peer) {
            Some(peer) if peer.replica != self.cluster.replica() => {
                if !self.cluster.is_healthy() {
                    inc(&self.metrics.redis_errors);
                    return Route::Unavailable;
                }
                let from = self.cluster.seat(from);
                self.cluster
                    .send(peer, &self.key, BusEvent::Signal { from, signal });
                Route::Elsewhere
            }
            Some(peer) => Route::Here(peer.session, signal),
            None => Route::Nowhere,
        }
    }

    fn renewal(&self) -> Option<Duration> {
        Some(self.renewal)
    }

    /// Renews this replica's seats in Redis, and learns of a peer whose replica died (its seat
    /// expired) or of a seat taken over while a bus message was lost.
    fn renew(&mut self) -> Answer<Self, Vec<Notice>> {
        let holders: Vec<Holder> = self
            .held
            .iter()
            .map(|(&session, slot)| Holder {
                seat: self.cluster.seat(session),
                token: slot.token.clone(),
                role: slot.role,
                peer: slot.peer,
            })
            .collect();
        if holders.is_empty() {
            return Answer::Now(Vec::new());
        }
        let cluster = self.cluster.clone();
        let key = self.key.clone();
        let asked_at = self.changes;
        Answer::Later(Box::pin(async move {
            let answer = cluster.refresh(&key, &holders).await;
            Box::new(move |seats: &mut Self| match answer {
                Ok(presences) if seats.changes != asked_at => {
                    seats.stale_renewal(&holders, &presences);
                    Vec::new()
                }
                Ok(presences) => holders
                    .into_iter()
                    .zip(presences)
                    .filter_map(|(holder, presence)| seats.presence(holder.seat.session, presence))
                    .collect(),
                Err(e) => {
                    seats.failed("lease renewal", &e);
                    Vec::new()
                }
            }) as Settle<Self, _>
        }))
    }
}

impl Replicated for RedisSeats {
    fn incoming(&mut self, to: SessionId, event: BusEvent) -> Option<Incoming> {
        let me = self.cluster.seat(to);
        let Some(slot) = self.held.get(&to) else {
            tracing::debug!(room = %room_hint(&self.key), session = %to, "bus message for someone gone dropped");
            return None;
        };
        match event {
            BusEvent::PeerJoined { from } => {
                self.tell(me, from, PeerEvent::Joined).map(Incoming::Notice)
            }
            BusEvent::PeerLeft { from, reason } => self
                .tell(me, from, PeerEvent::Left(reason))
                .map(Incoming::Notice),
            BusEvent::Signal { from, signal } => {
                // Only from the person this one is paired with: never from another room, nor
                // from a connection that has since been replaced.
                if slot.peer == Some(from) {
                    Some(Incoming::Signal { to, from, signal })
                } else {
                    tracing::debug!(room = %room_hint(&self.key), session = %to, "signal from a stale peer dropped");
                    None
                }
            }
            BusEvent::Replaced => self.presence(to, Presence::Replaced).map(Incoming::Notice),
            BusEvent::NotPassedOn => Some(Incoming::Notice(Notice::NotPassedOn(to))),
        }
    }

    fn not_passed_on(&self, to: Seat) {
        self.cluster.send(to, &self.key, BusEvent::NotPassedOn);
    }
}
