//! Who is in a room: the occupancy rules, free of actors and I/O so they can be tested alone.

use std::fmt;

use shared::{ResumeToken, Role};

/// One WebSocket connection's identity, unique for the life of the process.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct SessionId(pub u64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// A person in a room: the connection that currently speaks for them, their resume token and
/// their negotiation role. The token and role belong to the slot, not the connection, so a
/// reconnecting browser gets both back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occupant {
    /// The connection currently holding this slot.
    pub session: SessionId,
    /// The secret that lets a new connection take this slot over.
    pub token: ResumeToken,
    /// This person's part in perfect negotiation.
    pub role: Role,
}

/// The outcome of a successful [`Room::join`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    /// The role the joiner plays.
    pub role: Role,
    /// The joiner's resume token: the one it came back with on a takeover, else a fresh one.
    pub token: ResumeToken,
    /// The other occupant, if any: it must be told that someone (re)joined.
    pub peer: Option<SessionId>,
    /// On a takeover, the stale connection that lost its slot and must be told so.
    pub replaced: Option<SessionId>,
}

impl Admission {
    /// Whether the joiner took over an existing slot rather than filling a free one.
    pub fn is_takeover(&self) -> bool {
        self.replaced.is_some()
    }
}

/// A join refused because two other people are in the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the room already holds two people")]
pub struct Full;

/// What leaving freed: [`Room::leave`]'s answer, and in Redis mode the leave script's, where
/// people are `P` = [`crate::cluster::Seat`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure<P = SessionId> {
    /// The token of the freed slot, which is no longer good for anything.
    pub token: ResumeToken,
    /// The occupant left behind, who must be told.
    pub peer: Option<P>,
}

/// The occupants of one room: at most two.
#[derive(Debug, Default)]
pub struct Room {
    // A Vec of at most two rather than two named slots: order carries no meaning and the
    // rules below read more plainly as "find the one that matches".
    occupants: Vec<Occupant>,
}

/// How many people a room holds: the protocol's [`shared::ROOM_CAPACITY`], named for this module.
pub use shared::ROOM_CAPACITY as CAPACITY;

impl Room {
    /// An empty room.
    pub fn new() -> Self {
        Self::default()
    }

    /// Admits `session`, or refuses it because the room is full.
    ///
    /// A `resume` token that matches an occupant hands that occupant's slot (role and token)
    /// to `session` even when the room is full: a person is never locked out by their own
    /// stale connection. Otherwise `session` takes a free slot with `fresh_token`; its role is
    /// the opposite of the other occupant's, or [`Role::Impolite`] when it is alone.
    pub fn join(
        &mut self,
        session: SessionId,
        resume: Option<&ResumeToken>,
        fresh_token: ResumeToken,
    ) -> Result<Admission, Full> {
        if let Some(token) = resume {
            if let Some(slot) = self.occupants.iter_mut().find(|o| &o.token == token) {
                let replaced = std::mem::replace(&mut slot.session, session);
                let (role, token) = (slot.role, slot.token.clone());
                return Ok(Admission {
                    role,
                    token,
                    peer: self.peer_of(session),
                    // Re-joining on the very connection that holds the slot replaces nothing.
                    replaced: (replaced != session).then_some(replaced),
                });
            }
        }
        if self.occupants.len() >= CAPACITY {
            return Err(Full);
        }
        let peer = self.occupants.first().map(|o| (o.session, o.role));
        let role = peer.map_or(Role::Impolite, |(_, role)| role.other());
        self.occupants.push(Occupant {
            session,
            token: fresh_token.clone(),
            role,
        });
        Ok(Admission {
            role,
            token: fresh_token,
            peer: peer.map(|(s, _)| s),
            replaced: None,
        })
    }

    /// Frees `session`'s slot. `None` when `session` holds no slot, e.g. because a newer
    /// connection took it over: a stale connection dying must not evict its successor.
    pub fn leave(&mut self, session: SessionId) -> Option<Departure> {
        let index = self.occupants.iter().position(|o| o.session == session)?;
        let gone = self.occupants.remove(index);
        Some(Departure {
            token: gone.token,
            peer: self.occupants.first().map(|o| o.session),
        })
    }

    /// The other occupant of `session`'s room, if `session` is an occupant and is not alone.
    pub fn peer_of(&self, session: SessionId) -> Option<SessionId> {
        if !self.contains(session) {
            return None;
        }
        self.occupants
            .iter()
            .map(|o| o.session)
            .find(|&s| s != session)
    }

    /// Whether `session` holds a slot here.
    pub fn contains(&self, session: SessionId) -> bool {
        self.occupants.iter().any(|o| o.session == session)
    }

    /// Whether nobody is in the room.
    pub fn is_empty(&self) -> bool {
        self.occupants.is_empty()
    }

    /// How many people are in the room.
    pub fn len(&self) -> usize {
        self.occupants.len()
    }

