//! What a running session keeps, and the small steps every part of it takes: the tracks'
//! state, what to tell the friend, telling the interface what changed.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen_futures::spawn_local;
use web_sys::{MediaStream, MediaStreamTrack};

use super::transfers::Files;
use super::view::{CallView, SessionUpdate};
use crate::browser::channel::PeerMessage;
use crate::browser::config::Config;
use crate::browser::media::LocalMedia;
use crate::browser::peer::{Peer, Spare};
use crate::browser::signaling::Signaling;
use crate::browser::stats::{FlowWatch, Grade, Quality, StatsSample, UplinkWatch};
use crate::call::controls::MediaState;
use crate::call::device_fallback::MediaKind;
use crate::call::events::Input;
use crate::call::machine::Call;
use crate::call::resume::Claim;
use crate::call::status::{CallStatus, EndReason};

pub(super) struct Inner {
    pub(super) call: RefCell<Call>,
    pub(super) media: LocalMedia,
    pub(super) config: Rc<Config>,
    pub(super) signaling: RefCell<Option<Signaling>>,
    /// The resume token this tab holds in the room, once chosen.
    pub(super) claim: RefCell<Option<Claim>>,
    /// The current peer connection and its generation (events of older ones are ignored).
    pub(super) peer: RefCell<Option<(u32, Peer)>>,
    pub(super) peer_generation: Cell<u32>,
    /// Whether the current peer connection has sent its first description (offer or answer).
    pub(super) described: Cell<bool>,
    /// Whether [`SessionUpdate::Settled`] went out.
    pub(super) settled: Cell<bool>,
    /// The last [`SessionUpdate::Incoming`].
    pub(super) incoming: RefCell<Option<MediaStream>>,
    /// A peer connection made while nothing else was going on, for the next one to be.
    pub(super) spare: RefCell<Option<Spare>>,
    pub(super) connect_timer: RefCell<Option<Timeout>>,
    /// Joins again after `too_many_joins`.
    pub(super) join_timer: RefCell<Option<Timeout>>,
    pub(super) queue: RefCell<VecDeque<Input>>,
    pub(super) busy: Cell<bool>,
    pub(super) last_view: RefCell<Option<CallView>>,
    /// What the friend last said about their microphone and camera.
    pub(super) friend_media: Cell<Option<MediaState>>,
    /// The stats sample the next quality is measured from, and the quality since.
    pub(super) last_sample: Cell<Option<StatsSample>>,
    pub(super) quality: Cell<Option<Quality>>,
    /// Whether the friend's media arrives.
    pub(super) flow: Cell<FlowWatch>,
    /// The friend's uplink as they told it, and ours as we last told it.
    pub(super) friend_uplink: Cell<Option<Grade>>,
    pub(super) told_uplink: Cell<Option<Grade>>,
    /// How long our uplink has been poor, and whether that makes it thin.
    pub(super) uplink_watch: Cell<UplinkWatch>,
    pub(super) thin_uplink: Cell<bool>,
    /// "Audio only": the video is not sent (the camera itself stays on).
    pub(super) audio_only: Cell<bool>,
    /// A shared screen sent instead of the camera (kept for new connections too).
    pub(super) screen: RefCell<Option<MediaStreamTrack>>,
    /// The denoised microphone ("Strong noise suppression") sent instead of the microphone's
    /// own track (kept for new connections too).
    pub(super) sent_audio: RefCell<Option<MediaStreamTrack>>,
    pub(super) ended: RefCell<Option<EndReason>>,
    /// Files sent to the friend and received from them in this call.
    pub(super) files: Files,
    pub(super) on_update: Box<dyn Fn(SessionUpdate)>,
}

/// A spare peer connection for `config` and the ICE servers of a join; `None` if the browser
/// will not make one now (the call then makes its own when it needs it, and says why).
pub(super) fn make_spare(config: &Config, ice_servers: &[shared::IceServer]) -> Option<Spare> {
    Spare::new(&config.rtc_configuration(ice_servers))
        .map_err(|e| gloo::console::warn!(e.to_string()))
        .ok()
}

/// Hangs up: tells the friend, peer to peer and through the service, and closes both
/// connections. The peer-to-peer goodbye goes first: a page being torn down may lose the
/// other (see [`PeerMessage::Bye`]), and it is sent before its own connection closes.
pub(super) fn say_goodbye(inner: &Inner) {
    if let Some((_, peer)) = inner.peer.borrow().as_ref() {
        // Not open (not connected yet): the service's word is all the friend gets.
        let _ = peer.send(&PeerMessage::Bye);
    }
    if let Some(signaling) = inner.signaling.borrow().as_ref() {
        signaling.hang_up();
    }
    inner.peer.borrow_mut().take();
}

