//! Runs a [`Call`] against the real things: the signaling client, the peer connection,
//! the resume-token storage and timers. The only place where the call's commands meet the
//! browser; the interface sees nothing but [`SessionUpdate`]s.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Interval;
use shared::RoomName;
use wasm_bindgen_futures::spawn_local;
use web_sys::MediaStreamTrack;

use crate::browser::channel::{ChannelError, PeerMessage};
use crate::browser::config::Config;
use crate::browser::files::PickedFile;
use crate::browser::media::LocalMedia;
use crate::browser::peer::Spare;
use crate::browser::signaling::Signaling;
use crate::browser::stats::{FlowWatch, UplinkWatch};
use crate::call::controls::MediaState;
use crate::call::device_fallback::MediaKind;
use crate::call::machine::Call;
use crate::call::resume::Claim;
use crate::call::transfer::Direction;

mod driver;
mod files;
mod state;
mod transfers;
mod view;

pub use files::FileRefusal;
pub use view::{CallView, FileView, SessionUpdate};

use driver::{begin, measure};
use state::{
    apply_audio_only, make_spare, media_message, replace_track, say_goodbye, track_state, Inner,
};

/// How often the connection's statistics are read while connected: often enough to notice a
/// stall within [`crate::browser::stats::STALL_MS`] and a half.
const STATS_INTERVAL_MS: u32 = 500;

/// What a call needs, made before it starts (while the person types the room's name), so
/// that Join costs neither a connection to the service nor making a peer connection.
pub struct Warm {
    signaling: Signaling,
    spare: Option<Spare>,
}

impl Warm {
    /// Dials the service and makes a spare peer connection.
    pub fn start(config: &Config) -> Self {
        Self {
            signaling: Signaling::preconnect(config.signaling_url()),
            spare: make_spare(config, &[]),
        }
    }
}

/// A call in progress. Dropping it hangs up: the WebSocket and the peer connection close.
pub struct Session {
    inner: Rc<Inner>,
    /// Measures the connection's quality.
    _stats: Interval,
    /// Says goodbye when the page goes away (tab closed, reload, navigation).
    _on_page_hide: Option<EventListener>,
}

impl Session {
    /// Joins `room` and keeps the call going until dropped. `warm` is what was made for it
    /// beforehand ([`Warm::start`]); without it, it dials now.
    pub fn start(
        room: RoomName,
        media: LocalMedia,
        config: Rc<Config>,
        warm: Option<Warm>,
        on_update: impl Fn(SessionUpdate) + 'static,
    ) -> Self {
        // Without a warm connection, dialled at once: it opens while the token is chosen.
        let (signaling, spare) = match warm {
            Some(Warm { signaling, spare }) => (signaling, spare),
            None => (Signaling::preconnect(config.signaling_url()), None),
        };
        let inner = Rc::new(Inner {
            // Joins only once the resume token is chosen (below).
            call: RefCell::new(Call::new(room.clone(), None)),
            media,
            config,
            signaling: RefCell::new(Some(signaling)),
            claim: RefCell::new(None),
            peer: RefCell::new(None),
            peer_generation: Cell::new(0),
            described: Cell::new(false),
            settled: Cell::new(false),
            incoming: RefCell::new(None),
            spare: RefCell::new(spare),
            connect_timer: RefCell::new(None),
            join_timer: RefCell::new(None),
            queue: RefCell::new(VecDeque::new()),
            busy: Cell::new(false),
            last_view: RefCell::new(None),
            friend_media: Cell::new(None),
            last_sample: Cell::new(None),
            quality: Cell::new(None),
            flow: Cell::new(FlowWatch::default()),
            friend_uplink: Cell::new(None),
            told_uplink: Cell::new(None),
            uplink_watch: Cell::new(UplinkWatch::default()),
            thin_uplink: Cell::new(false),
            audio_only: Cell::new(false),
            screen: RefCell::new(None),
            sent_audio: RefCell::new(None),
            ended: RefCell::new(None),
            files: transfers::Files::default(),
            on_update: Box::new(on_update),
        });
        match Claim::ready(room.key()) {
            // Nothing to ask the browser: join now (at once, if the connection is open).
            Some(claim) => begin(&inner, room, claim),
            None => {
                let weak = Rc::downgrade(&inner);
                spawn_local(async move {
                    // Choosing asks the browser which tokens other tabs hold: a moment,
                    // before the join.
                    let claim = Claim::choose(room.key().clone()).await;
                    if let Some(inner) = weak.upgrade() {
                        begin(&inner, room, claim);
                    }
                });
            }
        }
        let weak = Rc::downgrade(&inner);
        let on_page_hide = web_sys::window().map(|window| {
            EventListener::new(&window, "pagehide", move |_| {
                if let Some(inner) = weak.upgrade() {
                    say_goodbye(&inner);
                }
            })
        });
        let weak = Rc::downgrade(&inner);
        let stats = Interval::new(STATS_INTERVAL_MS, move || measure(&weak));
        Self {
            inner,
            _stats: stats,
            _on_page_hide: on_page_hide,
        }
    }
}

