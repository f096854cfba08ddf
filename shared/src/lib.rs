//! The one definition of Duet's signaling protocol, shared by the browser app and the service.
//!
//! The browser talks to the service over a WebSocket carrying JSON text frames. Each frame is
//! one [`ClientMsg`] (browser → service) or one [`ServerMsg`] (service → browser), tagged by a
//! `type` field. Room names only ever exist as a parsed [`RoomName`]. `docs/protocol.md`
//! describes the sequences; a test parses every example in it against these types.

mod codec;
mod error_code;
mod hex;
mod protocol;
mod resume_token;
mod room_name;

pub use codec::{DecodeError, Payload};
pub use error_code::ErrorCode;
pub use hex::to_hex;
pub use protocol::{
    ClientMsg, IceCandidate, IceServer, LeaveReason, RawSignal, Role, SdpKind, ServerMsg,
    SessionDescription, Signal, MAX_MESSAGE_BYTES, ROOM_CAPACITY,
};
pub use resume_token::{ResumeToken, ResumeTokenError};
pub use room_name::{RoomKey, RoomName, RoomNameError, MAX_ROOM_NAME_CHARS};
