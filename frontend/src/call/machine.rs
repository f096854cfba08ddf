//! The call's state machine: what to do when the service, the friend or the peer connection
//! says something. Pure: inputs in, commands out, no browser objects, so every rule here is
//! tested without a network. [`crate::call::session`] runs it against the real things.
//!
//! The rules (decided for Duet):
//! - Pairing: when the friend is there (`joined` with `peer_present`, or `peer_joined`), send
//!   `Hello { live_call }`, `live_call` being "I still have a usable peer connection". On the
//!   friend's `Hello`, keep the connection if both said `true` (only the signaling blinked);
//!   otherwise both start a fresh one. Both decide from the same two values, so they agree.
//! - Who offers on a fresh connection: the one who arrived (`joined` with `peer_present`);
//!   the one who was waiting (`peer_joined`) answers, its tracks riding the answer. A side
//!   with no live call of its own knows the outcome of the hello handshake already (fresh,
//!   whatever the friend says), so it makes its connection at once, and the arrival offers,
//!   without waiting for the friend's `Hello`: that saves a round trip through the service on
//!   every call set-up. Perfect negotiation still settles any collision.
//! - The signaling connection dropping never touches the peer connection: media goes on.
//! - The friend hanging up closes the peer connection; the friend's connection being lost
//!   keeps it while it still works.
//! - ICE `failed` → ICE restart, offered by the impolite side only (see `start_ice_restart`).
//!   A peer connection not connected [`CONNECT_TIMEOUT_MS`] after it was made or after an ICE
//!   restart → close it and rejoin the room, which pairs again from scratch.
//! - The friend's media stalling (nothing for a stats interval: a new address, a dropped
//!   link) → replace the signaling connection at once (it may be dead without knowing it:
//!   its address is gone, and TCP takes minutes to notice), keeping the peer connection. The
//!   re-pairing that follows restarts ICE if the media has not come back by then: both sides
//!   have just proven that they hear each other, so the new offer is not lost. Media that
//!   comes back by itself (a link back within seconds) needs no restart.

use shared::{ClientMsg, IceServer, LeaveReason, ResumeToken, Role, RoomName, Signal};

use super::events::{Command, Input, PeerState};
use super::status::{CallStatus, EndReason, Notice};

mod pairing;
#[cfg(test)]
mod tests;

/// How long a new peer connection, or an ICE restart, may take to connect before the call
/// is rebuilt from a fresh join.
pub const CONNECT_TIMEOUT_MS: u32 = 12_000;

/// The most peer signals kept while the service is unreachable.
const OUTBOX_LIMIT: usize = 256;
/// How this side met the friend in the current pairing, which says who offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meeting {
    /// No pairing event seen (the friend's `Hello` came first): the roles decide.
    Unknown,
    /// `joined` with `peer_present`: this side arrived, and offers.
    Arrived,
    /// `peer_joined`: the friend arrived, and offers.
    Waited,
}

/// Where the signaling link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// Waiting for a connection to open (first time, or after [`Command::Reconnect`]).
    Dialling,
    /// Connected and `join` sent; waiting for `joined`.
    Joining,
    /// In the room.
    Joined,
    /// The connection dropped; the client redials.
    Lost,
    /// Over.
    Ended,
}

/// Whether the friend is in the room, as far as this side knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Friend {
    /// Not there (or not known to be).
    Absent,
    /// There; pairing with `Hello` is under way or done.
    Present,
    /// Gone, for this reason.
    Gone(LeaveReason),
}
/// How long to wait before joining again after `too_many_joins` (the service's per-address
/// limit refills a few joins a second).
pub const JOIN_RETRY_MS: u32 = 3_000;

/// The call in one room.
#[derive(Debug, Clone)]
pub struct Call {
    room: RoomName,
    resume: Option<ResumeToken>,
    role: Option<Role>,
    link: Link,
    ever_joined: bool,
    friend: Friend,
    /// The `live_call` this side sent in its last `Hello` (what the friend decides with).
    sent_hello: Option<bool>,
    /// How the current pairing began.
    meeting: Meeting,
    /// Whether this side already made the fresh connection of the current pairing (an arrival
    /// with no live call), so the friend's `Hello` has nothing left to decide.
    started_fresh: bool,
    /// The current peer connection's state; `None` when there is none.
    peer: Option<PeerState>,
    /// Peer signals made while the service was unreachable, sent if the call is kept.
    outbox: Vec<Signal>,
    /// The generation of the current connect deadline.
    deadline: u32,
    /// Whether the current peer connection is expected to connect before the deadline.
    awaiting_connection: bool,
    ice_restarting: bool,
    /// The friend's media has stalled and has not come back yet.
    stalled: bool,
    notice: Option<Notice>,
    /// The ICE servers (TURN credentials) the latest `joined` carried.
    ice_servers: Vec<IceServer>,
}

impl Call {
    /// A call about to join `room`, with the resume token kept from an earlier visit.
    pub fn new(room: RoomName, resume: Option<ResumeToken>) -> Self {
        Self {
            room,
            resume,
            role: None,
            link: Link::Dialling,
            ever_joined: false,
            friend: Friend::Absent,
            sent_hello: None,
            meeting: Meeting::Unknown,
            started_fresh: false,
            peer: None,
            outbox: Vec::new(),
            deadline: 0,
            awaiting_connection: false,
            ice_restarting: false,
            stalled: false,
            notice: None,
            ice_servers: Vec::new(),
        }
    }

    /// The room.
    pub fn room(&self) -> &RoomName {
        &self.room
    }

    /// The ICE servers the service gave with the latest join (TURN with credentials for this
    /// person), to add to the configured ones.
    pub fn ice_servers(&self) -> &[IceServer] {
        &self.ice_servers
    }

