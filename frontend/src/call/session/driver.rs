//! The session's engine: feeds inputs to the call's state machine and carries out its
//! commands against the signaling client and the peer connection; measures the connection.

use std::rc::{Rc, Weak};

use gloo::timers::callback::Timeout;
use shared::{ClientMsg, RoomName, Signal};
use wasm_bindgen_futures::spawn_local;
use web_sys::MediaStreamTrack;

use super::files;
use super::state::{
    apply_audio_only, forget_measurements, make_spare, media_message, publish, track_state, Inner,
};
use super::view::SessionUpdate;
use crate::browser::channel::{ChannelEvent, PeerMessage};
use crate::browser::peer::{Peer, PeerEvent};
use crate::browser::signaling::SignalingEvent;
use crate::browser::stats::{Flow, Quality};
use crate::call::controls::MediaState;
use crate::call::events::{Command, Input, PeerState};
use crate::call::machine::{Call, CONNECT_TIMEOUT_MS};
use crate::call::resume::Claim;
use crate::call::status::CallStatus;

/// The quality shown is measured over this long at least (ms): shorter windows jitter.
pub(super) const QUALITY_WINDOW_MS: f64 = 1_000.0;

/// Joins `room` with the token of `claim`: now if the connection is open, else when it opens.
pub(super) fn begin(inner: &Rc<Inner>, room: RoomName, claim: Claim) {
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

/// Feeds one input to the call and carries out its commands. Inputs that arrive while
/// commands run (none should, but a browser may surprise) wait in the queue, so the call is
/// never borrowed twice.
pub(super) fn dispatch(weak: &Weak<Inner>, input: Input) {
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
pub(super) fn restock(inner: &Inner) {
    let alone = matches!(
        inner.call.borrow().status(),
        CallStatus::WaitingForFriend | CallStatus::FriendLeft | CallStatus::FriendDropped
    );
    if alone && inner.peer.borrow().is_none() && inner.spare.borrow().is_none() {
        let spare = make_spare(&inner.config, inner.call.borrow().ice_servers());
        *inner.spare.borrow_mut() = spare;
    }
}

pub(super) fn run(inner: &Rc<Inner>, command: Command) {
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
            files::connection_gone(inner);
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
            files::connection_gone(inner);
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
            files::connection_gone(inner);
            inner.peer.borrow_mut().take();
            inner.connect_timer.borrow_mut().take();
            inner.join_timer.borrow_mut().take();
            *inner.ended.borrow_mut() = Some(reason);
        }
    }
}

pub(super) fn on_peer_event(weak: &Weak<Inner>, generation: u32, event: PeerEvent) {
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
        PeerEvent::Channel(ChannelEvent::Message(
            message @ (PeerMessage::FileOffer { .. }
            | PeerMessage::FileAccept { .. }
            | PeerMessage::FileDone { .. }
            | PeerMessage::FileCancel { .. }
            | PeerMessage::FileDecline { .. }
            | PeerMessage::FileReceived { .. }),
        )) => files::on_message(&inner, message),
        PeerEvent::FileChannel(announced) => files::on_channel(&inner, announced),
    }
}

/// Takes a stats sample of the current connection, while the friend's video is shown.
pub(super) fn measure(weak: &Weak<Inner>) {
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
pub(super) fn take_quality(inner: &Inner, mut quality: Quality, at_ms: f64) {
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
