//! Runs a [`Call`] against the real things: the signaling client, the peer connection,
//! the resume-token storage and timers. The only place where the call's commands meet the
//! browser; the interface sees nothing but [`SessionUpdate`]s.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo::events::EventListener;
use gloo::timers::callback::{Interval, Timeout};
use shared::{ClientMsg, RoomName, Signal};
use wasm_bindgen_futures::spawn_local;
use web_sys::{MediaStream, MediaStreamTrack};

use crate::browser::channel::{ChannelError, ChannelEvent, PeerMessage};
use crate::browser::config::Config;
use crate::browser::media::LocalMedia;
use crate::browser::peer::{Peer, PeerEvent, Spare};
use crate::browser::signaling::{Signaling, SignalingEvent};
use crate::browser::stats::{Flow, FlowWatch, Grade, Quality, StatsSample, UplinkWatch};
use crate::call::controls::MediaState;
use crate::call::device_fallback::MediaKind;
use crate::call::events::{Command, Input, PeerState};
use crate::call::machine::{Call, CONNECT_TIMEOUT_MS};
use crate::call::resume::Claim;
use crate::call::status::{CallStatus, EndReason, Notice};
use crate::call::verification::VerificationCode;

/// How often the connection's statistics are read while connected: often enough to notice a
/// stall within [`crate::browser::stats::STALL_MS`] and a half.
const STATS_INTERVAL_MS: u32 = 500;
/// The quality shown is measured over this long at least (ms): shorter windows jitter.
const QUALITY_WINDOW_MS: f64 = 1_000.0;

/// What the call view shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CallView {
    /// The status line.
    pub status: CallStatus,
    /// The friend's stream, only while the peer connection is connected.
    pub remote: Option<MediaStream>,
    /// A problem worth telling (shown as an alert), if any.
    pub notice: Option<Notice>,
    /// Whether the friend's microphone and camera are on, as they told us over the data
    /// channel; `None` until they did (or while there is no connection).
    pub friend_media: Option<MediaState>,
    /// The connection's quality, measured every second while connected.
    pub quality: Option<Quality>,
    /// The code both people should see, while connected (see [`crate::call::verification`]).
    pub verification: Option<VerificationCode>,
    /// Whether a relay server (TURN) is at hand for this call, configured or handed out with
    /// the join; `None` until the service answered the first join.
    pub relay_offered: Option<bool>,
    /// Whether this side's uplink has been too thin for video for a while ("Audio only" is
    /// worth offering).
    pub thin_uplink: bool,
}

impl CallView {
    /// The view before anything happened.
    pub fn joining() -> Self {
        Self {
            status: CallStatus::Joining,
            remote: None,
            notice: None,
            friend_media: None,
            quality: None,
            verification: None,
            relay_offered: None,
            thin_uplink: false,
        }
    }
}

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

/// A spare peer connection for `config` and the ICE servers of a join; `None` if the browser
/// will not make one now (the call then makes its own when it needs it, and says why).
fn make_spare(config: &Config, ice_servers: &[shared::IceServer]) -> Option<Spare> {
    Spare::new(&config.rtc_configuration(ice_servers))
        .map_err(|e| gloo::console::warn!(e.to_string()))
        .ok()
}

/// What a session tells the interface.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionUpdate {
    /// The call view changed.
    View(CallView),
    /// The call is over on this page.
    Ended(EndReason),
    /// The friend wrote in the chat.
    Chat(String),
    /// This side has made its first move in the call (joined alone, or sent its first offer
    /// or answer): the interface may draw what it held back so as not to slow those down.
    /// Sent once.
    Settled,
    /// The friend's media, as soon as its tracks arrive and this side's own offer or answer
    /// is out (before the connection is up), or `None` once it is gone: for the friend's
    /// video element to take at once, with nothing drawn (it shows the first frame the moment
    /// one is decoded, and stays hidden until [`CallView::remote`] is there).
    Incoming(Option<MediaStream>),
}

