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
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use js_sys::{Function, Promise, Reflect};
use shared::{IceCandidate, Role, SdpKind, SessionDescription, Signal};

use crate::browser::channel::{ChannelError, ChannelEvent, DataChannel, PeerMessage};
use crate::browser::stats::{CallPath, StatsSample};
use crate::call::events::{Opening, PeerState};
use crate::call::verification::VerificationCode;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    MediaStream, MediaStreamTrack, RtcConfiguration, RtcIceCandidateInit, RtcPeerConnection,
    RtcPeerConnectionIceEvent, RtcPeerConnectionState, RtcSdpType, RtcSessionDescriptionInit,
    RtcSignalingState, RtcTrackEvent,
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

/// How long a fresh connection opening with [`Opening::Answer`] waits for the friend's first
/// offer before offering its own media itself.
pub const POLITE_OFFER_WAIT_MS: u32 = 3_000;

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

/// What the peer connection tells its owner.
#[derive(Debug, Clone, PartialEq)]
pub enum PeerEvent {
    /// A description or candidate to send to the friend.
    Signal(Signal),
    /// The connection state changed.
    State(PeerState),
    /// The friend's media arrived (a stream with their tracks).
    RemoteStream(MediaStream),
    /// The data channel opened or brought a message from the friend.
    Channel(ChannelEvent),
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

struct Inner {
    pc: RtcPeerConnection,
    polite: Cell<bool>,
    making_offer: Cell<bool>,
    ignore_offer: Cell<bool>,
    incoming: RefCell<VecDeque<Signal>>,
    draining: Cell<bool>,
    remote: RefCell<Option<MediaStream>>,
    /// Local tracks not added yet (a fresh polite connection), with their stream.
    held_back: RefCell<Option<(MediaStream, Vec<MediaStreamTrack>)>>,
    held_back_timer: RefCell<Option<Timeout>>,
    /// The pre-agreed data channel, made together with the local tracks.
    channel: RefCell<Option<DataChannel>>,
    closed: Cell<bool>,
    on_event: Box<dyn Fn(PeerEvent)>,
}

impl Inner {
    fn emit(&self, event: PeerEvent) {
        if !self.closed.get() {
            (self.on_event)(event);
        }
    }

    /// Adds the held-back local tracks and the data channel, if not done yet. Right after a
    /// remote offer is set, `addTrack` takes over the offer's receive-only transceivers, and
    /// the channel the friend's offer already negotiated, so the answer carries them: no
    /// second negotiation, hence no collision on a fresh polite connection.
    fn add_held_back_tracks(self: &Rc<Self>) {
        self.held_back_timer.borrow_mut().take();
        let held_back = self.held_back.borrow_mut().take();
        if let Some((stream, tracks)) = held_back {
            trace!("peer: adding {} local tracks", tracks.len());
            for track in &tracks {
                self.pc.add_track_0(track, &stream);
            }
            let weak = Rc::downgrade(self);
            let channel = DataChannel::open(&self.pc, move |event| {
                if let Some(inner) = weak.upgrade() {
                    inner.emit(PeerEvent::Channel(event));
                }
            });
            *self.channel.borrow_mut() = Some(channel);
        }
    }
}

/// One peer connection to the friend. Dropping it closes the connection.
pub struct Peer {
    inner: Rc<Inner>,
    _listeners: [EventListener; 4],
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
            _listeners: [on_negotiation, on_candidate, on_state, on_track],
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
        let sender = self
            .inner
            .pc
            .get_senders()
            .iter()
            .filter_map(|s| s.dyn_into::<web_sys::RtcRtpSender>().ok())
            .find(|s| s.track().is_some_and(|t| t.kind() == kind));
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

