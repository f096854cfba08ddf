//! The call's state machine: what to do when the service, the friend or the peer connection
//! says something. Pure: inputs in, commands out, no browser objects, so every rule here is
//! tested without a network. [`crate::session`] runs it against the real things.
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

use shared::{
    ClientMsg, ErrorCode, IceServer, LeaveReason, ResumeToken, Role, RoomName, ServerMsg, Signal,
};

use crate::i18n::Texts;
use crate::peer::PeerState;

/// How long a new peer connection, or an ICE restart, may take to connect before the call
/// is rebuilt from a fresh join.
pub const CONNECT_TIMEOUT_MS: u32 = 12_000;

/// The most peer signals kept while the service is unreachable.
const OUTBOX_LIMIT: usize = 256;

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A signaling connection opened (the first one, or a reconnection).
    SignalingOpen,
    /// The signaling connection dropped; the signaling client is already redialling.
    SignalingLost,
    /// A message from the service.
    Server(ServerMsg),
    /// The current peer connection changed state.
    PeerState(PeerState),
    /// The current peer connection produced a signal for the friend.
    PeerSignal(Signal),
    /// The connect deadline of the given generation passed.
    ConnectTimeout(u32),
    /// Time to try a join again that the service refused as one too many.
    RetryJoin,
    /// The friend said over the peer connection that they hung up (Leave, or their page is
    /// going away): gone, whatever the service says of their connection afterwards.
    FriendSaidBye,
    /// The friend's media stopped arriving on a live peer connection.
    MediaStalled,
    /// The friend's media arrives (again).
    MediaFlowing,
}

/// Something to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Send this to the service.
    Send(ClientMsg),
    /// Keep this resume token for the room.
    SaveToken(ResumeToken),
    /// Forget the room's resume token.
    ForgetToken,
    /// Close the current peer connection (if any) and make a fresh one with this role, using
    /// the ICE servers of the latest join ([`Call::ice_servers`]), opening as said.
    CreatePeer(Role, Opening),
    /// A new join brought other ICE servers (fresh TURN credentials): give them to the current
    /// peer connection, for its next ICE gathering (an ICE restart).
    UpdateIceServers(Vec<IceServer>),
    /// Close the current peer connection, if any.
    ClosePeer,
    /// Give this signal from the friend to the peer connection.
    ToPeer(Signal),
    /// Update the peer connection's politeness.
    SetRole(Role),
    /// Start an ICE restart on the peer connection.
    RestartIce,
    /// Start the connect deadline ([`CONNECT_TIMEOUT_MS`]); it reports
    /// [`Input::ConnectTimeout`] with this number. A new deadline replaces the old one.
    StartConnectTimer(u32),
    /// Drop the signaling connection and connect again now (to rejoin from scratch).
    Reconnect,
    /// Open a new signaling connection now and retire the current one once the new one works
    /// (make before break: the service hands the place over, the friend hears no hang-up).
    RefreshSignaling,
    /// Report [`Input::RetryJoin`] after this many milliseconds.
    StartJoinRetryTimer(u32),
    /// The call is over on this page: stop signaling and tell the person.
    End(EndReason),
}

/// How a fresh peer connection starts its first negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// Add the local tracks now, which makes the offer.
    Offer,
    /// Hold the local tracks back for the friend's offer and send them with the answer (no
    /// collision); offer after all if no offer comes in time.
    Answer,
}

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

impl CallStatus {
    /// The words shown (the English ones are what end-to-end tests look for).
    pub fn text(&self, t: &Texts) -> &'static str {
        match self {
            Self::Joining => t.status_joining,
            Self::WaitingForFriend => t.status_waiting,
            Self::Connecting => t.status_connecting,
            Self::Connected => t.status_connected,
            Self::ReconnectingPeer => t.status_reconnecting_peer,
            Self::Reconnecting {
                call_continues: true,
            } => t.status_reconnecting_continues,
            Self::Reconnecting {
                call_continues: false,
            } => t.status_reconnecting,
            Self::FriendLeft => t.status_friend_left,
            Self::FriendDropped => t.status_friend_dropped,
        }
    }
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

