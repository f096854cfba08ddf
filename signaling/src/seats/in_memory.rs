//! Seats kept in this process: [`Room`]'s rules, applied at once. One process alone decides
//! who gets in, and its room actor handles one join at a time, so concurrent joins cannot
//! overfill a room.

use std::time::Duration;

use shared::{LeaveReason, RawSignal, RoomKey};

use super::{
    Admitted, Answer, Joining, Left, Notice, Registry, Route, SeatRequest, Seats, Someone,
};
use crate::room::{Full, Room, SessionId};

/// Every room's seats in this process's memory (no `--redis-url`).
#[derive(Debug, Clone, Copy, Default)]
pub struct InMemory;

impl Registry for InMemory {
    type Seats = InMemorySeats;

    fn seats(&self, _key: &RoomKey) -> InMemorySeats {
        InMemorySeats { room: Room::new() }
    }

    fn is_up(&self) -> Option<bool> {
        None
    }
}

/// One room's seats in memory.
#[derive(Debug)]
pub struct InMemorySeats {
    room: Room,
}

impl Seats for InMemorySeats {
    fn join(&mut self, request: SeatRequest) -> Answer<Self, Joining> {
        let SeatRequest {
            session,
            resume,
            fresh,
        } = request;
        Answer::Now(match self.room.join(session, resume.as_ref(), fresh) {
            Ok(admission) => Joining::Admitted(Admitted {
                role: admission.role,
                // Resume tokens are checked against the other rooms by the lobby: it learns
                // each new one here, before `joined` goes out with it.
                issued: (!admission.is_takeover()).then(|| admission.token.clone()),
                token: admission.token,
                peer_present: admission.peer.is_some(),
                replaced: admission.replaced.map(Someone::Here),
            }),
            Err(Full) => Joining::Full,
        })
    }

    fn announce(&mut self, session: SessionId) -> Option<Notice> {
        self.room.peer_of(session).map(Notice::PeerJoined)
    }

    fn leave(&mut self, session: SessionId, reason: LeaveReason) -> Option<Answer<Self, Left>> {
        let departure = self.room.leave(session)?;
        Some(Answer::Now(Left {
            freed: Some(departure.token),
            then: departure.peer.map(|peer| Notice::PeerLeft(peer, reason)),
        }))
    }

    fn route(&mut self, from: SessionId, signal: RawSignal) -> Route {
        match self.room.peer_of(from) {
            Some(peer) => Route::Here(peer, signal),
            None => Route::Nowhere,
        }
    }

    fn renewal(&self) -> Option<Duration> {
        None
    }

    /// Seats in memory are held until they are left: there is nothing to renew.
    fn renew(&mut self) -> Answer<Self, Vec<Notice>> {
        Answer::Now(Vec::new())
    }
}
