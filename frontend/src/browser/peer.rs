//! The peer connection: one `RTCPeerConnection` behind a typed interface, negotiating by
//! MDN's "perfect negotiation" pattern.
//!
//! Either side may start a negotiation at any time (`negotiationneeded`: adding tracks, an
//! ICE restart). When both offer at once, the *polite* side rolls its offer back and answers
//! the other; the *impolite* side ignores the colliding offer and waits for its answer. The
//! service hands out the two roles, so a collision cannot wedge the call.
//!
//! A fresh pair of connections would always start with a collision (both sides add their
//! camera at once), and Chromium sometimes never gathers ICE candidates on the polite side
//! when its first offer is rolled back right after being set. So only one side offers
//! ([`Opening::Offer`]); the other ([`Opening::Answer`]) holds its tracks back and adds them
//! to the friend's first offer just before answering (they ride the answer; no second round
//! trip). If no offer comes within [`POLITE_OFFER_WAIT_MS`], it adds them anyway and
//! negotiates itself.
//!
//! In: [`Signal`]s from the friend ([`Peer::handle_signal`]). Out: [`PeerEvent`]s through a
//! callback (signals to send, connection state, the remote stream). Incoming signals are
//! applied strictly one after the other, in the order the friend sent them.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use js_sys::{Function, Promise, Reflect};
use shared::{IceCandidate, Role, Signal};

use crate::browser::channel::{ChannelError, PeerMessage};
use crate::browser::file_channel::{Announced, FileChannel};
use crate::browser::stats::StatsSample;
use crate::call::events::{Opening, PeerState};
use crate::call::verification::VerificationCode;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    MediaStream, MediaStreamTrack, RtcConfiguration, RtcPeerConnection, RtcPeerConnectionIceEvent,
    RtcPeerConnectionState, RtcSignalingState, RtcTrackEvent,
};

/// Logs negotiation steps in debug builds (they are the first thing to look at when a call
/// does not connect); release builds compile this away.
macro_rules! trace {
    ($($arg:tt)*) => {
        if cfg!(debug_assertions) {
            gloo::console::debug!(format!($($arg)*));
        }
    };
}

mod negotiation;
mod stats_report;

pub use negotiation::PeerEvent;
use negotiation::{call_method, drain, make_offer, Inner};
use stats_report::read_stats;

/// How long a fresh connection opening with [`Opening::Answer`] waits for the friend's first
/// offer before offering its own media itself.
pub const POLITE_OFFER_WAIT_MS: u32 = 3_000;

/// Whether this browser can make calls at all: it has `RTCPeerConnection` (WebKitGTK, for
/// one, is built without WebRTC), asked once at start so the page can say so at once.
pub fn supported() -> bool {
    Reflect::has(&js_sys::global(), &JsValue::from_str("RTCPeerConnection")).unwrap_or(false)
}

/// The connection's state in the call's terms.
fn peer_state(state: RtcPeerConnectionState) -> PeerState {
    match state {
        RtcPeerConnectionState::New => PeerState::New,
        RtcPeerConnectionState::Connecting => PeerState::Connecting,
        RtcPeerConnectionState::Connected => PeerState::Connected,
        RtcPeerConnectionState::Disconnected => PeerState::Disconnected,
        RtcPeerConnectionState::Failed => PeerState::Failed,
        _ => PeerState::Closed,
    }
}

/// A peer connection made ahead of need, for [`Peer::new`] to take: making one keeps the page
/// busy for a few milliseconds (more on a loaded machine), better spent while the person types
/// a room name or waits for the friend than when the friend's offer is due. It makes no
/// network traffic until used. Dropping it unused closes it.
pub struct Spare(Option<RtcPeerConnection>);

impl Spare {
    /// A connection with this configuration (its ICE servers may still change when it is used).
    pub fn new(config: &RtcConfiguration) -> Result<Self, PeerError> {
        RtcPeerConnection::new_with_configuration(config)
            .map(|pc| Self(Some(pc)))
            .map_err(|e| PeerError(format!("{e:?}")))
    }
}

