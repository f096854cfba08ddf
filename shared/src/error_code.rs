//! The error codes of the protocol, each written once: its name, its wire form and its
//! meaning. [`error_codes!`] makes the enum, its wire names and the list of every code from
//! that one table, so none can be added to one and missed in another.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Declares [`ErrorCode`] from `Variant = "wire_name",` lines (each with its doc comment),
/// plus `Unknown` for codes of a newer service.
macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])* $code:ident = $wire:literal, )*) => {
        /// What went wrong, on the wire as a `snake_case` code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum ErrorCode {
            $( $(#[doc = $doc])* #[serde(rename = $wire)] $code, )*
            /// A code this version does not know yet (sent by a newer service).
            #[serde(rename = "unknown", other)]
            Unknown,
        }

        impl ErrorCode {
            /// The wire form of the code, e.g. `room_full`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$code => $wire, )*
                    Self::Unknown => "unknown",
                }
            }

            /// Every code, [`Self::Unknown`] last (for counting errors by code, say).
            pub const ALL: [Self; [$($wire,)* "unknown"].len()] = [$(Self::$code,)* Self::Unknown];
        }
    };
}

error_codes! {
    /// The room already holds two people.
    RoomFull = "room_full",
    /// The room name is empty, too long, or has control or invisible formatting characters.
    InvalidRoomName = "invalid_room_name",
    /// The frame is not JSON, or not a message of this protocol.
    MalformedMessage = "malformed_message",
    /// The frame's `type` is not one this service knows.
    UnknownType = "unknown_type",
    /// The frame is larger than [`MAX_MESSAGE_BYTES`](crate::MAX_MESSAGE_BYTES). The
    /// connection is then closed (1009).
    MessageTooLarge = "message_too_large",
    /// A binary frame: this protocol is JSON text only.
    UnsupportedFrame = "unsupported_frame",
    /// Too many messages too fast; this one was not relayed. Keeping on closes the connection.
    RateLimited = "rate_limited",
    /// A `signal` or `leave` from a browser that is in no room.
    NotInRoom = "not_in_room",
    /// A `join` from a browser that is already in a room: `leave` first.
    AlreadyInRoom = "already_in_room",
    /// The resume token is not well formed, or belongs to another room.
    InvalidResumeToken = "invalid_resume_token",
    /// A newer connection came back with this session's resume token and took its place.
    SessionReplaced = "session_replaced",
    /// Too many joins from this network address in a short time; this one was not tried.
    /// The connection stays open: join again after a few seconds.
    TooManyJoins = "too_many_joins",
    /// The service cannot reach the registry its replicas share (Redis), so it can neither
    /// admit nor relay for now. Sent for a `join` (then the connection closes, 1013: come back
    /// and resume) or a `signal` that could not be passed on (the connection stays open).
    Unavailable = "unavailable",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ServerMsg;

    #[test]
    fn unknown_error_codes_from_a_newer_service_still_decode() {
        let text = r#"{"type":"error","code":"solar_flare","message":"?"}"#;
        assert!(matches!(
            ServerMsg::decode(text),
            Ok(ServerMsg::Error {
                code: ErrorCode::Unknown,
                ..
            })
        ));
    }

    /// `ALL` holds every code exactly once: the exhaustive match stops compiling when a code
    /// is added, until it is listed here (and so, by the assertion, in `ALL`).
    #[test]
    fn all_lists_every_code_once() {
        fn place(code: ErrorCode) -> usize {
            match code {
                ErrorCode::RoomFull => 0,
                ErrorCode::InvalidRoomName => 1,
                ErrorCode::MalformedMessage => 2,
                ErrorCode::UnknownType => 3,
                ErrorCode::MessageTooLarge => 4,
                ErrorCode::UnsupportedFrame => 5,
                ErrorCode::RateLimited => 6,
                ErrorCode::NotInRoom => 7,
                ErrorCode::AlreadyInRoom => 8,
                ErrorCode::InvalidResumeToken => 9,
                ErrorCode::SessionReplaced => 10,
                ErrorCode::TooManyJoins => 11,
                ErrorCode::Unavailable => 12,
                ErrorCode::Unknown => 13,
            }
        }
        for (index, code) in ErrorCode::ALL.into_iter().enumerate() {
            assert_eq!(place(code), index, "{code}");
        }
    }

    #[test]
    fn error_code_names_match_the_wire() -> Result<(), serde_json::Error> {
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_string(&code)?,
                format!("\"{}\"", code.as_str())
            );
        }
        Ok(())
    }
}
