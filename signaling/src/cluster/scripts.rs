//! The room scripts that run in Redis (`*.lua`, each after `common.lua`), and what their
//! answers mean.

use redis::Script;
use shared::{LeaveReason, ResumeToken, Role};

use super::seat::{InvalidSeat, Seat};
use crate::room::Departure;

/// The scripts, ready to run.
pub struct Scripts {
    /// `join.lua`: [`crate::room::Room::join`]'s rules.
    pub join: Script,
    /// `leave.lua`: [`crate::room::Room::leave`]'s.
    pub leave: Script,
    /// `refresh.lua`: renews one replica's leases in a room, putting back what Redis lost.
    pub refresh: Script,
}

impl Scripts {
    /// Loads the scripts (Redis compiles them on first use).
    pub fn load() -> Self {
        let script = |body: &str| Script::new(&format!("{}\n{body}", include_str!("common.lua")));
        Self {
            join: script(include_str!("join.lua")),
            leave: script(include_str!("leave.lua")),
            refresh: script(include_str!("refresh.lua")),
        }
    }
}

/// An answer the scripts never give: from another version of them, say.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnexpectedAnswer(pub String);

/// What a join came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinOutcome {
    /// Admitted, with the same facts as [`crate::room::Admission`], seats for sessions.
    Admitted {
        /// The joiner's role.
        role: Role,
        /// The joiner's resume token.
        token: ResumeToken,
        /// The other person, if any.
        peer: Option<Seat>,
        /// On a takeover, the connection that lost the slot.
        replaced: Option<Seat>,
    },
    /// Two other people are in the room.
    Full,
    /// The resume token belongs to another room (found by its key, before the script).
    WrongRoom,
}

/// What Redis says of one of this replica's people after a renewal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Still in the room, with this other person.
    Here {
        /// The other person, if any.
        peer: Option<Seat>,
        /// Why the other person this replica last heard of left, if they left cleanly within
        /// a lease (and are no longer the peer): their replica's word may still be on the bus.
        departed: Option<LeaveReason>,
    },
    /// Put back in the room: Redis had lost it (a restart). The other person may not have
    /// been put back yet by their own replica.
    Restored {
        /// The other person, if back already.
        peer: Option<Seat>,
        /// As for [`Presence::Here`].
        departed: Option<LeaveReason>,
    },
    /// Another connection took the slot over with its resume token.
    Replaced,
    /// The slot is gone and the room has no place for them any more.
    Lost,
}

/// Why someone left, as the scripts record it (the protocol's words).
pub fn reason_text(reason: LeaveReason) -> &'static str {
    match reason {
        LeaveReason::HungUp => "hung_up",
        LeaveReason::ConnectionLost => "connection_lost",
    }
}

fn parse_reason(text: &str) -> Result<Option<LeaveReason>, UnexpectedAnswer> {
    match text {
        "" => Ok(None),
        "hung_up" => Ok(Some(LeaveReason::HungUp)),
        "connection_lost" => Ok(Some(LeaveReason::ConnectionLost)),
        other => Err(UnexpectedAnswer(format!("leave reason {other:?}"))),
    }
}

/// A role as the scripts write it.
pub fn role_text(role: Role) -> &'static str {
    match role {
        Role::Polite => "polite",
        Role::Impolite => "impolite",
    }
}

fn parse_role(text: &str) -> Result<Role, UnexpectedAnswer> {
    match text {
        "polite" => Ok(Role::Polite),
        "impolite" => Ok(Role::Impolite),
        other => Err(UnexpectedAnswer(format!("role {other:?}"))),
    }
}

fn parse_token(text: &str) -> Result<ResumeToken, UnexpectedAnswer> {
    ResumeToken::parse(text).map_err(|e| UnexpectedAnswer(format!("token: {e}")))
}

fn parse_seat(text: &str) -> Result<Option<Seat>, UnexpectedAnswer> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|e: InvalidSeat| UnexpectedAnswer(e.to_string()))
}

/// `join.lua`'s answer.
pub fn parse_join(answer: Vec<String>) -> Result<JoinOutcome, UnexpectedAnswer> {
    match answer.as_slice() {
        [full] if full == "full" => Ok(JoinOutcome::Full),
        [admitted, role, token, peer, replaced] if admitted == "admitted" => {
            Ok(JoinOutcome::Admitted {
                role: parse_role(role)?,
                token: parse_token(token)?,
                peer: parse_seat(peer)?,
                replaced: parse_seat(replaced)?,
            })
        }
        _ => Err(UnexpectedAnswer(format!("{answer:?}"))),
    }
}

/// `leave.lua`'s answer: `None` when the seat held no slot.
pub fn parse_leave(answer: Vec<String>) -> Result<Option<Departure<Seat>>, UnexpectedAnswer> {
    match answer.as_slice() {
        [none] if none == "none" => Ok(None),
        [left, token, peer] if left == "left" => Ok(Some(Departure {
            token: parse_token(token)?,
            peer: parse_seat(peer)?,
        })),
        _ => Err(UnexpectedAnswer(format!("{answer:?}"))),
    }
}

/// `refresh.lua`'s answer for `holders` people, in their order.
pub fn parse_refresh(
    answer: Vec<String>,
    holders: usize,
) -> Result<Vec<Presence>, UnexpectedAnswer> {
    if answer.len() != holders * 3 {
        return Err(UnexpectedAnswer(format!("{answer:?}")));
    }
    answer
        .chunks(3)
        .map(|entry| match (entry[0].as_str(), &entry[1], &entry[2]) {
            ("here", peer, why) => Ok(Presence::Here {
                peer: parse_seat(peer)?,
                departed: parse_reason(why)?,
            }),
            ("restored", peer, why) => Ok(Presence::Restored {
                peer: parse_seat(peer)?,
                departed: parse_reason(why)?,
            }),
            ("replaced", _, _) => Ok(Presence::Replaced),
            ("lost", _, _) => Ok(Presence::Lost),
            _ => Err(UnexpectedAnswer(format!("{answer:?}"))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_answers_parse_or_fail_clearly() {
        let text = |parts: &[&str]| parts.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(parse_join(text(&["full"])).ok(), Some(JoinOutcome::Full));
        let token = "0123456789abcdef0123456789abcdef";
        let admitted = parse_join(text(&[
            "admitted",
            "polite",
            token,
            "00000000000000ff-7",
            "",
        ]));
        assert!(matches!(
            admitted,
            Ok(JoinOutcome::Admitted {
                role: Role::Polite,
                peer: Some(_),
                replaced: None,
                ..
            })
        ));
        assert!(parse_join(text(&["admitted", "rude", token, "", ""])).is_err());
        assert!(parse_join(text(&["what"])).is_err());
        assert_eq!(
            parse_refresh(text(&["here", "", "hung_up", "lost", "", ""]), 2),
            Ok(vec![
                Presence::Here {
                    peer: None,
                    departed: Some(LeaveReason::HungUp)
                },
                Presence::Lost
            ])
        );
        for reason in [LeaveReason::HungUp, LeaveReason::ConnectionLost] {
            assert_eq!(parse_reason(reason_text(reason)), Ok(Some(reason)));
        }
        assert!(parse_refresh(text(&["here", "", "gone fishing"]), 1).is_err());
        assert!(parse_refresh(text(&["here", ""]), 1).is_err());
    }
}