impl Drop for Spare {
    fn drop(&mut self) {
        if let Some(pc) = self.0.take() {
            pc.close();
        }
    }
}

/// The browser refused to make a peer connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the browser could not create a peer connection: {0}")]
pub struct PeerError(String);

/// One peer connection to the friend. Dropping it closes the connection.
pub struct Peer {
    inner: Rc<Inner>,
    _listeners: [EventListener; 5],
}

impl Peer {
    /// Makes a peer connection with the given ICE configuration, sending `tracks` (the local
    /// camera and microphone, in `stream`). Negotiation starts by itself: adding the tracks
    /// fires `negotiationneeded`, at once or (`Opening::Answer`) with the answer to the
    /// friend's first offer. A `spare` made beforehand is used if given (with `config`).
    pub fn new(
        config: &RtcConfiguration,
        spare: Option<Spare>,
        role: Role,
        opening: Opening,
        stream: &MediaStream,
        tracks: &[MediaStreamTrack],
        on_event: impl Fn(PeerEvent) + 'static,
    ) -> Result<Self, PeerError> {
        let pc = match spare.and_then(|mut spare| spare.0.take()) {
            Some(pc) => match pc.set_configuration_with_configuration(config) {
                Ok(()) => pc,
                Err(e) => {
                    pc.close();
                    return Err(PeerError(format!("{e:?}")));
                }
            },
            None => RtcPeerConnection::new_with_configuration(config)
                .map_err(|e| PeerError(format!("{e:?}")))?,
        };
        let inner = Rc::new(Inner {
            pc: pc.clone(),
            polite: Cell::new(role == Role::Polite),
            making_offer: Cell::new(false),
            ignore_offer: Cell::new(false),
            incoming: RefCell::new(VecDeque::new()),
            draining: Cell::new(false),
            remote: RefCell::new(None),
            // `Clone::clone`: `stream.clone()` would be JS `MediaStream.clone()`, copying tracks.
            held_back: RefCell::new(Some((Clone::clone(stream), tracks.to_vec()))),
            held_back_timer: RefCell::new(None),
            channel: RefCell::new(None),
            closed: Cell::new(false),
            on_event: Box::new(on_event),
        });
        // Listeners hold weak references: the connection's owner decides its lifetime.
        let weak = Rc::downgrade(&inner);
        let on_negotiation = EventListener::new(&pc, "negotiationneeded", {
            let weak = weak.clone();
            move |_| {
                if let Some(inner) = weak.upgrade() {
                    spawn_local(make_offer(inner));
                }
            }
        });
        let on_candidate = EventListener::new(&pc, "icecandidate", {
            let weak = weak.clone();
            move |event| {
                let Some(inner) = weak.upgrade() else { return };
                let Some(candidate) = event
                    .dyn_ref::<RtcPeerConnectionIceEvent>()
                    .and_then(|e| e.candidate())
                else {
                    trace!("peer: gathering complete");
                    return; // `null`: gathering finished; nothing to send.
                };
                trace!("peer: local candidate {}", candidate.candidate());
                let username_fragment = Reflect::get(&candidate, &"usernameFragment".into())
                    .ok()
                    .and_then(|v| v.as_string());
                inner.emit(PeerEvent::Signal(Signal::Candidate {
                    candidate: IceCandidate {
                        candidate: candidate.candidate(),
                        sdp_mid: candidate.sdp_mid(),
                        sdp_m_line_index: candidate.sdp_m_line_index(),
                        username_fragment,
                    },
                }));
            }
        });
        let on_state = EventListener::new(&pc, "connectionstatechange", {
            let weak = weak.clone();
            move |_| {
                if let Some(inner) = weak.upgrade() {
                    let state = peer_state(inner.pc.connection_state());
                    trace!(
                        "peer: connection {state:?}, ice {:?}",
                        inner.pc.ice_connection_state()
                    );
                    inner.emit(PeerEvent::State(state));
                }
            }
        });
        let on_data_channel = EventListener::new(&pc, "datachannel", {
            let weak = weak.clone();
            move |event| {
                let Some(inner) = weak.upgrade() else { return };
                if let Some(announced) = Announced::from_event(event) {
                    inner.emit(PeerEvent::FileChannel(announced));
                }
            }
        });
        let on_track = EventListener::new(&pc, "track", move |event| {
            let Some(inner) = weak.upgrade() else { return };
            let Some(event) = event.dyn_ref::<RtcTrackEvent>() else {
                return;
            };
            let stream = match event.streams().get(0).dyn_into::<MediaStream>() {
                Ok(stream) => stream,
                // A track sent without a stream: gather such tracks into one of our own.
                Err(_) => {
                    let existing = inner.remote.borrow().clone();
                    match existing.map_or_else(MediaStream::new, Ok) {
                        Ok(stream) => {
                            stream.add_track(&event.track());
                            stream
                        }
                        Err(_) => return,
                    }
                }
            };
            *inner.remote.borrow_mut() = Some(Clone::clone(&stream));
            inner.emit(PeerEvent::RemoteStream(stream));
        });
        if opening == Opening::Answer {
            let weak = Rc::downgrade(&inner);
            *inner.held_back_timer.borrow_mut() =
                Some(Timeout::new(POLITE_OFFER_WAIT_MS, move || {
                    if let Some(inner) = weak.upgrade() {
                        inner.add_held_back_tracks();
                    }
                }));
        } else {
            inner.add_held_back_tracks();
        }
        Ok(Self {
            inner,
            _listeners: [
                on_negotiation,
                on_candidate,
                on_state,
                on_track,
                on_data_channel,
            ],
        })
    }