/// A non-fatal problem to show in the call view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The service's own words, for errors the app has nothing better to say about.
    Service(String),
    /// The service cannot reach its room registry (replicas, Redis): it closed the
    /// connection, and the app reconnects and resumes by itself.
    Unavailable,
    /// Too many joins from this network: the app tries again after [`JOIN_RETRY_MS`].
    TooManyJoins,
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

    fn hello(&mut self, meeting: Meeting, out: &mut Vec<Command>) {
        let live_call = self.peer_live();
        self.sent_hello = Some(live_call);
        self.meeting = meeting;
        self.started_fresh = false;
        self.friend = Friend::Present;
        out.push(Command::Send(ClientMsg::Signal {
            signal: Signal::Hello { live_call },
        }));
    }

    /// The friend is there: say hello, and with no live call of this side's own, start afresh
    /// at once, which is what the hello handshake will decide whatever the friend says.
    fn pair(&mut self, meeting: Meeting, out: &mut Vec<Command>) {
        self.hello(meeting, out);
        if let (Some(false), Some(role)) = (self.sent_hello, self.role) {
            self.start_fresh(role, out);
            self.started_fresh = true;
        }
    }

    /// Closes any old peer connection and makes a fresh one, offering if this side arrived.
    fn start_fresh(&mut self, role: Role, out: &mut Vec<Command>) {
        let opening = match (self.meeting, role) {
            (Meeting::Arrived, _) | (Meeting::Unknown, Role::Impolite) => Opening::Offer,
            (Meeting::Waited, _) | (Meeting::Unknown, Role::Polite) => Opening::Answer,
        };
        self.close_peer(out);
        self.peer = Some(PeerState::New);
        out.push(Command::CreatePeer(role, opening));
        self.arm_deadline(out);
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

    fn on_server(&mut self, msg: ServerMsg, out: &mut Vec<Command>) {
        match msg {
            ServerMsg::Joined {
                room: _,
                role,
                resume,
                peer_present,
                ice_servers,
            } => {
                self.link = Link::Joined;
                if self.ice_servers != ice_servers {
                    if self.peer.is_some() {
                        out.push(Command::UpdateIceServers(ice_servers.clone()));
                    }
                    self.ice_servers = ice_servers;
                }
                self.ever_joined = true;
                self.notice = None;
                if self.role != Some(role) && self.peer.is_some() {
                    // After a service restart the roles may be dealt anew.
                    out.push(Command::SetRole(role));
                }
                self.role = Some(role);
                if self.resume.as_ref() != Some(&resume) {
                    out.push(Command::SaveToken(resume.clone()));
                    self.resume = Some(resume);
                }
                if peer_present {
                    self.pair(Meeting::Arrived, out);
                } else {
                    self.friend = match self.friend {
                        Friend::Gone(reason) => Friend::Gone(reason),
                        _ => Friend::Absent,
                    };
                }
            }
            ServerMsg::PeerJoined => self.pair(Meeting::Waited, out),
            ServerMsg::PeerLeft { reason } => {
                // A friend who said goodbye has hung up, even if the service only saw their
                // connection end (their goodbye to it was lost with their page).
                let reason = match self.friend {
                    Friend::Gone(LeaveReason::HungUp) => LeaveReason::HungUp,
                    _ => reason,
                };
                self.friend_gone(reason, out);
            }
            ServerMsg::Signal {
                signal: Signal::Hello { live_call: theirs },
            } => {
                let ours = match self.sent_hello {
                    Some(ours) => ours,
                    None => {
                        // Their hello came first (we missed the pairing event): answer it.
                        self.hello(Meeting::Unknown, out);
                        self.sent_hello.unwrap_or(false)
                    }
                };
                self.friend = Friend::Present;
                if std::mem::take(&mut self.started_fresh) && self.peer.is_some() {
                    // This side made the pairing's fresh connection on arrival: it stands.
                } else if ours && theirs && self.peer_live() {
                    for signal in std::mem::take(&mut self.outbox) {
                        out.push(Command::Send(ClientMsg::Signal { signal }));
                    }
                    if self.peer == Some(PeerState::Failed) || self.stalled {
                        self.start_ice_restart(out);
                    }
                } else if let Some(role) = self.role {
                    self.start_fresh(role, out);
                }
            }
            ServerMsg::Signal { signal } => {
                if self.peer.is_some() {
                    out.push(Command::ToPeer(signal));
                }
            }
            ServerMsg::Left => {}
            ServerMsg::Error { code, message } => self.on_error(code, message, out),
        }
    }

    /// The friend left the room, or is no longer there as far as this side can tell.
    fn friend_gone(&mut self, reason: LeaveReason, out: &mut Vec<Command>) {
        self.friend = Friend::Gone(reason);
        self.sent_hello = None;
        self.started_fresh = false;
        let keep = reason == LeaveReason::ConnectionLost
            && matches!(
                self.peer,
                Some(PeerState::Connected | PeerState::Disconnected)
            );
        if !keep {
            self.close_peer(out);
        }
    }

    fn on_error(&mut self, code: ErrorCode, message: String, out: &mut Vec<Command>) {
        match code {
            ErrorCode::RoomFull => self.end(EndReason::RoomFull(self.room.clone()), out),
            ErrorCode::SessionReplaced => self.end(EndReason::SessionReplaced, out),
            ErrorCode::InvalidResumeToken => {
                // A token from another room or an old format: join as a newcomer.
                self.resume = None;
                out.push(Command::ForgetToken);
                out.push(self.join());
            }
            ErrorCode::InvalidRoomName => self.end(EndReason::Refused(message), out),
            // Races around reconnection (a signal after the room was left, a duplicate join)
            // need no action: the next `joined` sets things straight.
            ErrorCode::AlreadyInRoom | ErrorCode::NotInRoom => {}
            // The service closes the connection after this; the reconnection resumes.
            ErrorCode::Unavailable => self.notice = Some(Notice::Unavailable),
            ErrorCode::TooManyJoins => {
                self.notice = Some(Notice::TooManyJoins);
                out.push(Command::StartJoinRetryTimer(JOIN_RETRY_MS));
            }
            _ => self.notice = Some(Notice::Service(message)),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use shared::{IceCandidate, SdpKind, SessionDescription};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn room() -> RoomName {
        match RoomName::parse("Casa Azul") {
            Ok(room) => room,
            Err(e) => panic!("{e}"),
        }
    }

    fn token(byte: u8) -> ResumeToken {
        ResumeToken::from_bytes([byte; 16])
    }

    fn joined(role: Role, resume: ResumeToken, peer_present: bool) -> Input {
        joined_with(role, resume, peer_present, Vec::new())
    }

    fn joined_with(
        role: Role,
        resume: ResumeToken,
        peer_present: bool,
        ice_servers: Vec<IceServer>,
    ) -> Input {
        Input::Server(ServerMsg::Joined {
            room: room(),
            role,
            resume,
            peer_present,
            ice_servers,
        })
    }

    fn turn(username: &str) -> IceServer {
        IceServer {
            urls: vec!["turn:turn.example:3478?transport=udp".into()],
            username: Some(username.into()),
            credential: Some("secret-derived".into()),
        }
    }

    fn hello(live_call: bool) -> Input {
        Input::Server(ServerMsg::Signal {
            signal: Signal::Hello { live_call },
        })
    }

    fn sent_hello(live_call: bool) -> Command {
        Command::Send(ClientMsg::Signal {
            signal: Signal::Hello { live_call },
        })
    }

    fn offer() -> Signal {
        Signal::Description {
            description: SessionDescription {
                kind: SdpKind::Offer,
                sdp: "v=0".into(),
            },
        }
    }

    fn candidate() -> Signal {
        Signal::Candidate {
            candidate: IceCandidate {
                candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host".into(),
                sdp_mid: Some("0".into()),
                sdp_m_line_index: Some(0),
                username_fragment: None,
            },
        }
    }

    /// A call that joined alone and then met its friend: fresh peer, connected.
    fn connected_call() -> Call {
        connected_call_as(Role::Polite)
    }

    /// The same, with this side in `role`.
    fn connected_call_as(role: Role) -> Call {
        let mut call = Call::new(room(), None);
        call.handle(Input::SignalingOpen);
        call.handle(joined(role, token(1), false));
        call.handle(Input::Server(ServerMsg::PeerJoined));
        call.handle(hello(false));
        call.handle(Input::PeerState(PeerState::Connecting));
        call.handle(Input::PeerState(PeerState::Connected));
        assert_eq!(call.status(), CallStatus::Connected);
        call
    }

    #[wasm_bindgen_test]
    fn opening_the_connection_joins_with_the_kept_token() {
        let mut call = Call::new(room(), Some(token(9)));
        assert_eq!(call.status(), CallStatus::Joining);
        assert_eq!(
            call.handle(Input::SignalingOpen),
            [Command::Send(ClientMsg::Join {
                room: room(),
                resume: Some(token(9))
            })]
        );
    }

    #[wasm_bindgen_test]
    fn alone_in_the_room_it_keeps_the_token_and_waits() {
        let mut call = Call::new(room(), None);
        call.handle(Input::SignalingOpen);
        assert_eq!(
            call.handle(joined(Role::Impolite, token(1), false)),
            [Command::SaveToken(token(1))]
        );
        assert_eq!(call.status(), CallStatus::WaitingForFriend);
        assert!(!call.shows_remote());
    }

    #[wasm_bindgen_test]
    fn no_peer_connection_before_the_friend_is_there() {
        let mut call = Call::new(room(), None);
        call.handle(Input::SignalingOpen);
        call.handle(joined(Role::Polite, token(1), false));
        // A stray signal while alone has no connection to go to.
        assert_eq!(
            call.handle(Input::Server(ServerMsg::Signal { signal: offer() })),
            []
        );
        assert_eq!(call.handle(Input::PeerSignal(candidate())), []);
        // The friend arrives: a connection that waits for their offer, at once.
        assert_eq!(
            call.handle(Input::Server(ServerMsg::PeerJoined)),
            [
                sent_hello(false),
                Command::CreatePeer(Role::Polite, Opening::Answer),
                Command::StartConnectTimer(1)
            ]
        );
        assert_eq!(call.status(), CallStatus::Connecting);
        assert_eq!(call.handle(hello(false)), []);
        assert_eq!(
            call.handle(Input::Server(ServerMsg::Signal { signal: offer() })),
            [Command::ToPeer(offer())]
        );
        assert_eq!(
            call.handle(Input::PeerSignal(candidate())),
            [Command::Send(ClientMsg::Signal {
                signal: candidate()
            })]
        );
        call.handle(Input::PeerState(PeerState::Connected));
        assert_eq!(call.status(), CallStatus::Connected);
        assert!(call.shows_remote());
    }

    #[wasm_bindgen_test]
    fn the_turn_servers_of_the_latest_join_are_kept_for_the_next_peer_connection() {
        let mut call = Call::new(room(), None);
        assert!(call.ice_servers().is_empty());
        call.handle(Input::SignalingOpen);
        // No peer connection yet: nothing to update; the new one is made with them.
        assert_eq!(
            call.handle(joined_with(Role::Polite, token(1), true, vec![turn("1:a")])),
            [
                Command::SaveToken(token(1)),
                sent_hello(false),
                Command::CreatePeer(Role::Polite, Opening::Offer),
                Command::StartConnectTimer(1)
            ]
        );
        assert_eq!(call.ice_servers(), [turn("1:a")]);
        assert_eq!(call.handle(hello(false)), []);
        call.handle(Input::PeerState(PeerState::Connected));
        // A rejoin after a signaling blip brings fresh credentials: the live connection gets
        // them (for a later ICE restart); the same ones again change nothing.
        call.handle(Input::SignalingLost);
        call.handle(Input::SignalingOpen);
        assert_eq!(
            call.handle(joined_with(Role::Polite, token(1), true, vec![turn("2:a")])),
            [
                Command::UpdateIceServers(vec![turn("2:a")]),
                sent_hello(true)
            ]
        );
        assert_eq!(call.ice_servers(), [turn("2:a")]);
        call.handle(Input::SignalingLost);
        call.handle(Input::SignalingOpen);
        assert_eq!(
            call.handle(joined_with(Role::Polite, token(1), true, vec![turn("2:a")])),
            [sent_hello(true)]
        );
    }

    #[wasm_bindgen_test]
    fn joining_a_room_with_the_friend_in_it_says_hello_and_offers_at_once() {
        for role in [Role::Polite, Role::Impolite] {
            let mut call = Call::new(room(), None);
            call.handle(Input::SignalingOpen);
            assert_eq!(
                call.handle(joined(role, token(2), true)),
                [
                    Command::SaveToken(token(2)),
                    sent_hello(false),
                    Command::CreatePeer(role, Opening::Offer),
                    Command::StartConnectTimer(1)
                ]
            );
            assert_eq!(call.status(), CallStatus::Connecting);
            // The friend's hello, whatever it says, cannot change a fresh start: the
            // connection made on arrival stands.
            assert_eq!(call.handle(hello(true)), []);
            assert_eq!(
                call.handle(Input::Server(ServerMsg::Signal { signal: offer() })),
                [Command::ToPeer(offer())]
            );
        }
    }

    #[wasm_bindgen_test]
    fn the_friend_who_was_waiting_answers_whatever_its_role() {
        for role in [Role::Polite, Role::Impolite] {
            let mut call = Call::new(room(), None);
            call.handle(Input::SignalingOpen);
            call.handle(joined(role, token(1), false));
            assert_eq!(
                call.handle(Input::Server(ServerMsg::PeerJoined)),
                [
                    sent_hello(false),
                    Command::CreatePeer(role, Opening::Answer),
                    Command::StartConnectTimer(1)
                ]
            );
            // The friend's hello, whatever it says, changes nothing.
            assert_eq!(call.handle(hello(true)), []);
        }
    }

    #[wasm_bindgen_test]
    fn a_waiting_side_with_a_live_call_waits_for_the_friends_hello() {
        let mut call = connected_call();
        // The friend is back on a new connection (a resume): their hello decides.
        assert_eq!(
            call.handle(Input::Server(ServerMsg::PeerJoined)),
            [sent_hello(true)]
        );
        assert_eq!(
            call.handle(hello(false)),
            [
                Command::ClosePeer,
                Command::CreatePeer(Role::Polite, Opening::Answer),
                Command::StartConnectTimer(2)
            ]
        );
    }

    #[wasm_bindgen_test]
    fn a_hello_before_any_pairing_event_leaves_the_offer_to_the_impolite_side() {
        for (role, opening) in [
            (Role::Impolite, Opening::Offer),
            (Role::Polite, Opening::Answer),
        ] {
            let mut call = Call::new(room(), None);
            call.handle(Input::SignalingOpen);
            call.handle(joined(role, token(1), false));
            assert_eq!(
                call.handle(hello(false)),
                [
                    sent_hello(false),
                    Command::CreatePeer(role, opening),
                    Command::StartConnectTimer(1)
                ]
            );
        }
    }

    #[wasm_bindgen_test]
    fn an_arrival_that_made_its_connection_early_makes_another_if_it_was_closed() {
        let mut call = Call::new(room(), None);
        call.handle(Input::SignalingOpen);
        call.handle(joined(Role::Polite, token(1), true));
        assert_eq!(
            call.handle(Input::PeerState(PeerState::Closed)),
            [Command::ClosePeer]
        );
        assert_eq!(
            call.handle(hello(false)),
            [
                Command::CreatePeer(Role::Polite, Opening::Offer),
                Command::StartConnectTimer(2)
            ]
        );
    }

    #[wasm_bindgen_test]
    fn a_signaling_blip_leaves_the_media_alone_and_keeps_the_call_if_both_are_live() {
        let mut call = connected_call();
        assert_eq!(call.handle(Input::SignalingLost), []);
        assert_eq!(
            call.status(),
            CallStatus::Reconnecting {
                call_continues: true
            }
        );
        assert!(call
            .status()
            .text(&crate::i18n::EN)
            .contains("Reconnecting"));
        assert!(call.shows_remote(), "media keeps flowing");
        // A candidate made meanwhile waits for the service.
        assert_eq!(call.handle(Input::PeerSignal(candidate())), []);
        assert_eq!(
            call.handle(Input::SignalingOpen),
            [Command::Send(ClientMsg::Join {
                room: room(),
                resume: Some(token(1))
            })]
        );
        assert_eq!(
            call.handle(joined(Role::Polite, token(1), true)),
            [sent_hello(true)]
        );
        // Both live: keep the connection, deliver what waited.
        assert_eq!(
            call.handle(hello(true)),
            [Command::Send(ClientMsg::Signal {
                signal: candidate()
            })]
        );
        assert_eq!(call.status(), CallStatus::Connected);
    }

    #[wasm_bindgen_test]
    fn if_either_side_has_no_live_call_both_start_afresh() {
        let mut call = connected_call();
        call.handle(Input::SignalingLost);
        call.handle(Input::PeerSignal(candidate()));
        call.handle(Input::SignalingOpen);
        call.handle(joined(Role::Polite, token(1), true));
        // The friend reloaded: their hello says they have no call. Stale signals are dropped,
        // and this side, back in a room the friend was in, offers.
        assert_eq!(
            call.handle(hello(false)),
            [
                Command::ClosePeer,
                Command::CreatePeer(Role::Polite, Opening::Offer),
                Command::StartConnectTimer(2)
            ]
        );
        assert_eq!(call.status(), CallStatus::Connecting);
        assert!(!call.shows_remote());
    }

    #[wasm_bindgen_test]
    fn roles_dealt_anew_after_a_service_restart_reach_the_kept_connection() {
        let mut call = connected_call();
        call.handle(Input::SignalingLost);
        call.handle(Input::SignalingOpen);
        // The restarted service does not know the token: a new one, and maybe a new role.
        assert_eq!(
            call.handle(joined(Role::Impolite, token(3), false)),
            [
                Command::SetRole(Role::Impolite),
                Command::SaveToken(token(3))
            ]
        );
        assert_eq!(
            call.status(),
            CallStatus::Connected,
            "the media never stopped"
        );
        assert_eq!(
            call.handle(Input::Server(ServerMsg::PeerJoined)),
            [sent_hello(true)]
        );
        assert_eq!(call.handle(hello(true)), []);
    }

    #[wasm_bindgen_test]
    fn the_friend_hanging_up_clears_the_call_but_not_the_room() {
        let mut call = connected_call();
        assert_eq!(
            call.handle(Input::Server(ServerMsg::PeerLeft {
                reason: LeaveReason::HungUp
            })),
            [Command::ClosePeer]
        );
        assert_eq!(call.status(), CallStatus::FriendLeft);
        assert!(call
            .status()
            .text(&crate::i18n::EN)
            .starts_with("Your friend left"));
        assert!(!call.shows_remote());
        // They come back: a fresh negotiation starts by itself.
        assert_eq!(
            call.handle(Input::Server(ServerMsg::PeerJoined)),
            [
                sent_hello(false),
                Command::CreatePeer(Role::Polite, Opening::Answer),
                Command::StartConnectTimer(2)
            ]
        );
        assert_eq!(call.handle(hello(false)), []);
    }

    #[wasm_bindgen_test]
    fn a_friend_who_says_bye_has_left_at_once_whatever_the_service_says_next() {
        let mut call = connected_call();
        assert_eq!(call.handle(Input::FriendSaidBye), [Command::ClosePeer]);
        assert_eq!(call.status(), CallStatus::FriendLeft);
        // Their goodbye to the service was lost with their page: it saw a connection end.
        let lost = ServerMsg::PeerLeft {
            reason: LeaveReason::ConnectionLost,
        };
        assert_eq!(call.handle(Input::Server(lost)), []);
        assert_eq!(call.status(), CallStatus::FriendLeft);
        // Back again: a fresh call.
        assert_eq!(
            call.handle(Input::Server(ServerMsg::PeerJoined)),
            [
                sent_hello(false),
                Command::CreatePeer(Role::Polite, Opening::Answer),
                Command::StartConnectTimer(2)
            ]
        );
        assert_eq!(call.status(), CallStatus::Connecting);
    }

    #[wasm_bindgen_test]
    fn a_bye_after_the_service_said_the_connection_was_lost_makes_it_a_hang_up() {
        let mut call = connected_call();
        let lost = ServerMsg::PeerLeft {
            reason: LeaveReason::ConnectionLost,
        };
        assert_eq!(call.handle(Input::Server(lost)), [], "the media is kept");
        assert_eq!(call.status(), CallStatus::FriendDropped);
        assert_eq!(call.handle(Input::FriendSaidBye), [Command::ClosePeer]);
        assert_eq!(call.status(), CallStatus::FriendLeft);
    }

    #[wasm_bindgen_test]
    fn a_lost_friend_keeps_the_media_until_the_connection_fails() {
        let mut call = connected_call();
        let left = ServerMsg::PeerLeft {
            reason: LeaveReason::ConnectionLost,
        };
        assert_eq!(call.handle(Input::Server(left)), []);
        assert_eq!(call.status(), CallStatus::FriendDropped);
        assert!(call.shows_remote());
        assert_eq!(
            call.handle(Input::PeerState(PeerState::Failed)),
            [Command::ClosePeer]
        );
        assert!(!call.shows_remote());
        assert_eq!(call.status(), CallStatus::FriendDropped);
    }

    #[wasm_bindgen_test]
    fn ice_failure_restarts_ice_and_then_rejoins() {
        let mut call = connected_call_as(Role::Impolite);
        assert_eq!(
            call.handle(Input::ConnectTimeout(1)),
            [],
            "connected in time"
        );
        assert_eq!(
            call.handle(Input::PeerState(PeerState::Failed)),
            [Command::RestartIce, Command::StartConnectTimer(2)]
        );
        assert_eq!(call.status(), CallStatus::ReconnectingPeer);
        // A second `failed` does not stack restarts.
        assert_eq!(call.handle(Input::PeerState(PeerState::Failed)), []);
        assert_eq!(call.handle(Input::ConnectTimeout(1)), [], "a stale timer");
        assert_eq!(
            call.handle(Input::ConnectTimeout(2)),
            [Command::ClosePeer, Command::Reconnect]
        );
        assert_eq!(
            call.handle(Input::SignalingOpen),
            [Command::Send(ClientMsg::Join {
                room: room(),
                resume: Some(token(1))
            })]
        );
    }

    #[wasm_bindgen_test]
    fn stalled_media_replaces_the_signaling_connection_then_restarts_ice_once_paired() {
        let mut call = connected_call_as(Role::Impolite);
        assert_eq!(
            call.handle(Input::MediaStalled),
            [Command::RefreshSignaling]
        );
        assert_eq!(
            call.status(),
            CallStatus::Reconnecting {
                call_continues: true
            }
        );
        assert_eq!(call.handle(Input::MediaStalled), [], "once per stall");
        // The peer connection's own signals wait for the new connection.
        assert_eq!(call.handle(Input::PeerSignal(candidate())), []);
        call.handle(Input::SignalingOpen);
        assert_eq!(
            call.handle(joined(Role::Impolite, token(1), true)),
            [sent_hello(true)]
        );
        // Both kept the call: the kept signal goes out, then the ICE restart.
        assert_eq!(
            call.handle(hello(true)),
            [
                Command::Send(ClientMsg::Signal {
                    signal: candidate()
                }),
                Command::RestartIce,
                Command::StartConnectTimer(2)
            ]
        );
        call.handle(Input::PeerState(PeerState::Connected));
        call.handle(Input::MediaFlowing);
        assert_eq!(call.status(), CallStatus::Connected);
    }

    #[wasm_bindgen_test]
    fn media_back_by_itself_needs_no_ice_restart() {
        let mut call = connected_call();
        call.handle(Input::MediaStalled);
        call.handle(Input::PeerState(PeerState::Disconnected));
        call.handle(Input::PeerState(PeerState::Connected));
        call.handle(Input::MediaFlowing);
        call.handle(Input::SignalingOpen);
        call.handle(joined(Role::Polite, token(1), true));
        assert_eq!(call.handle(hello(true)), [], "the call is kept as it is");
        assert_eq!(call.status(), CallStatus::Connected);
    }

    #[wasm_bindgen_test]
    fn a_stall_without_a_live_connection_changes_nothing() {
        let mut call = Call::new(room(), None);
        call.handle(Input::SignalingOpen);
        call.handle(joined(Role::Polite, token(1), false));
        assert_eq!(call.handle(Input::MediaStalled), []);
        assert_eq!(call.status(), CallStatus::WaitingForFriend);
    }

    #[wasm_bindgen_test]
    fn the_polite_side_waits_for_the_impolite_sides_restart_under_the_same_deadline() {
        let mut call = connected_call_as(Role::Polite);
        assert_eq!(
            call.handle(Input::PeerState(PeerState::Failed)),
            [Command::StartConnectTimer(2)],
            "no offer of its own: two restart offers at once collide"
        );
        assert_eq!(call.status(), CallStatus::ReconnectingPeer);
        assert_eq!(
            call.handle(Input::ConnectTimeout(2)),
            [Command::ClosePeer, Command::Reconnect]
        );
    }

    #[wasm_bindgen_test]
    fn a_successful_ice_restart_cancels_the_rejoin() {
        let mut call = connected_call();
        call.handle(Input::PeerState(PeerState::Failed));
        call.handle(Input::PeerState(PeerState::Connected));
        assert_eq!(call.handle(Input::ConnectTimeout(2)), []);
        assert_eq!(call.status(), CallStatus::Connected);
    }

    #[wasm_bindgen_test]
    fn a_connection_that_never_connects_is_rebuilt_from_a_fresh_join() {
        let mut call = Call::new(room(), None);
        call.handle(Input::SignalingOpen);
        call.handle(joined(Role::Polite, token(1), true));
        call.handle(hello(false));
        call.handle(Input::PeerState(PeerState::Connecting));
        assert_eq!(
            call.handle(Input::ConnectTimeout(1)),
            [Command::ClosePeer, Command::Reconnect]
        );
        assert_eq!(
            call.status(),
            CallStatus::Reconnecting {
                call_continues: false
            }
        );
    }

    #[wasm_bindgen_test]
    fn a_full_room_ends_the_attempt_naming_the_room() {
        let mut call = Call::new(room(), None);
        call.handle(Input::SignalingOpen);
        let full = ServerMsg::Error {
            code: ErrorCode::RoomFull,
            message: "full".into(),
        };
        assert_eq!(
            call.handle(Input::Server(full)),
            [Command::End(EndReason::RoomFull(room()))]
        );
        assert!(call.is_ended());
        assert_eq!(
            call.handle(Input::SignalingLost),
            [],
            "nothing happens after the end"
        );
    }

    #[wasm_bindgen_test]
    fn a_newer_tab_takes_the_call_over() {
        let mut call = connected_call();
        let replaced = ServerMsg::Error {
            code: ErrorCode::SessionReplaced,
            message: "".into(),
        };
        assert_eq!(
            call.handle(Input::Server(replaced)),
            [Command::ClosePeer, Command::End(EndReason::SessionReplaced)]
        );
    }

    #[wasm_bindgen_test]
    fn a_refused_token_is_forgotten_and_the_join_retried_without_it() {
        let mut call = Call::new(room(), Some(token(4)));
        call.handle(Input::SignalingOpen);
        let bad = ServerMsg::Error {
            code: ErrorCode::InvalidResumeToken,
            message: "".into(),
        };
        assert_eq!(
            call.handle(Input::Server(bad)),
            [
                Command::ForgetToken,
                Command::Send(ClientMsg::Join {
                    room: room(),
                    resume: None
                })
            ]
        );
    }

    #[wasm_bindgen_test]
    fn other_errors_become_a_notice_and_the_call_goes_on() {
        let mut call = connected_call();
        let limited = ServerMsg::Error {
            code: ErrorCode::RateLimited,
            message: "slow down".into(),
        };
        assert_eq!(call.handle(Input::Server(limited)), []);
        assert_eq!(call.notice(), Some(&Notice::Service("slow down".into())));
        assert_eq!(call.status(), CallStatus::Connected);
    }

    #[wasm_bindgen_test]
    fn too_many_joins_waits_then_joins_again() {
        let mut call = Call::new(room(), None);
        let join = Command::Send(ClientMsg::Join {
            room: room(),
            resume: None,
        });
        assert_eq!(
            call.handle(Input::SignalingOpen),
            std::slice::from_ref(&join)
        );
        let refused = ServerMsg::Error {
            code: ErrorCode::TooManyJoins,
            message: "too many joins".into(),
        };
        assert_eq!(
            call.handle(Input::Server(refused)),
            [Command::StartJoinRetryTimer(JOIN_RETRY_MS)]
        );
        assert_eq!(call.notice(), Some(&Notice::TooManyJoins));
        assert_eq!(call.status(), CallStatus::Joining);
        assert_eq!(call.handle(Input::RetryJoin), [join]);
        // Joined meanwhile (a reconnection): a late timer does nothing.
        call.handle(Input::Server(ServerMsg::Joined {
            room: room(),
            role: Role::Impolite,
            resume: ResumeToken::from_bytes([1; 16]),
            peer_present: false,
            ice_servers: Vec::new(),
        }));
        assert_eq!(call.notice(), None);
        assert_eq!(call.handle(Input::RetryJoin), []);
    }

    #[wasm_bindgen_test]
    fn an_unavailable_registry_is_a_notice_until_the_reconnection_joins() {
        let mut call = connected_call();
        let unavailable = ServerMsg::Error {
            code: ErrorCode::Unavailable,
            message: "the service cannot reach its room registry".into(),
        };
        assert_eq!(call.handle(Input::Server(unavailable)), []);
        assert_eq!(call.notice(), Some(&Notice::Unavailable));
    }

    #[wasm_bindgen_test]
    fn status_words_match_the_interface_contract() {
        let connected = CallStatus::Connected.text(&crate::i18n::EN);
        assert!(connected.contains("Connected"));
        assert!(CallStatus::WaitingForFriend
            .text(&crate::i18n::EN)
            .contains("Waiting for your friend"));
        assert!(CallStatus::Connecting
            .text(&crate::i18n::EN)
            .contains("Connecting"));
        assert!(CallStatus::FriendLeft
            .text(&crate::i18n::EN)
            .contains("Your friend left"));
        assert!(CallStatus::FriendLeft
            .text(&crate::i18n::EN)
            .contains("return"));
        for status in [
            CallStatus::Reconnecting {
                call_continues: true,
            },
            CallStatus::Reconnecting {
                call_continues: false,
            },
            CallStatus::ReconnectingPeer,
        ] {
            assert!(status.text(&crate::i18n::EN).contains("Reconnecting"));
        }
        // Only the connected state may say "connected" as a word.
        for status in [
            CallStatus::Joining,
            CallStatus::WaitingForFriend,
            CallStatus::Connecting,
            CallStatus::ReconnectingPeer,
            CallStatus::Reconnecting {
                call_continues: true,
            },
            CallStatus::FriendLeft,
            CallStatus::FriendDropped,
        ] {
            let text = status.text(&crate::i18n::EN).to_lowercase();
            assert!(!text
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "connected"));
        }
    }
}