    /// The occupants, in no meaningful order.
    pub fn occupants(&self) -> &[Occupant] {
        &self.occupants
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(n: u8) -> ResumeToken {
        ResumeToken::from_bytes([n; 16])
    }

    const A: SessionId = SessionId(1);
    const B: SessionId = SessionId(2);
    const C: SessionId = SessionId(3);

    fn admitted(result: Result<Admission, Full>) -> Admission {
        match result {
            Ok(admission) => admission,
            Err(Full) => panic!("expected an admission, the room was full"),
        }
    }

    #[test]
    fn the_first_joiner_is_alone_and_impolite() {
        let mut room = Room::new();
        let a = admitted(room.join(A, None, token(1)));
        assert_eq!(
            a,
            Admission {
                role: Role::Impolite,
                token: token(1),
                peer: None,
                replaced: None
            }
        );
        assert_eq!(room.peer_of(A), None);
        assert!(!room.is_empty());
    }

    #[test]
    fn the_second_joiner_gets_the_other_role_and_the_first_as_peer() {
        let mut room = Room::new();
        admitted(room.join(A, None, token(1)));
        let b = admitted(room.join(B, None, token(2)));
        assert_eq!(
            b,
            Admission {
                role: Role::Polite,
                token: token(2),
                peer: Some(A),
                replaced: None
            }
        );
        assert_eq!(room.peer_of(A), Some(B));
        assert_eq!(room.peer_of(B), Some(A));
    }

    #[test]
    fn a_third_joiner_is_refused_and_changes_nothing() {
        let mut room = Room::new();
        admitted(room.join(A, None, token(1)));
        admitted(room.join(B, None, token(2)));
        assert_eq!(room.join(C, None, token(3)), Err(Full));
        assert_eq!(room.join(C, Some(&token(9)), token(3)), Err(Full));
        assert_eq!(room.len(), 2);
        assert!(!room.contains(C));
    }

    #[test]
    fn roles_stay_opposite_when_someone_leaves_and_another_arrives() {
        let mut room = Room::new();
        admitted(room.join(A, None, token(1)));
        admitted(room.join(B, None, token(2)));
        // A (impolite) leaves; B stays polite, so the newcomer must be impolite.
        assert_eq!(
            room.leave(A),
            Some(Departure {
                token: token(1),
                peer: Some(B)
            })
        );
        let c = admitted(room.join(C, None, token(3)));
        assert_eq!(c.role, Role::Impolite);
        assert_eq!(c.peer, Some(B));
    }

    #[test]
    fn a_resume_token_takes_over_its_slot_in_a_full_room() {
        let mut room = Room::new();
        admitted(room.join(A, None, token(1)));
        admitted(room.join(B, None, token(2)));
        let again = admitted(room.join(C, Some(&token(1)), token(3)));
        assert_eq!(
            again,
            Admission {
                role: Role::Impolite,
                token: token(1),
                peer: Some(B),
                replaced: Some(A)
            }
        );
        assert!(again.is_takeover());
        assert!(!room.contains(A));
        assert_eq!(room.peer_of(B), Some(C));
    }

    #[test]
    fn a_resume_token_takes_over_when_alone_too() {
        let mut room = Room::new();
        admitted(room.join(A, None, token(1)));
        let again = admitted(room.join(B, Some(&token(1)), token(2)));
        assert_eq!(again.replaced, Some(A));
        assert_eq!(again.peer, None);
        assert_eq!(room.len(), 1);
    }

    #[test]
    fn an_unknown_token_is_a_plain_join() {
        let mut room = Room::new();
        admitted(room.join(A, None, token(1)));
        let b = admitted(room.join(B, Some(&token(7)), token(2)));
        assert_eq!(
            b,
            Admission {
                role: Role::Polite,
                token: token(2),
                peer: Some(A),
                replaced: None
            }
        );
    }

    #[test]
    fn a_replaced_session_leaving_does_not_evict_its_successor() {
        let mut room = Room::new();
        admitted(room.join(A, None, token(1)));
        admitted(room.join(B, None, token(2)));
        admitted(room.join(C, Some(&token(1)), token(3)));
        assert_eq!(room.leave(A), None);
        assert_eq!(room.len(), 2);
        assert_eq!(room.peer_of(B), Some(C));
    }

    #[test]
    fn the_last_one_out_empties_the_room_and_frees_the_token() {
        let mut room = Room::new();
        admitted(room.join(A, None, token(1)));
        assert_eq!(
            room.leave(A),
            Some(Departure {
                token: token(1),
                peer: None
            })
        );
        assert!(room.is_empty());
        assert_eq!(room.leave(A), None);
        // The freed token no longer means anything here.
        let b = admitted(room.join(B, Some(&token(1)), token(2)));
        assert_eq!(b.token, token(2));
        assert_eq!(b.replaced, None);
    }

    #[test]
    fn strangers_have_no_peer() {
        let mut room = Room::new();
        admitted(room.join(A, None, token(1)));
        admitted(room.join(B, None, token(2)));
        assert_eq!(room.peer_of(C), None);
    }
}