    /// Applies a signal from the friend. Signals are applied in arrival order; this returns
    /// at once and the work happens in a browser task.
    pub fn handle_signal(&self, signal: Signal) {
        self.inner.incoming.borrow_mut().push_back(signal);
        if !self.inner.draining.replace(true) {
            spawn_local(drain(self.inner.clone()));
        }
    }

    /// Changes this side's politeness (the service may hand out new roles after a restart
    /// while the media kept flowing).
    pub fn set_role(&self, role: Role) {
        self.inner.polite.set(role == Role::Polite);
    }

    /// Starts an ICE restart: the next offer (made by `negotiationneeded`) carries new ICE
    /// credentials.
    pub fn restart_ice(&self) {
        if let Err(e) = call_method(&self.inner.pc, "restartIce") {
            gloo::console::warn!(format!("restartIce failed: {e:?}"));
        }
    }

    /// Replaces the connection's ICE configuration (new TURN credentials); it applies from
    /// the next ICE gathering.
    pub fn set_configuration(&self, config: &RtcConfiguration) {
        if let Err(e) = self.inner.pc.set_configuration_with_configuration(config) {
            gloo::console::warn!(format!("setConfiguration failed: {e:?}"));
        }
    }

    /// The connection's current state.
    pub fn state(&self) -> PeerState {
        peer_state(self.inner.pc.connection_state())
    }

    /// The code both people see for this connection, from the DTLS fingerprints of the
    /// descriptions in force; `None` until both descriptions are set.
    pub fn verification_code(&self) -> Option<VerificationCode> {
        let local = self.inner.pc.current_local_description()?.sdp();
        let remote = self.inner.pc.current_remote_description()?.sdp();
        VerificationCode::from_descriptions(&local, &remote).ok()
    }

    /// The friend's stream, once their first track arrived.
    pub fn remote_stream(&self) -> Option<MediaStream> {
        self.inner.remote.borrow().clone()
    }

    /// Sends a message to the friend over the data channel.
    pub fn send(&self, message: &PeerMessage) -> Result<(), ChannelError> {
        match self.inner.channel.borrow().as_ref() {
            Some(channel) => channel.send(message),
            None => Err(ChannelError::NotOpen),
        }
    }

    /// Opens a channel of its own for the bytes of this side's file transfer `id` (see
    /// [`crate::browser::file_channel`]); only once the control channel is open, so that the
    /// connection's SCTP association exists and nothing needs negotiating.
    pub fn open_file_channel(&self, id: u32) -> Result<FileChannel, ChannelError> {
        let open = self
            .inner
            .channel
            .borrow()
            .as_ref()
            .is_some_and(|channel| channel.is_open());
        if !open {
            return Err(ChannelError::NotOpen);
        }
        Ok(FileChannel::open(&self.inner.pc, id))
    }

