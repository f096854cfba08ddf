//! Property tests: random runs of join / leave / drop / resume / relay over a few rooms.
//!
//! Drives the real [`Room`] rules, one per room, with the lobby's bookkeeping around them
//! modelled here as the lobby actor does it (a live token maps to the one room it was issued
//! for; a resume token of another room is refused before any room sees it; an empty room is
//! forgotten; a session is in at most one room). After every step: never more than two in a
//! room, roles distinct, no empty room and no token kept past its slot, relay only to the
//! other person of the sender's own room, and a takeover only ever with a token of that room.

use std::collections::{BTreeMap, HashMap};

use proptest::prelude::*;
use proptest::sample::Index;
use shared::ResumeToken;
use signaling::room::{Room, SessionId, CAPACITY};

/// Browsers in a run; each holds one connection at a time.
const BROWSERS: usize = 6;
/// Rooms in a run: few, so that they fill up and collide.
const ROOMS: u8 = 3;

#[derive(Debug, Clone)]
enum Op {
    /// A browser joins a room as a newcomer.
    Join { browser: usize, room: u8 },
    /// A browser joins with a token it saw earlier: its own, another room's, a stale one.
    Resume {
        browser: usize,
        room: u8,
        token: Index,
    },
    /// A browser sends `leave`.
    Leave { browser: usize },
    /// A browser's connection dies unnoticed: it reconnects on a new one, while the old
    /// session keeps its slot until the heartbeat notices.
    Drop { browser: usize },
    /// The heartbeat notices one dead connection.
    Timeout { which: Index },
    /// A browser relays a signal.
    Relay { browser: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let browser = 0..BROWSERS;
    let room = 0..ROOMS;
    prop_oneof![
        3 => (browser.clone(), room.clone()).prop_map(|(browser, room)| Op::Join { browser, room }),
        3 => (browser.clone(), room, any::<Index>())
            .prop_map(|(browser, room, token)| Op::Resume { browser, room, token }),
        2 => browser.clone().prop_map(|browser| Op::Leave { browser }),
        2 => browser.clone().prop_map(|browser| Op::Drop { browser }),
        2 => any::<Index>().prop_map(|which| Op::Timeout { which }),
        2 => browser.prop_map(|browser| Op::Relay { browser }),
    ]
}

/// The service as far as these rules go.
struct World {
    rooms: BTreeMap<u8, Room>,
    /// The lobby's live tokens.
    tokens: HashMap<ResumeToken, u8>,
    /// Where each session is, as the session itself believes.
    in_room: HashMap<SessionId, u8>,
    /// Each browser's current connection.
    connection: [SessionId; BROWSERS],
    /// Connections dead but not noticed yet.
    stale: Vec<SessionId>,
    /// Every token ever issued and its room: what browsers may come back with.
    issued: Vec<(ResumeToken, u8)>,
    next_session: u64,
    next_token: u64,
}

impl World {
    fn new() -> Self {
        Self {
            rooms: BTreeMap::new(),
            tokens: HashMap::new(),
            in_room: HashMap::new(),
            connection: std::array::from_fn(|i| SessionId(i as u64)),
            stale: Vec::new(),
            issued: Vec::new(),
            next_session: BROWSERS as u64,
            next_token: 0,
        }
    }

    fn fresh_token(&mut self) -> ResumeToken {
        self.next_token += 1;
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_token.to_be_bytes());
        ResumeToken::from_bytes(bytes)
    }

    fn join(&mut self, session: SessionId, room: u8, resume: Option<(ResumeToken, u8)>) {
        if self.in_room.contains_key(&session) {
            // The session refuses it itself (`already_in_room`).
            return;
        }
        if let Some((token, _)) = &resume {
            if self.tokens.get(token).is_some_and(|&r| r != room) {
                // The lobby refuses it (`invalid_resume_token`); no room sees it.
                return;
            }
        }
        let fresh = self.fresh_token();
        let occupants = self.rooms.get(&room).map_or(0, Room::len);
        let chamber = self.rooms.entry(room).or_default();
        match chamber.join(session, resume.as_ref().map(|(t, _)| t), fresh.clone()) {
            Ok(admission) => {
                if let Some(old) = admission.replaced {
                    let (token, issued_for) = resume.clone().expect("a takeover needs a token");
                    assert_eq!(issued_for, room, "a token took over a slot in another room");
                    assert_eq!(self.tokens.get(&token), Some(&room));
                    assert_eq!(admission.token, token, "a takeover keeps the slot's token");
                    assert_eq!(self.in_room.remove(&old), Some(room), "replaced a stranger");
                } else {
                    assert!(occupants < CAPACITY, "a third person got in");
                    assert_eq!(admission.token, fresh);
                    self.tokens.insert(fresh.clone(), room);
                    self.issued.push((fresh, room));
                }
                if let Some(peer) = admission.peer {
                    assert_eq!(self.in_room.get(&peer), Some(&room), "peer from elsewhere");
                }
                self.in_room.insert(session, room);
            }
            Err(_full) => {
                assert_eq!(occupants, CAPACITY, "refused from a room with space");
                if let Some((token, _)) = &resume {
                    let own = chamber.occupants().iter().any(|o| &o.token == token);
                    assert!(!own, "a slot's own token was refused");
                }
            }
        }
        self.forget_if_empty(room);
    }

