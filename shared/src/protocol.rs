//! The messages on the wire, one enum per direction.
//!
//! The service relays the WebRTC payload ([`Signal`]) without looking inside it: it decodes
//! client frames as `ClientMsg<RawSignal>`, keeping the payload as raw JSON, while the browser
//! uses the default `ClientMsg<Signal>` and gets the payload typed. Both sides share one frame
//! decoder, [`ClientMsg::decode`] (in [`crate::codec`]), so they cannot disagree about what a
//! frame means.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error_code::ErrorCode;
use crate::resume_token::ResumeToken;
use crate::room_name::RoomName;

/// The largest frame either side accepts, in bytes. A bigger frame closes the connection with
/// code 1009 (message too big). An SDP offer with many candidates is about 6 KiB.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// How many people a room holds: the browser and the service (in memory and in Redis's
/// scripts alike) take it from here.
pub const ROOM_CAPACITY: usize = 2;

/// A message from the browser to the service.
///
/// `P` is the WebRTC payload: [`Signal`] in the browser, [`RawSignal`] in the service.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg<P = Signal> {
    /// Sent by a browser to enter a room, creating it if nobody is in it.
    ///
    /// The answer is [`ServerMsg::Joined`], or one error:
    /// - [`ErrorCode::RoomFull`]: two people are already in;
    /// - [`ErrorCode::InvalidRoomName`]: the name is empty, too long, or has a control or
    ///   invisible formatting character (see [`RoomName`]);
    /// - [`ErrorCode::InvalidResumeToken`]: `resume` is not a token, or one of another room;
    /// - [`ErrorCode::AlreadyInRoom`]: this browser is in a room, or waiting on a join;
    /// - [`ErrorCode::TooManyJoins`]: too many joins from this network address just now;
    /// - [`ErrorCode::Unavailable`]: with replicas, Redis cannot be reached (the connection
    ///   is then closed, 1013);
    /// - like any message: [`ErrorCode::MalformedMessage`] (no `room`),
    ///   [`ErrorCode::MessageTooLarge`] (then closed, 1009) and [`ErrorCode::RateLimited`].
    ///
    /// `resume` is the token from an earlier `joined` for this room: with it, the browser takes
    /// over its own earlier session (one whose connection died, maybe unnoticed yet) instead of
    /// being refused as a third person.
    Join {
        /// The room to enter.
        room: RoomName,
        /// The token from an earlier `joined` answer for this room, if the browser kept one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume: Option<ResumeToken>,
    },
    /// Sent by a browser in a room to pass a WebRTC message to the other person there.
    /// Answered with [`ErrorCode::NotInRoom`] when the sender is in no room.
    Signal {
        /// The payload, relayed untouched.
        signal: P,
    },
    /// Sent by a browser to hang up and leave its room; answered with [`ServerMsg::Left`].
    Leave,
}

/// A message from the service to a browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[serde(
    try_from = "ServerFrame<P>",
    bound(deserialize = "P: Deserialize<'de>")
)]
pub enum ServerMsg<P = Signal> {
    /// Sent to a browser whose `join` was admitted.
    Joined {
        /// The room, as this browser typed it (trimmed).
        room: RoomName,
        /// This browser's part in WebRTC perfect negotiation; the other person has the other.
        role: Role,
        /// Keep this to come back to this room after a reload or a dropped connection.
        resume: ResumeToken,
        /// Whether the other person is already in the room. When true, start the call now.
        peer_present: bool,
        /// ICE servers for this call, added to the app's configured ones: TURN relays with
        /// credentials minted for this join, valid for a limited time. Empty (and left out of
        /// the JSON) when the service has no TURN relay configured.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ice_servers: Vec<IceServer>,
    },
    /// Sent to a browser in a room when the other person is admitted (a new arrival, or the
    /// other person coming back on a new connection). Start (or confirm) the call.
    PeerJoined,
    /// Sent to a browser in a room when the other person is gone. The slot is free again.
    PeerLeft {
        /// Whether they hung up or their connection was lost.
        reason: LeaveReason,
    },
    /// A WebRTC payload relayed from the other person in the room.
    Signal {
        /// The payload, as the other person sent it.
        signal: P,
    },
    /// Sent in answer to `leave`: this browser is in no room now.
    Left,
    /// Something the browser sent was refused, or, unprompted, something happened to its
    /// connection or its signals: [`ErrorCode::SessionReplaced`] (a newer connection took
    /// its place), a `signal` that was not passed on ([`ErrorCode::RateLimited`]: the other
    /// person's backlog is full; [`ErrorCode::Unavailable`]: the other replica cannot be
    /// reached), or, with replicas, [`ErrorCode::Unavailable`] when its place in the room was
    /// lost while Redis was away. The connection stays open unless the code says otherwise
    /// ([`ErrorCode::SessionReplaced`], [`ErrorCode::MessageTooLarge`], a join's
    /// [`ErrorCode::Unavailable`], or repeated [`ErrorCode::RateLimited`]).
    Error {
        /// What went wrong, for programs.
        code: ErrorCode,
        /// What went wrong, for people (English).
        message: String,
    },
}

/// The WebRTC payload two browsers exchange through the service. The service never reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "SignalFrame")]
pub enum Signal {
    /// Sent by each browser when it learns the other is there (`joined` with `peer_present`, or
    /// `peer_joined`), before any other signal. Both keep their current peer connection only if
    /// both still have a live one (the signaling connection dropped but the media did not);
    /// otherwise both start a fresh connection.
    Hello {
        /// Whether the sender still has a working peer connection to this person.
        live_call: bool,
    },
    /// An SDP offer or answer (perfect negotiation).
    Description {
        /// The description, as `RTCSessionDescriptionInit`.
        description: SessionDescription,
    },
    /// A trickled ICE candidate.
    Candidate {
        /// The candidate, as `RTCIceCandidateInit`.
        candidate: IceCandidate,
    },
}

