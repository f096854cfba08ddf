//! What the call's state machine tells the interface: the status line, why a call ended, a
//! notice. The interface puts them in words (`crate::ui::wording`).

use shared::RoomName;

/// Why the call ended on this page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndReason {
    /// The room already holds two people.
    RoomFull(RoomName),
    /// Another tab or window took this call over with the same resume token.
    SessionReplaced,
    /// The service refused the join for another reason (its words).
    Refused(String),
}

/// The call's state as the person sees it (the `role="status"` line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallStatus {
    /// Opening the first signaling connection.
    Joining,
    /// In the room, alone.
    WaitingForFriend,
    /// The friend is there; the peer connection is being set up.
    Connecting,
    /// Media flows.
    Connected,
    /// The peer connection is interrupted and recovering (ICE).
    ReconnectingPeer,
    /// The signaling connection dropped and is being re-established.
    Reconnecting {
        /// Whether the peer connection still carries the call meanwhile.
        call_continues: bool,
    },
    /// The friend hung up; they can come back.
    FriendLeft,
    /// The friend's connection to the service was lost; they may come back.
    FriendDropped,
}

/// A non-fatal problem to show in the call view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The service's own words, for errors the app has nothing better to say about.
    Service(String),
    /// The service cannot reach its room registry (replicas, Redis): it closed the
    /// connection, and the app reconnects and resumes by itself.
    Unavailable,
    /// Too many joins from this network: the app tries again after [`JOIN_RETRY_MS`](super::machine::JOIN_RETRY_MS).
    TooManyJoins,
}