    /// A session's connection ends (leave, or noticed dead): its slot is freed, if it has one.
    fn depart(&mut self, session: SessionId) {
        let Some(room) = self.in_room.remove(&session) else {
            return;
        };
        let chamber = self.rooms.get_mut(&room).expect("a session's room exists");
        let departure = chamber
            .leave(session)
            .expect("a session in a room holds a slot");
        assert_eq!(self.tokens.remove(&departure.token), Some(room));
        if let Some(peer) = departure.peer {
            assert_eq!(self.in_room.get(&peer), Some(&room));
        }
        self.forget_if_empty(room);
    }

    fn forget_if_empty(&mut self, room: u8) {
        if self.rooms.get(&room).is_some_and(Room::is_empty) {
            self.rooms.remove(&room);
        }
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Join { browser, room } => self.join(self.connection[browser], room, None),
            Op::Resume {
                browser,
                room,
                token,
            } => {
                if !self.issued.is_empty() {
                    let resume = self.issued[token.index(self.issued.len())].clone();
                    self.join(self.connection[browser], room, Some(resume));
                }
            }
            Op::Leave { browser } => self.depart(self.connection[browser]),
            Op::Drop { browser } => {
                self.stale.push(self.connection[browser]);
                self.connection[browser] = SessionId(self.next_session);
                self.next_session += 1;
            }
            Op::Timeout { which } => {
                if !self.stale.is_empty() {
                    let dead = self.stale.swap_remove(which.index(self.stale.len()));
                    self.depart(dead);
                }
            }
            Op::Relay { browser } => {
                let from = self.connection[browser];
                let peer = self
                    .in_room
                    .get(&from)
                    .and_then(|room| self.rooms[room].peer_of(from));
                if let Some(peer) = peer {
                    assert_ne!(peer, from);
                    assert_eq!(self.in_room.get(&peer), self.in_room.get(&from));
                }
                for (room, chamber) in &self.rooms {
                    if self.in_room.get(&from) != Some(room) {
                        assert_eq!(chamber.peer_of(from), None, "relay across rooms");
                    }
                }
            }
        }
    }

    fn check(&self) {
        let mut tokens = HashMap::new();
        let mut sessions = HashMap::new();
        for (&room, chamber) in &self.rooms {
            assert!(!chamber.is_empty(), "an empty room is kept");
            assert!(chamber.len() <= CAPACITY);
            if let [a, b] = chamber.occupants() {
                assert_ne!(a.role, b.role, "same role twice");
            }
            for occupant in chamber.occupants() {
                assert!(tokens.insert(occupant.token.clone(), room).is_none());
                assert!(sessions.insert(occupant.session, room).is_none());
            }
        }
        assert_eq!(tokens, self.tokens, "live tokens and slots disagree");
        assert_eq!(sessions, self.in_room, "sessions and slots disagree");
    }

    /// Every connection ends: nothing may remain.
    fn drain(&mut self) {
        let everyone: Vec<SessionId> = self
            .connection
            .iter()
            .copied()
            .chain(self.stale.drain(..))
            .collect();
        for session in everyone {
            self.depart(session);
            self.check();
        }
        assert!(self.rooms.is_empty(), "rooms leaked");
        assert!(self.tokens.is_empty(), "tokens leaked");
        assert!(self.in_room.is_empty(), "sessions leaked");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn rooms_hold_their_rules_under_any_run(ops in proptest::collection::vec(op(), 1..120)) {
        let mut world = World::new();
        for op in ops {
            world.apply(op);
            world.check();
        }
        world.drain();
    }
}