/// The service's view of a [`Signal`]: valid JSON, relayed as it came, never parsed further.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawSignal(pub Box<RawValue>);

impl PartialEq for RawSignal {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

/// A STUN or TURN server, shaped like the browser's `RTCIceServer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    /// One or more `stun:`/`turn:`/`turns:` URLs of the same server.
    pub urls: Vec<String>,
    /// The TURN user name (for time-limited credentials: `expiry:id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The TURN password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// An SDP description, shaped like the browser's `RTCSessionDescriptionInit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionDescription {
    /// Offer, answer, ...
    #[serde(rename = "type")]
    pub kind: SdpKind,
    /// The SDP text.
    #[serde(default)]
    pub sdp: String,
}

/// The type of an SDP description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SdpKind {
    /// An offer.
    Offer,
    /// A final answer.
    Answer,
    /// A provisional answer.
    Pranswer,
    /// Undo a pending local or remote offer.
    Rollback,
}

/// An ICE candidate, shaped like the browser's `RTCIceCandidateInit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IceCandidate {
    /// The `candidate:` line.
    pub candidate: String,
    /// The media stream identification tag the candidate belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdp_mid: Option<String>,
    /// The index of the m-line the candidate belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdp_m_line_index: Option<u16>,
    /// The ICE username fragment, which tells ICE restarts apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_fragment: Option<String>,
}

/// A browser's part in perfect negotiation. The service gives the two people of a room
/// different roles, so that when both make an offer at once exactly one of them yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Yields on an offer collision: rolls back its own offer and takes the other's.
    Polite,
    /// Ignores a colliding offer and waits for the answer to its own.
    Impolite,
}

impl Role {
    /// The role of the other person in the room.
    pub fn other(self) -> Self {
        match self {
            Self::Polite => Self::Impolite,
            Self::Impolite => Self::Polite,
        }
    }
}

/// Why the other person is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    /// They sent `leave` or closed their connection (a closed tab or a reload).
    HungUp,
    /// Their connection died without a goodbye (network drop, heartbeat timeout). Their media
    /// may still be flowing and they may come back with their resume token.
    ConnectionLost,
}

/// A server frame as it is on the wire: the fields of every message type, each optional,
/// and the `type` that says which of them are required. [`ServerMsg`] is decoded through it
/// because serde's decoder for a tagged enum buffers the whole frame and decodes it a second
/// time from the buffer, which made it a tenth of the browser's wasm (docs/benchmarks.md);
/// the encoder stays serde's tagged one.
#[derive(Deserialize)]
struct ServerFrame<P> {
    #[serde(rename = "type")]
    kind: ServerType,
    room: Option<RoomName>,
    role: Option<Role>,
    resume: Option<ResumeToken>,
    peer_present: Option<bool>,
    #[serde(default)]
    ice_servers: Vec<IceServer>,
    reason: Option<LeaveReason>,
    signal: Option<P>,
    code: Option<ErrorCode>,
    message: Option<String>,
}

/// The `type` of a server frame.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ServerType {
    Joined,
    PeerJoined,
    PeerLeft,
    Signal,
    Left,
    Error,
}

/// A field a message of its type needs is missing: `(type, field)`.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` needs a `{1}`")]
struct MissingField(&'static str, &'static str);

impl<P> TryFrom<ServerFrame<P>> for ServerMsg<P> {
    type Error = MissingField;

    fn try_from(frame: ServerFrame<P>) -> Result<Self, MissingField> {
        fn need<T>(
            field: Option<T>,
            kind: &'static str,
            name: &'static str,
        ) -> Result<T, MissingField> {
            field.ok_or(MissingField(kind, name))
        }
        Ok(match frame.kind {
            ServerType::Joined => Self::Joined {
                room: need(frame.room, "joined", "room")?,
                role: need(frame.role, "joined", "role")?,
                resume: need(frame.resume, "joined", "resume")?,
                peer_present: need(frame.peer_present, "joined", "peer_present")?,
                ice_servers: frame.ice_servers,
            },
            ServerType::PeerJoined => Self::PeerJoined,
            ServerType::PeerLeft => Self::PeerLeft {
                reason: need(frame.reason, "peer_left", "reason")?,
            },
            ServerType::Signal => Self::Signal {
                signal: need(frame.signal, "signal", "signal")?,
            },
            ServerType::Left => Self::Left,
            ServerType::Error => Self::Error {
                code: need(frame.code, "error", "code")?,
                message: need(frame.message, "error", "message")?,
            },
        })
    }
}

/// A [`Signal`] as it is on the wire, decoded flat like [`ServerFrame`] and for the same
/// reason.
#[derive(Deserialize)]
struct SignalFrame {
    kind: SignalKind,
    live_call: Option<bool>,
    description: Option<SessionDescription>,
    candidate: Option<IceCandidate>,
}

/// The `kind` of a signal.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum SignalKind {
    Hello,
    Description,
    Candidate,
}

impl TryFrom<SignalFrame> for Signal {
    type Error = MissingField;

    fn try_from(frame: SignalFrame) -> Result<Self, MissingField> {
        Ok(match frame.kind {
            SignalKind::Hello => Self::Hello {
                live_call: frame.live_call.ok_or(MissingField("hello", "live_call"))?,
            },
            SignalKind::Description => Self::Description {
                description: frame
                    .description
                    .ok_or(MissingField("description", "description"))?,
            },
            SignalKind::Candidate => Self::Candidate {
                candidate: frame
                    .candidate
                    .ok_or(MissingField("candidate", "candidate"))?,
            },
        })
    }
}