struct Inner {
    call: RefCell<Call>,
    media: LocalMedia,
    config: Rc<Config>,
    signaling: RefCell<Option<Signaling>>,
    /// The resume token this tab holds in the room, once chosen.
    claim: RefCell<Option<Claim>>,
    /// The current peer connection and its generation (events of older ones are ignored).
    peer: RefCell<Option<(u32, Peer)>>,
    peer_generation: Cell<u32>,
    /// Whether the current peer connection has sent its first description (offer or answer).
    described: Cell<bool>,
    /// Whether [`SessionUpdate::Settled`] went out.
    settled: Cell<bool>,
    /// The last [`SessionUpdate::Incoming`].
    incoming: RefCell<Option<MediaStream>>,
    /// A peer connection made while nothing else was going on, for the next one to be.
    spare: RefCell<Option<Spare>>,
    connect_timer: RefCell<Option<Timeout>>,
    /// Joins again after `too_many_joins`.
    join_timer: RefCell<Option<Timeout>>,
    queue: RefCell<VecDeque<Input>>,
    busy: Cell<bool>,
    last_view: RefCell<Option<CallView>>,
    /// What the friend last said about their microphone and camera.
    friend_media: Cell<Option<MediaState>>,
    /// The stats sample the next quality is measured from, and the quality since.
    last_sample: Cell<Option<StatsSample>>,
    quality: Cell<Option<Quality>>,
    /// Whether the friend's media arrives.
    flow: Cell<FlowWatch>,
    /// The friend's uplink as they told it, and ours as we last told it.
    friend_uplink: Cell<Option<Grade>>,
    told_uplink: Cell<Option<Grade>>,
    /// How long our uplink has been poor, and whether that makes it thin.
    uplink_watch: Cell<UplinkWatch>,
    thin_uplink: Cell<bool>,
    /// "Audio only": the video is not sent (the camera itself stays on).
    audio_only: Cell<bool>,
    /// A shared screen sent instead of the camera (kept for new connections too).
    screen: RefCell<Option<MediaStreamTrack>>,
    /// The denoised microphone ("Strong noise suppression") sent instead of the microphone's
    /// own track (kept for new connections too).
    sent_audio: RefCell<Option<MediaStreamTrack>>,
    ended: RefCell<Option<EndReason>>,
    on_update: Box<dyn Fn(SessionUpdate)>,
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

/// Hangs up: tells the friend, peer to peer and through the service, and closes both
/// connections. The peer-to-peer goodbye goes first: a page being torn down may lose the
/// other (see [`PeerMessage::Bye`]), and it is sent before its own connection closes.
fn say_goodbye(inner: &Inner) {
    if let Some((_, peer)) = inner.peer.borrow().as_ref() {
        // Not open (not connected yet): the service's word is all the friend gets.
        let _ = peer.send(&PeerMessage::Bye);
    }
    if let Some(signaling) = inner.signaling.borrow().as_ref() {
        signaling.hang_up();
    }
    inner.peer.borrow_mut().take();
}

/// Joins `room` with the token of `claim`: now if the connection is open, else when it opens.
fn begin(inner: &Rc<Inner>, room: RoomName, claim: Claim) {
    *inner.call.borrow_mut() = Call::new(room, claim.token());
    *inner.claim.borrow_mut() = Some(claim);
    let weak = Rc::downgrade(inner);
    let open = inner.signaling.borrow().as_ref().is_some_and(|signaling| {
        signaling.attach(move |event| {
            let input = match event {
                SignalingEvent::Open => Input::SignalingOpen,
                SignalingEvent::Message(msg) => Input::Server(msg),
                SignalingEvent::Lost => Input::SignalingLost,
            };
            dispatch(&weak, input);
        })
    });
    if open {
        dispatch(&Rc::downgrade(inner), Input::SignalingOpen);
    }
}

/// What this side's microphone and camera are now: the truth is in the tracks, not in what
/// the interface last asked for.
fn track_state(inner: &Inner) -> MediaState {
    MediaState {
        mic: inner.media.is_enabled(MediaKind::Audio),
        camera: inner.media.is_enabled(MediaKind::Video),
    }
}

/// Tells the friend about `state`, a shared screen counting as a picture and "Audio only"
/// as a camera off.
fn media_message(inner: &Inner, state: MediaState) -> PeerMessage {
    let sent = state.as_sent(inner.screen.borrow().is_some());
    PeerMessage::Media {
        mic: sent.mic,
        camera: sent.camera && !inner.audio_only.get(),
    }
}

/// Sends the video or not, as "Audio only" says.
fn apply_audio_only(inner: &Inner) {
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
fn forget_measurements(inner: &Inner) {
    inner.last_sample.set(None);
    inner.quality.set(None);
    inner.flow.set(FlowWatch::default());
    inner.friend_uplink.set(None);
    inner.told_uplink.set(None);
    inner.uplink_watch.set(UplinkWatch::default());
    inner.thin_uplink.set(false);
}

fn replace_track(inner: &Inner, track: &MediaStreamTrack) {
    if let Some((_, peer)) = inner.peer.borrow().as_ref() {
        let replaced = peer.replace_track(track);
        spawn_local(async move {
            if let Err(e) = replaced.await {
                gloo::console::warn!(format!("replaceTrack failed: {e}"));
            }
        });
    }
}

/// Feeds one input to the call and carries out its commands. Inputs that arrive while
/// commands run (none should, but a browser may surprise) wait in the queue, so the call is
/// never borrowed twice.
fn dispatch(weak: &Weak<Inner>, input: Input) {
    let Some(inner) = weak.upgrade() else { return };
    inner.queue.borrow_mut().push_back(input);
    if inner.busy.replace(true) {
        return;
    }
    loop {
        let next = inner.queue.borrow_mut().pop_front();
        let Some(input) = next else { break };
        let commands = inner.call.borrow_mut().handle(input);
        for command in commands {
            run(&inner, command);
        }
    }
    inner.busy.set(false);
    publish(&inner);
    restock(&inner);
}

/// Alone in the room, makes the spare peer connection the friend's arrival will use.
fn restock(inner: &Inner) {
    let alone = matches!(
        inner.call.borrow().status(),
        CallStatus::WaitingForFriend | CallStatus::FriendLeft | CallStatus::FriendDropped
    );
    if alone && inner.peer.borrow().is_none() && inner.spare.borrow().is_none() {
        let spare = make_spare(&inner.config, inner.call.borrow().ice_servers());
        *inner.spare.borrow_mut() = spare;
    }
}

fn run(inner: &Rc<Inner>, command: Command) {
    match command {
        Command::Send(msg) => {
            if let ClientMsg::Signal {
                signal: Signal::Description { .. },
            } = &msg
            {
                inner.described.set(true);
            }
            if let Some(signaling) = inner.signaling.borrow().as_ref() {
                if let Err(e) = signaling.send(&msg) {
                    gloo::console::warn!(format!("not sent: {e}"));
                }
            }
        }
        Command::SaveToken(token) => {
            if let Some(claim) = inner.claim.borrow_mut().as_mut() {
                claim.keep(token);
            }
        }
        Command::ForgetToken => {
            if let Some(claim) = inner.claim.borrow_mut().as_mut() {
                claim.forget();
            }
        }
        Command::CreatePeer(role, opening) => {
            inner.peer.borrow_mut().take();
            inner.described.set(false);
            inner.friend_media.set(None);
            forget_measurements(inner);
            let generation = inner.peer_generation.get().wrapping_add(1);
            inner.peer_generation.set(generation);
            let weak = Rc::downgrade(inner);
            let rtc_configuration = inner
                .config
                .rtc_configuration(inner.call.borrow().ice_servers());
            // A shared screen and a denoised microphone go on being sent over a new
            // connection.
            let screen = inner.screen.borrow().clone();
            let sent_audio = inner.sent_audio.borrow().clone();
            let tracks: Vec<MediaStreamTrack> = inner
                .media
                .tracks()
                .into_iter()
                .map(|t| match (&screen, &sent_audio) {
                    (Some(screen), _) if t.kind() == screen.kind() => Clone::clone(screen),
                    (_, Some(audio)) if t.kind() == audio.kind() => Clone::clone(audio),
                    _ => t,
                })
                .collect();
            let made = Peer::new(
                &rtc_configuration,
                inner.spare.borrow_mut().take(),
                role,
                opening,
                inner.media.stream(),
                &tracks,
                move |event| on_peer_event(&weak, generation, event),
            );
            match made {
                Ok(peer) => *inner.peer.borrow_mut() = Some((generation, peer)),
                Err(e) => gloo::console::error!(e.to_string()),
            }
        }
        Command::UpdateIceServers(servers) => {
            if let Some((_, peer)) = inner.peer.borrow().as_ref() {
                peer.set_configuration(&inner.config.rtc_configuration(&servers));
            }
        }
        Command::ClosePeer => {
            inner.peer.borrow_mut().take();
            inner.friend_media.set(None);
            forget_measurements(inner);
            inner.connect_timer.borrow_mut().take();
        }
        Command::ToPeer(signal) => {
            if let Some((_, peer)) = inner.peer.borrow().as_ref() {
                peer.handle_signal(signal);
            }
        }
        Command::SetRole(role) => {
            if let Some((_, peer)) = inner.peer.borrow().as_ref() {
                peer.set_role(role);
            }
        }
        Command::RestartIce => {
            if let Some((_, peer)) = inner.peer.borrow().as_ref() {
                peer.restart_ice();
            }
        }
        Command::StartConnectTimer(generation) => {
            let weak = Rc::downgrade(inner);
            // Jitter, so that two stuck sides do not both rejoin at the same instant.
            let jitter = (js_sys::Math::random() * 2000.0) as u32;
            *inner.connect_timer.borrow_mut() =
                Some(Timeout::new(CONNECT_TIMEOUT_MS + jitter, move || {
                    dispatch(&weak, Input::ConnectTimeout(generation));
                }));
        }
        Command::RefreshSignaling => {
            if let Some(signaling) = inner.signaling.borrow().as_ref() {
                signaling.refresh();
            }
        }
        Command::StartJoinRetryTimer(ms) => {
            let weak = Rc::downgrade(inner);
            *inner.join_timer.borrow_mut() = Some(Timeout::new(ms, move || {
                dispatch(&weak, Input::RetryJoin);
            }));
        }
        Command::Reconnect => {
            if let Some(signaling) = inner.signaling.borrow().as_ref() {
                signaling.reconnect_now();
            }
        }
        Command::End(reason) => {
            if let Some(signaling) = inner.signaling.borrow().as_ref() {
                signaling.stop();
            }
            inner.peer.borrow_mut().take();
            inner.connect_timer.borrow_mut().take();
            inner.join_timer.borrow_mut().take();
            *inner.ended.borrow_mut() = Some(reason);
        }
    }
}

fn on_peer_event(weak: &Weak<Inner>, generation: u32, event: PeerEvent) {
    let Some(inner) = weak.upgrade() else { return };
    let current = inner.peer.borrow().as_ref().map(|(g, _)| *g);
    if current != Some(generation) {
        return; // From a connection already replaced.
    }
    match event {
        PeerEvent::Signal(signal) => dispatch(weak, Input::PeerSignal(signal)),
        PeerEvent::State(state) => {
            // A connection made while "Audio only" is on starts sending video: stop it.
            if state == PeerState::Connected && inner.audio_only.get() {
                apply_audio_only(&inner);
            }
            dispatch(weak, Input::PeerState(state));
        }
        PeerEvent::RemoteStream(_) => {
            if !inner.busy.get() {
                publish(&inner);
            }
        }
        PeerEvent::Channel(ChannelEvent::Open) => {
            if let Some((_, peer)) = inner.peer.borrow().as_ref() {
                let _ = peer.send(&media_message(&inner, track_state(&inner)));
            }
            // The uplink's grade goes out with the next measurement.
            inner.told_uplink.set(None);
        }
        PeerEvent::Channel(ChannelEvent::Message(PeerMessage::Uplink { grade })) => {
            inner.friend_uplink.set(Some(grade));
            if let Some(mut quality) = inner.quality.get() {
                quality.friend_uplink = Some(grade);
                inner.quality.set(Some(quality));
            }
            if !inner.busy.get() {
                publish(&inner);
            }
        }
        PeerEvent::Channel(ChannelEvent::Message(PeerMessage::Media { mic, camera })) => {
            inner.friend_media.set(Some(MediaState { mic, camera }));
            if !inner.busy.get() {
                publish(&inner);
            }
        }
        PeerEvent::Channel(ChannelEvent::Message(PeerMessage::Chat { text })) => {
            (inner.on_update)(SessionUpdate::Chat(text));
        }
        PeerEvent::Channel(ChannelEvent::Message(PeerMessage::Bye)) => {
            dispatch(weak, Input::FriendSaidBye);
        }
    }
}

/// Takes a stats sample of the current connection, while the friend's video is shown.
fn measure(weak: &Weak<Inner>) {
    let Some(inner) = weak.upgrade() else { return };
    if !inner.call.borrow().shows_remote() {
        return;
    }
    let Some((generation, future)) = inner
        .peer
        .borrow()
        .as_ref()
        .map(|(generation, peer)| (*generation, peer.stats()))
    else {
        return;
    };
    let weak = weak.clone();
    spawn_local(async move {
        let Ok(sample) = future.await else { return };
        let Some(inner) = weak.upgrade() else { return };
        if inner.peer.borrow().as_ref().map(|(g, _)| *g) != Some(generation) {
            return; // The connection was replaced meanwhile.
        }
        let mut flow = inner.flow.get();
        let change = flow.observe(&sample);
        inner.flow.set(flow);
        match change {
            Some(Flow::Stalled) => dispatch(&weak, Input::MediaStalled),
            Some(Flow::Flowing) => dispatch(&weak, Input::MediaFlowing),
            None => {}
        }
        let Some(earlier) = inner.last_sample.get() else {
            inner.last_sample.set(Some(sample));
            return;
        };
        if sample.timestamp_ms - earlier.timestamp_ms < QUALITY_WINDOW_MS {
            return;
        }
        inner.last_sample.set(Some(sample));
        if let Some(quality) = Quality::between(&earlier, &sample) {
            take_quality(&inner, quality, sample.timestamp_ms);
        }
    });
}

/// Keeps a new quality measurement (measured until `at_ms`): whether the uplink is thin, the
/// friend told of our uplink when its grade changed, the interface told.
fn take_quality(inner: &Inner, mut quality: Quality, at_ms: f64) {
    quality.friend_uplink = inner.friend_uplink.get();
    let uplink = quality.uplink_grade();
    let mut watch = inner.uplink_watch.get();
    inner.thin_uplink.set(watch.observe(at_ms, uplink));
    inner.uplink_watch.set(watch);
    if let Some(grade) = uplink.filter(|_| uplink != inner.told_uplink.get()) {
        let told = inner
            .peer
            .borrow()
            .as_ref()
            .is_some_and(|(_, peer)| peer.send(&PeerMessage::Uplink { grade }).is_ok());
        if told {
            inner.told_uplink.set(uplink);
        }
    }
    inner.quality.set(Some(quality));
    if !inner.busy.get() {
        publish(inner);
    }
}

/// Tells the interface what changed, if anything did.
fn publish(inner: &Inner) {
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