    /// Sends `track` instead of the outgoing track of its kind, without renegotiating
    /// (`RTCRtpSender.replaceTrack`): another camera or microphone, or a shared screen. On a
    /// polite connection still holding its tracks back, it replaces the held-back one.
    pub fn replace_track(
        &self,
        track: &MediaStreamTrack,
    ) -> impl std::future::Future<Output = Result<(), PeerError>> {
        let kind = track.kind();
        if let Some((_, tracks)) = self.inner.held_back.borrow_mut().as_mut() {
            for held in tracks.iter_mut().filter(|t| t.kind() == kind) {
                *held = Clone::clone(track);
            }
        }
        let sender = self.sender_of(&kind);
        let promise = sender.map(|s| s.replace_track(Some(track)));
        async move {
            match promise {
                Some(promise) => JsFuture::from(promise)
                    .await
                    .map(drop)
                    .map_err(|e| PeerError(format!("{e:?}"))),
                // Nothing sent yet: the held-back track was replaced.
                None => Ok(()),
            }
        }
    }

    /// The sender of this connection's track of `kind` (`audio`, `video`), if it sends one.
    fn sender_of(&self, kind: &str) -> Option<web_sys::RtcRtpSender> {
        self.inner
            .pc
            .get_senders()
            .iter()
            .filter_map(|s| s.dyn_into::<web_sys::RtcRtpSender>().ok())
            .find(|s| s.track().is_some_and(|t| t.kind() == kind))
    }

    /// Sends this connection's video, or stops sending it ("Audio only"): every encoding of
    /// the video sender goes active or inactive (`RTCRtpSender.setParameters`), so nothing is
    /// renegotiated and the track stays, ready to go on again. Does nothing while no video
    /// is being sent yet (a fresh polite connection): call it again once connected.
    pub fn set_video_sending(
        &self,
        on: bool,
    ) -> impl std::future::Future<Output = Result<(), PeerError>> {
        let sender = self.sender_of("video");
        let set = sender.map(|sender| -> Result<Promise, JsValue> {
            let parameters = Reflect::get(&sender, &"getParameters".into())?
                .dyn_into::<Function>()?
                .call0(&sender)?;
            let encodings = Reflect::get(&parameters, &"encodings".into())?;
            for encoding in js_sys::Array::from(&encodings).iter() {
                Reflect::set(&encoding, &"active".into(), &JsValue::from_bool(on))?;
            }
            Reflect::get(&sender, &"setParameters".into())?
                .dyn_into::<Function>()?
                .call1(&sender, &parameters)?
                .dyn_into::<Promise>()
        });
        async move {
            match set {
                Some(Ok(promise)) => JsFuture::from(promise)
                    .await
                    .map(drop)
                    .map_err(|e| PeerError(format!("{e:?}"))),
                Some(Err(e)) => Err(PeerError(format!("{e:?}"))),
                None => Ok(()),
            }
        }
    }

    /// Reads the connection's statistics (`getStats()`) into a [`StatsSample`]. The future
    /// holds its own handle to the connection, so it may outlive this `Peer`.
    pub fn stats(&self) -> impl std::future::Future<Output = Result<StatsSample, PeerError>> {
        let pc = self.inner.pc.clone();
        async move {
            let report = JsFuture::from(pc.get_stats())
                .await
                .map_err(|e| PeerError(format!("{e:?}")))?;
            Ok(read_stats(&report))
        }
    }

    /// Whether no negotiation is in progress (`signalingState` is `stable`).
    pub fn is_stable(&self) -> bool {
        self.inner.pc.signaling_state() == RtcSignalingState::Stable
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.inner.closed.set(true);
        self.inner.held_back_timer.borrow_mut().take();
        self.inner.channel.borrow_mut().take();
        self.inner.pc.close();
    }
}