    /// Whether the service has answered a join yet (so [`Call::ice_servers`] is its answer).
    pub fn has_joined(&self) -> bool {
        self.ever_joined
    }

    /// What the status line says.
    pub fn status(&self) -> CallStatus {
        let peer_connected = self.peer == Some(PeerState::Connected);
        match self.link {
            Link::Dialling | Link::Joining if !self.ever_joined => return CallStatus::Joining,
            Link::Dialling | Link::Joining | Link::Lost => {
                return CallStatus::Reconnecting {
                    call_continues: peer_connected,
                }
            }
            Link::Joined | Link::Ended => {}
        }
        match (self.friend, self.peer) {
            (Friend::Gone(LeaveReason::HungUp), _) => CallStatus::FriendLeft,
            (Friend::Gone(LeaveReason::ConnectionLost), _) => CallStatus::FriendDropped,
            (_, Some(PeerState::Connected)) => CallStatus::Connected,
            (_, Some(PeerState::Disconnected | PeerState::Failed)) => CallStatus::ReconnectingPeer,
            (Friend::Present, _) => CallStatus::Connecting,
            (Friend::Absent, _) => CallStatus::WaitingForFriend,
        }
    }

    /// Whether the friend's video is shown: only while the peer connection is connected (a
    /// momentary `disconnected` keeps the last picture rather than flashing).
    pub fn shows_remote(&self) -> bool {
        matches!(
            self.peer,
            Some(PeerState::Connected | PeerState::Disconnected)
        )
    }

    /// Whether the call is over on this page.
    pub fn is_ended(&self) -> bool {
        self.link == Link::Ended
    }

    /// A problem to show, if any.
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    fn peer_live(&self) -> bool {
        self.peer.is_some_and(PeerState::is_live)
    }

    fn join(&self) -> Command {
        Command::Send(ClientMsg::Join {
            room: self.room.clone(),
            resume: self.resume.clone(),
        })
    }

    fn close_peer(&mut self, out: &mut Vec<Command>) {
        if self.peer.take().is_some() {
            out.push(Command::ClosePeer);
        }
        self.outbox.clear();
        self.ice_restarting = false;
        self.stalled = false;
        self.awaiting_connection = false;
    }

    fn arm_deadline(&mut self, out: &mut Vec<Command>) {
        self.deadline = self.deadline.wrapping_add(1);
        self.awaiting_connection = true;
        out.push(Command::StartConnectTimer(self.deadline));
    }

    fn end(&mut self, reason: EndReason, out: &mut Vec<Command>) {
        self.close_peer(out);
        self.link = Link::Ended;
        out.push(Command::End(reason));
    }

    /// Applies one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input) -> Vec<Command> {
        let mut out = Vec::new();
        if self.link == Link::Ended {
            return out;
        }
        match input {
            Input::SignalingOpen => {
                self.link = Link::Joining;
                out.push(self.join());
            }
            Input::SignalingLost => {
                // The peer connection is left alone: media keeps flowing without the service.
                self.link = Link::Lost;
            }
            Input::Server(msg) => self.on_server(msg, &mut out),
            Input::PeerState(state) => self.on_peer_state(state, &mut out),
            Input::PeerSignal(signal) => {
                if self.peer.is_none() {
                    // A late signal from a connection already closed.
                } else if self.link == Link::Joined {
                    out.push(Command::Send(ClientMsg::Signal { signal }));
                } else if self.outbox.len() < OUTBOX_LIMIT {
                    self.outbox.push(signal);
                }
            }
            Input::FriendSaidBye => self.friend_gone(LeaveReason::HungUp, &mut out),
            Input::MediaStalled => {
                if self.peer_live() && !self.stalled {
                    self.stalled = true;
                    if self.link == Link::Joined {
                        self.link = Link::Dialling;
                        out.push(Command::RefreshSignaling);
                    }
                }
            }
            Input::MediaFlowing => self.stalled = false,
            Input::RetryJoin => {
                // Only if still waiting for that join: a reconnection meanwhile joined anew.
                if self.link == Link::Joining {
                    out.push(self.join());
                }
            }
            Input::ConnectTimeout(generation) => {
                let stuck = self.peer.is_some() && self.peer != Some(PeerState::Connected);
                if generation == self.deadline && self.awaiting_connection && stuck {
                    // Rebuild the call from a fresh join: the friend hears that this side
                    // hung up, and both pair again with `live_call: false`.
                    self.close_peer(&mut out);
                    self.link = Link::Dialling;
                    out.push(Command::Reconnect);
                }
            }
        }
        out
    }

    fn on_peer_state(&mut self, state: PeerState, out: &mut Vec<Command>) {
        if self.peer.is_none() {
            return;
        }
        self.peer = Some(state);
        match state {
            PeerState::Connected => {
                self.ice_restarting = false;
                self.awaiting_connection = false;
            }
            PeerState::Failed if self.friend == Friend::Present => self.start_ice_restart(out),
            // Failed with nobody to renegotiate with, or closed: the call on this connection
            // is over; a fresh one starts when the friend is back.
            PeerState::Failed | PeerState::Closed => self.close_peer(out),
            PeerState::New | PeerState::Connecting | PeerState::Disconnected => {}
        }
    }

    fn start_ice_restart(&mut self, out: &mut Vec<Command>) {
        if self.ice_restarting {
            return;
        }
        self.ice_restarting = true;
        // Only the impolite side offers the restart; the polite one answers it, under the same
        // deadline. Both offering at once makes the polite side roll its offer back, and
        // Chromium then shows it a frozen picture: frames keep being decoded, the video
        // element repeats one (seen in the network lab, tests/network.test.mjs).
        if self.role == Some(Role::Impolite) {
            out.push(Command::RestartIce);
        }
        self.arm_deadline(out);
    }
}
