//! What the call's state machine hears ([`Input`]) and what it asks for ([`Command`]), in its
//! own terms: nothing here is a browser object.

use shared::{ClientMsg, IceServer, ResumeToken, Role, ServerMsg, Signal};

use super::status::EndReason;

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
    /// the ICE servers of the latest join ([`Call::ice_servers`](super::machine::Call::ice_servers)), opening as said.
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
    /// Start the connect deadline ([`CONNECT_TIMEOUT_MS`](super::machine::CONNECT_TIMEOUT_MS)); it reports
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

/// The connection's state, as `RTCPeerConnection.connectionState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerState {
    /// Just made; nothing negotiated yet.
    New,
    /// ICE and DTLS are working on it.
    Connecting,
    /// Media can flow.
    Connected,
    /// Connectivity was lost for a moment; it may come back by itself.
    Disconnected,
    /// Connectivity is lost; only an ICE restart can bring it back.
    Failed,
    /// Closed for good.
    Closed,
}

impl PeerState {
    /// Whether this connection can still carry (or recover to carry) the call: the
    /// `live_call` of a `Hello`.
    pub fn is_live(self) -> bool {
        !matches!(self, Self::Failed | Self::Closed)
    }
}
