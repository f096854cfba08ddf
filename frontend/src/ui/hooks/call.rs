//! The running call: a [`Session`] that lives exactly as long as the call screen of one join,
//! the connections warmed up for it while the room step shows, and the friend's video element
//! it fills.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use shared::RoomName;
use web_sys::{HtmlVideoElement, MediaStreamTrack};
use yew::prelude::*;

use crate::browser::config::Config;
use crate::browser::denoise::Suppressor;
use crate::browser::media::{video_element, LocalMedia};
use crate::call::session::{Session, SessionUpdate, Warm};
use crate::ui::components::video::put_stream;
use crate::ui::state::{Action, AppState, Screen};

/// What the call's hooks share, made once for the app's whole life (so handlers made from it
/// stay the same from one render to the next).
pub type CallHandles = Rc<CallSlots>;

/// The places the call's hooks share, outliving renders.
#[derive(Default)]
pub struct CallSlots {
    /// The running call, if any: [`use_call`]'s effect owns it; controls reach it here.
    pub session: RefCell<Option<Session>>,
    /// The shared screen's track and the listener for the browser's own "Stop sharing".
    pub screen: RefCell<Option<(MediaStreamTrack, EventListener)>>,
    /// A connection to the service and a peer connection, made while the room step shows for
    /// the next call to start with (measured in docs/benchmarks.md).
    pub warm: RefCell<Option<Warm>>,
    /// A call started by Join itself, so that its join goes out before the call screen is
    /// drawn, for the effect to keep; with the timer that shows that screen at the latest (a
    /// new Join drops both).
    pub starting: RefCell<Option<(Session, Timeout)>>,
    /// The friend's video element, made before any call screen, which a call fills as soon
    /// as their media arrives (`None` only without a document).
    pub remote_video: Option<HtmlVideoElement>,
    /// "Strong noise suppression" while it runs ([`super::noise`]): a call sends its track.
    pub suppressor: RefCell<Option<Suppressor>>,
}

impl CallSlots {
    /// Runs `f` on the running call, if there is one.
    pub fn with_session<R>(&self, f: impl FnOnce(&Session) -> R) -> Option<R> {
        self.session.borrow().as_ref().map(f)
    }

    /// Starts a call in `room`, taking the warmed-up connections. "Hide my address"
    /// (`hides`): relayed candidates only, for this whole call (the warm spare peer connection
    /// has gathered nothing yet and takes this configuration).
    pub fn start(
        &self,
        room: RoomName,
        media: LocalMedia,
        config: &Rc<Config>,
        hides: bool,
        on_update: impl Fn(SessionUpdate) + 'static,
    ) -> Session {
        let config = if hides {
            Rc::new(config.relay_only())
        } else {
            config.clone()
        };
        let session = Session::start(
            room,
            media,
            config,
            self.warm.borrow_mut().take(),
            on_update,
        );
        if let Some(suppressor) = self.suppressor.borrow().as_ref() {
            // No connection yet: this only says what the first one sends.
            drop(session.set_sent_audio(Some(suppressor.track())));
        }
        session
    }

    /// Does what a call's update asks that is not the reducer's, and says whether it was: the
    /// friend's stream goes straight into their video element, with nothing drawn.
    pub fn take_update(&self, update: &SessionUpdate) -> bool {
        match update {
            SessionUpdate::Incoming(stream) => {
                if let Some(video) = &self.remote_video {
                    put_stream(video, stream.as_ref());
                }
                true
            }
            SessionUpdate::View(_)
            | SessionUpdate::Ended(_)
            | SessionUpdate::Chat(_)
            | SessionUpdate::Files(_)
            | SessionUpdate::Settled => false,
        }
    }
}

/// Warms up connections while the room step shows, and runs the call while the call screen
/// of one join shows (its screen share ends with it). `remote_label` names the friend's video.
#[hook]
pub fn use_call(
    state: &AppState,
    dispatcher: UseReducerDispatcher<AppState>,
    remote_label: &'static str,
) -> CallHandles {
    let handles: CallHandles = use_memo((), |()| CallSlots {
        remote_video: video_element(remote_label),
        ..CallSlots::default()
    });

    // Warm up as soon as the room step shows (never without WebRTC: no call can follow).
    {
        let asking = matches!(state.screen, Screen::AskingRoom { .. }) && state.webrtc;
        let handles = handles.clone();
        use_effect_with((asking, state.config.clone()), move |(asking, config)| {
            if let (true, Some(config)) = (asking, config) {
                let mut warm = handles.warm.borrow_mut();
                if warm.is_none() {
                    *warm = Some(Warm::start(config));
                }
            }
        });
    }

    // The call lives as long as the call screen for one join.
    {
        let room = match &state.screen {
            Screen::InCall { room, .. } => Some(room.clone()),
            _ => None,
        };
        let deps = (
            room,
            state.join_attempt,
            state.media.clone(),
            state.config.clone(),
            state.join_hides,
        );
        let handles = handles.clone();
        use_effect_with(deps, move |(room, _, media, config, hides)| {
            let session = match (room, media, config) {
                (Some(room), Some(media), Some(config)) => {
                    let started = handles.starting.borrow_mut().take().map(|(s, _)| s);
                    Some(started.unwrap_or_else(|| {
                        let on_update = {
                            let handles = handles.clone();
                            move |update| {
                                if !handles.take_update(&update) {
                                    dispatcher.dispatch(Action::Session(update));
                                }
                            }
                        };
                        handles.start(room.clone(), media.clone(), config, *hides, on_update)
                    }))
                }
                _ => None,
            };
            *handles.session.borrow_mut() = session;
            move || {
                // The friend's video outlives the call: it lets the call's stream go (not a
                // call's that Join started, whose screen this is only now).
                if handles.session.borrow_mut().take().is_some() {
                    if let Some(video) = &handles.remote_video {
                        put_stream(video, None);
                    }
                }
                // A call's screen share ends with the call.
                if let Some((track, _)) = handles.screen.borrow_mut().take() {
                    track.stop();
                }
            }
        });
    }
    handles
}
