//! The one definition of Duet's signaling protocol, shared by the browser app and the service.
//!
//! The browser talks to the service over a WebSocket carrying JSON text frames. Each frame is
//! one [`ClientMsg`] (browser → service) or one [`ServerMsg`] (service → browser), tagged by a
//! `type` field. Room names only ever exist as a parsed [`RoomName`]. `docs/protocol.md`
//! describes the sequences; a test parses every example in it against these types.

mod protocol;
mod room_name;

pub use protocol::{
    ClientMsg, DecodeError, ErrorCode, IceCandidate, IceServer, LeaveReason, Payload, RawSignal,
    ResumeToken, ResumeTokenError, Role, SdpKind, ServerMsg, SessionDescription, Signal,
    MAX_MESSAGE_BYTES,
};
pub use room_name::{RoomKey, RoomName, RoomNameError, MAX_ROOM_NAME_CHARS};