/// What this side's microphone and camera are now: the truth is in the tracks, not in what
/// the interface last asked for.
pub(super) fn track_state(inner: &Inner) -> MediaState {
    MediaState {
        mic: inner.media.is_enabled(MediaKind::Audio),
        camera: inner.media.is_enabled(MediaKind::Video),
    }
}

/// Tells the friend about `state`, a shared screen counting as a picture and "Audio only"
/// as a camera off.
pub(super) fn media_message(inner: &Inner, state: MediaState) -> PeerMessage {
    let sent = state.as_sent(inner.screen.borrow().is_some());
    PeerMessage::Media {
        mic: sent.mic,
        camera: sent.camera && !inner.audio_only.get(),
    }
}

/// Sends the video or not, as "Audio only" says.
pub(super) fn apply_audio_only(inner: &Inner) {
    if let Some((_, peer)) = inner.peer.borrow().as_ref() {
        let set = peer.set_video_sending(!inner.audio_only.get());
        spawn_local(async move {
            if let Err(e) = set.await {
                gloo::console::warn!(format!("could not switch the video: {e}"));
            }
        });
    }
}

/// Forgets what was measured on the connection being replaced.
pub(super) fn forget_measurements(inner: &Inner) {
    inner.last_sample.set(None);
    inner.quality.set(None);
    inner.flow.set(FlowWatch::default());
    inner.friend_uplink.set(None);
    inner.told_uplink.set(None);
    inner.uplink_watch.set(UplinkWatch::default());
    inner.thin_uplink.set(false);
}

pub(super) fn replace_track(inner: &Inner, track: &MediaStreamTrack) {
    if let Some((_, peer)) = inner.peer.borrow().as_ref() {
        let replaced = peer.replace_track(track);
        spawn_local(async move {
            if let Err(e) = replaced.await {
                gloo::console::warn!(format!("replaceTrack failed: {e}"));
            }
        });
    }
}

/// Tells the interface what changed, if anything did.
pub(super) fn publish(inner: &Inner) {
    if let Some(reason) = inner.ended.borrow_mut().take() {
        (inner.on_update)(SessionUpdate::Ended(reason));
        return;
    }
    let view = {
        let call = inner.call.borrow();
        if call.is_ended() {
            return;
        }
        let remote = inner
            .peer
            .borrow()
            .as_ref()
            .and_then(|(_, peer)| peer.remote_stream())
            .filter(|_| call.shows_remote());
        let friend_media = remote.as_ref().and(inner.friend_media.get());
        let quality = remote.as_ref().and(inner.quality.get());
        let thin_uplink = remote.is_some() && inner.thin_uplink.get();
        let verification = remote.as_ref().and_then(|_| {
            inner
                .peer
                .borrow()
                .as_ref()
                .and_then(|(_, peer)| peer.verification_code())
        });
        let relay_offered = call
            .has_joined()
            .then(|| inner.config.has_relay(call.ice_servers()));
        CallView {
            status: call.status(),
            remote,
            notice: call.notice().cloned(),
            friend_media,
            quality,
            verification,
            relay_offered,
            thin_uplink,
        }
    };
    let changed = inner.last_view.borrow().as_ref() != Some(&view);
    if changed {
        *inner.last_view.borrow_mut() = Some(view.clone());
        (inner.on_update)(SessionUpdate::View(view));
    }
    let setting_up = match inner.call.borrow().status() {
        CallStatus::Joining => true,
        CallStatus::Connecting => !inner.described.get(),
        _ => false,
    };
    if !setting_up && !inner.settled.replace(true) {
        (inner.on_update)(SessionUpdate::Settled);
    }
    // Not before this side's own offer or answer is out: the friend's stream can wait that
    // long (no frame comes before the connection), the answer should not.
    let incoming = inner
        .peer
        .borrow()
        .as_ref()
        .and_then(|(_, peer)| peer.remote_stream())
        .filter(|_| !setting_up);
    let changed = *inner.incoming.borrow() != incoming;
    if changed {
        *inner.incoming.borrow_mut() = incoming.clone();
        (inner.on_update)(SessionUpdate::Incoming(incoming));
    }
}