    /// Sends this connection's video, or stops sending it ("Audio only"): every encoding of
    /// the video sender goes active or inactive (`RTCRtpSender.setParameters`), so nothing is
    /// renegotiated and the track stays, ready to go on again. Does nothing while no video
    /// is being sent yet (a fresh polite connection): call it again once connected.
    pub fn set_video_sending(
        &self,
        on: bool,
    ) -> impl std::future::Future<Output = Result<(), PeerError>> {
        let sender = self
            .inner
            .pc
            .get_senders()
            .iter()
            .filter_map(|s| s.dyn_into::<web_sys::RtcRtpSender>().ok())
            .find(|s| s.track().is_some_and(|t| t.kind() == "video"));
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

/// `negotiationneeded`: make an offer with the implicit `setLocalDescription()` and send it.
async fn make_offer(inner: Rc<Inner>) {
    trace!(
        "peer: negotiationneeded in {:?}",
        inner.pc.signaling_state()
    );
    // A connection holding its tracks back answers the friend's first offer: it has nothing
    // to offer yet. Chromium still fires `negotiationneeded` when a spare connection is given
    // its ICE servers (the join's TURN credentials); offering then collides with the friend's
    // offer, and after the polite side's rollback Chromium could no longer start the data
    // channel's transport (seen in the network lab, tests/network.test.mjs).
    if inner.held_back.borrow().is_some() {
        trace!("peer: nothing to offer while the tracks are held back");
        return;
    }
    inner.making_offer.set(true);
    let result = set_local_description(&inner.pc).await;
    inner.making_offer.set(false);
    match result {
        Ok(()) => send_local_description(&inner),
        Err(e) => gloo::console::warn!(format!("could not make an offer: {e:?}")),
    }
}

/// Applies queued signals one at a time, so an answer or candidate never overtakes the
/// description it belongs to.
async fn drain(inner: Rc<Inner>) {
    loop {
        let next = inner.incoming.borrow_mut().pop_front();
        let Some(signal) = next else { break };
        if inner.closed.get() {
            break;
        }
        match signal {
            Signal::Description { description } => apply_description(&inner, description).await,
            Signal::Candidate { candidate } => apply_candidate(&inner, candidate).await,
            // Pairing is the owner's business; a peer connection has nothing to do with it.
            Signal::Hello { .. } => {}
        }
    }
    inner.draining.set(false);
}

async fn apply_description(inner: &Rc<Inner>, description: SessionDescription) {
    let is_offer = description.kind == SdpKind::Offer;
    let collision = is_offer
        && (inner.making_offer.get() || inner.pc.signaling_state() != RtcSignalingState::Stable);
    inner.ignore_offer.set(!inner.polite.get() && collision);
    trace!(
        "peer: remote {:?} in {:?}, making offer {}, collision {collision}, ignored {}",
        description.kind,
        inner.pc.signaling_state(),
        inner.making_offer.get(),
        inner.ignore_offer.get()
    );
    if inner.ignore_offer.get() {
        return;
    }
    // On a collision the polite side gets here too: setting the remote offer rolls its own
    // pending offer back implicitly.
    let init = RtcSessionDescriptionInit::new(sdp_type(description.kind));
    init.set_sdp(&description.sdp);
    if let Err(e) = JsFuture::from(inner.pc.set_remote_description(&init)).await {
        gloo::console::warn!(format!("could not apply the friend's description: {e:?}"));
        return;
    }
    if is_offer {
        inner.add_held_back_tracks();
        match set_local_description(&inner.pc).await {
            Ok(()) => send_local_description(inner),
            Err(e) => gloo::console::warn!(format!("could not answer: {e:?}")),
        }
    }
}

async fn apply_candidate(inner: &Inner, candidate: IceCandidate) {
    let init = RtcIceCandidateInit::new(&candidate.candidate);
    init.set_sdp_mid(candidate.sdp_mid.as_deref());
    init.set_sdp_m_line_index(candidate.sdp_m_line_index);
    if let Some(ufrag) = &candidate.username_fragment {
        let _ = Reflect::set(&init, &"usernameFragment".into(), &JsValue::from_str(ufrag));
    }
    let promise = inner
        .pc
        .add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init));
    let result = JsFuture::from(promise).await;
    trace!(
        "peer: remote candidate {} -> {}",
        candidate.candidate,
        result.is_ok()
    );
    if let Err(e) = result {
        // Candidates of an offer we chose to ignore are expected to fail.
        if !inner.ignore_offer.get() {
            gloo::console::warn!(format!("could not add a candidate: {e:?}"));
        }
    }
}

fn send_local_description(inner: &Inner) {
    let Some(local) = inner.pc.local_description() else {
        return;
    };
    let kind = match local.type_() {
        RtcSdpType::Offer => SdpKind::Offer,
        RtcSdpType::Answer => SdpKind::Answer,
        RtcSdpType::Pranswer => SdpKind::Pranswer,
        _ => return,
    };
    inner.emit(PeerEvent::Signal(Signal::Description {
        description: SessionDescription {
            kind,
            sdp: local.sdp(),
        },
    }));
}

/// Sums what a stats report says about incoming media, and reads the selected candidate
/// pair: its round trip and what its two ends are (direct or relayed).
fn read_stats(report: &JsValue) -> StatsSample {
    let number = |stat: &JsValue, key: &str| {
        Reflect::get(stat, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_f64())
    };
    let text = |stat: &JsValue, key: &str| {
        Reflect::get(stat, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    };
    let mut sample = StatsSample::default();
    // An RTCStatsReport is a maplike: iterating it gives [id, stat] pairs.
    let Ok(Some(entries)) = js_sys::try_iter(report) else {
        return sample;
    };
    // Pairs and candidates by id, to follow the selected pair to its two ends.
    let mut linked: HashMap<String, JsValue> = HashMap::new();
    let mut selected_pair = None;
    let mut nominated_pair = None;
    for entry in entries.flatten() {
        let stat = Reflect::get(&entry, &JsValue::from_f64(1.0)).unwrap_or(JsValue::UNDEFINED);
        sample.timestamp_ms = sample
            .timestamp_ms
            .max(number(&stat, "timestamp").unwrap_or(0.0));
        match text(&stat, "type").as_deref() {
            Some("inbound-rtp") => {
                sample.bytes_received += number(&stat, "bytesReceived").unwrap_or(0.0);
                sample.packets_received += number(&stat, "packetsReceived").unwrap_or(0.0);
                sample.packets_lost += number(&stat, "packetsLost").unwrap_or(0.0);
                if let (Some(w), Some(h)) =
                    (number(&stat, "frameWidth"), number(&stat, "frameHeight"))
                {
                    sample.frame = Some((w as u32, h as u32));
                }
            }
            // The standard way to the pair in use (Chromium)...
            Some("transport") => {
                if let Some(id) = text(&stat, "selectedCandidatePairId") {
                    selected_pair = Some(id);
                }
            }
            Some("candidate-pair") => {
                // ...and, where there is no transport stat (Firefox), the nominated pair
                // that works.
                let nominated = Reflect::get(&stat, &JsValue::from_str("nominated"))
                    .ok()
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
                if nominated && text(&stat, "state").as_deref() == Some("succeeded") {
                    nominated_pair = Some(stat.clone());
                }
                if let Some(id) = text(&stat, "id") {
                    linked.insert(id, stat);
                }
            }
            Some("local-candidate" | "remote-candidate") => {
                if let Some(id) = text(&stat, "id") {
                    linked.insert(id, stat);
                }
            }
            _ => {}
        }
    }
    let pair = selected_pair
        .and_then(|id| linked.get(&id).cloned())
        .or(nominated_pair);
    if let Some(pair) = pair {
        sample.rtt_s = number(&pair, "currentRoundTripTime");
        sample.available_outgoing_bps = number(&pair, "availableOutgoingBitrate");
        let end_type = |key: &str| {
            text(&pair, key)
                .and_then(|id| linked.get(&id))
                .and_then(|candidate| text(candidate, "candidateType"))
        };
        if let (Some(local), Some(remote)) =
            (end_type("localCandidateId"), end_type("remoteCandidateId"))
        {
            sample.path = Some(CallPath::of_pair(&local, &remote));
        }
    }
    sample
}

fn sdp_type(kind: SdpKind) -> RtcSdpType {
    match kind {
        SdpKind::Offer => RtcSdpType::Offer,
        SdpKind::Answer => RtcSdpType::Answer,
        SdpKind::Pranswer => RtcSdpType::Pranswer,
        SdpKind::Rollback => RtcSdpType::Rollback,
    }
}

/// The argument-less `setLocalDescription()`, which makes the right offer or answer for the
/// current state. web-sys only has the form with an explicit description.
async fn set_local_description(pc: &RtcPeerConnection) -> Result<(), JsValue> {
    let promise = call_method(pc, "setLocalDescription")?.dyn_into::<Promise>()?;
    JsFuture::from(promise).await.map(drop)
}

/// Calls a method web-sys does not bind (`restartIce`, argument-less `setLocalDescription`).
fn call_method(pc: &RtcPeerConnection, name: &str) -> Result<JsValue, JsValue> {
    let method = Reflect::get(pc, &JsValue::from_str(name))?.dyn_into::<Function>()?;
    method.call0(pc)
}
