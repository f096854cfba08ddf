//! The connection's state shared with its event handlers, and the steps of perfect
//! negotiation: making an offer, applying the friend's descriptions and candidates strictly in
//! order, sending this side's.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use js_sys::{Function, Promise, Reflect};
use shared::{IceCandidate, SdpKind, SessionDescription, Signal};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MediaStream, MediaStreamTrack, RtcIceCandidateInit, RtcPeerConnection, RtcSdpType,
    RtcSessionDescriptionInit, RtcSignalingState,
};

use crate::browser::channel::{ChannelEvent, DataChannel};
use crate::browser::file_channel::Announced;
use crate::call::events::PeerState;

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
    /// The friend opened a channel for a file's bytes.
    FileChannel(Announced),
}

pub(super) struct Inner {
    pub(super) pc: RtcPeerConnection,
    pub(super) polite: Cell<bool>,
    pub(super) making_offer: Cell<bool>,
    pub(super) ignore_offer: Cell<bool>,
    pub(super) incoming: RefCell<VecDeque<Signal>>,
    pub(super) draining: Cell<bool>,
    pub(super) remote: RefCell<Option<MediaStream>>,
    /// Local tracks not added yet (a fresh polite connection), with their stream.
    pub(super) held_back: RefCell<Option<(MediaStream, Vec<MediaStreamTrack>)>>,
    pub(super) held_back_timer: RefCell<Option<Timeout>>,
    /// The pre-agreed data channel, made together with the local tracks.
    pub(super) channel: RefCell<Option<DataChannel>>,
    pub(super) closed: Cell<bool>,
    pub(super) on_event: Box<dyn Fn(PeerEvent)>,
}

impl Inner {
    pub(super) fn emit(&self, event: PeerEvent) {
        if !self.closed.get() {
            (self.on_event)(event);
        }
    }

    /// Adds the held-back local tracks and the data channel, if not done yet. Right after a
    /// remote offer is set, `addTrack` takes over the offer's receive-only transceivers, and
    /// the channel the friend's offer already negotiated, so the answer carries them: no
    /// second negotiation, hence no collision on a fresh polite connection.
    pub(super) fn add_held_back_tracks(self: &Rc<Self>) {
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

/// `negotiationneeded`: make an offer with the implicit `setLocalDescription()` and send it.
pub(super) async fn make_offer(inner: Rc<Inner>) {
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
pub(super) async fn drain(inner: Rc<Inner>) {
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

pub(super) async fn apply_description(inner: &Rc<Inner>, description: SessionDescription) {
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

pub(super) async fn apply_candidate(inner: &Inner, candidate: IceCandidate) {
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

pub(super) fn send_local_description(inner: &Inner) {
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

pub(super) fn sdp_type(kind: SdpKind) -> RtcSdpType {
    match kind {
        SdpKind::Offer => RtcSdpType::Offer,
        SdpKind::Answer => RtcSdpType::Answer,
        SdpKind::Pranswer => RtcSdpType::Pranswer,
        SdpKind::Rollback => RtcSdpType::Rollback,
    }
}

/// The argument-less `setLocalDescription()`, which makes the right offer or answer for the
/// current state. web-sys only has the form with an explicit description.
pub(super) async fn set_local_description(pc: &RtcPeerConnection) -> Result<(), JsValue> {
    let promise = call_method(pc, "setLocalDescription")?.dyn_into::<Promise>()?;
    JsFuture::from(promise).await.map(drop)
}

/// Calls a method web-sys does not bind (`restartIce`, argument-less `setLocalDescription`).
pub(super) fn call_method(pc: &RtcPeerConnection, name: &str) -> Result<JsValue, JsValue> {
    let method = Reflect::get(pc, &JsValue::from_str(name))?.dyn_into::<Function>()?;
    method.call0(pc)
}