impl Session {
    /// Tells the friend whether this side's microphone and camera are on, a shared screen
    /// counting as a picture (quietly does nothing while the data channel is not open: it
    /// says so itself when it opens).
    pub fn send_media_state(&self, state: MediaState) {
        let _ = self.send(&media_message(&self.inner, state));
    }

    /// Sends a chat message to the friend, peer to peer.
    pub fn send_chat(&self, text: &str) -> Result<(), ChannelError> {
        self.send(&PeerMessage::Chat {
            text: text.to_owned(),
        })
    }

    /// Offers `file` to the friend; it goes peer to peer, over a channel of its own, once
    /// they accept. Refused at once when it is over the configured limit.
    pub fn send_file(&self, file: PickedFile) -> Result<(), FileRefusal> {
        files::send_file(&self.inner, file)
    }

    /// Stops the file transfer `id` going `direction`, on both sides.
    pub fn cancel_file(&self, direction: Direction, id: u32) {
        files::cancel(&self.inner, direction, id);
    }

    fn send(&self, message: &PeerMessage) -> Result<(), ChannelError> {
        match self.inner.peer.borrow().as_ref() {
            Some((_, peer)) => peer.send(message),
            None => Err(ChannelError::NotOpen),
        }
    }

    /// Sends `track` (another camera or microphone) instead of the current one of its kind,
    /// without renegotiating. A new camera waits while a screen is shared.
    pub fn send_track(&self, track: &MediaStreamTrack) {
        if track.kind() == MediaKind::Video.as_str() && self.inner.screen.borrow().is_some() {
            return;
        }
        // A denoised microphone goes on being sent: its suppressor now listens to this one.
        if track.kind() == MediaKind::Audio.as_str() && self.inner.sent_audio.borrow().is_some() {
            return;
        }
        replace_track(&self.inner, track);
    }

    /// Sends `denoised` (the suppressor's track) instead of the microphone, or (`None`) the
    /// microphone again; resolves once the connection sends it, so that the caller can stop
    /// the track it replaced without a gap.
    pub fn set_sent_audio(
        &self,
        denoised: Option<MediaStreamTrack>,
    ) -> impl std::future::Future<Output = ()> {
        let track = denoised
            .clone()
            .or_else(|| self.inner.media.track(MediaKind::Audio));
        *self.inner.sent_audio.borrow_mut() = denoised;
        let replaced = track.and_then(|track| {
            self.inner
                .peer
                .borrow()
                .as_ref()
                .map(|(_, peer)| peer.replace_track(&track))
        });
        async move {
            if let Some(replaced) = replaced {
                if let Err(e) = replaced.await {
                    gloo::console::warn!(format!("replaceTrack failed: {e}"));
                }
            }
        }
    }

    /// Sends a shared screen instead of the camera, or (`None`) the camera again.
    pub fn set_screen(&self, screen: Option<MediaStreamTrack>) {
        let track = screen
            .clone()
            .or_else(|| self.inner.media.track(MediaKind::Video));
        *self.inner.screen.borrow_mut() = screen;
        if let Some(track) = track {
            replace_track(&self.inner, &track);
        }
        // A screen is a picture even with the camera off; the camera's own state is back once
        // the share ends.
        if let Some((_, peer)) = self.inner.peer.borrow().as_ref() {
            let _ = peer.send(&media_message(&self.inner, track_state(&self.inner)));
        }
    }

    /// Stops sending video ("Audio only", for a thin uplink), or sends it again; the friend
    /// is told, as for a camera turned off.
    pub fn set_audio_only(&self, on: bool, state: MediaState) {
        self.inner.audio_only.set(on);
        apply_audio_only(&self.inner);
        self.send_media_state(state);
    }

    /// Leaves the room on purpose: the service tells the friend that this side hung up
    /// (`peer_left` with `hung_up`), and the peer connection closes. Drop the session next.
    pub fn hang_up(&self) {
        say_goodbye(&self.inner);
    }
}
