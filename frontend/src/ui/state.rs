//! The app's state and everything that can happen to it, in one reducer: which screen shows,
//! and what the person chose. Effects live in [`super::hooks`]; this module is plain data.

use std::rc::Rc;

use shared::RoomName;
use yew::Reducible;

use crate::browser::config::{Config, IceTransportPolicy};
use crate::browser::media::{LocalMedia, MediaError};
use crate::call::chat::{Author, ChatLog};
use crate::call::controls::MediaState;
use crate::call::hide_address::AddressChoice;
use crate::call::noise::NoiseChoice;
use crate::call::session::{CallView, FileView, SessionUpdate};
use crate::call::sound::{Processing, ProcessingSet};
use crate::call::status::EndReason;
use crate::call::transfer::Direction;

/// Why the room dialog is shown again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomNotice {
    /// The call ended on this page (the room was full, another tab took it over, the service
    /// refused it).
    Ended(EndReason),
    /// "Hide my address" was on, and the service turned out to have no relay server.
    NoRelay,
    /// The person chose Join in a browser without WebRTC.
    NoWebRtc,
}

/// Which screen the app shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// Waiting for the camera and microphone.
    AcquiringMedia,
    /// The camera and microphone cannot be used.
    MediaFailed(MediaError),
    /// Asking for the room's name.
    AskingRoom {
        /// Why the dialog is (back) here.
        notice: Option<RoomNotice>,
    },
    /// In a room.
    InCall {
        /// The room.
        room: RoomName,
        /// What the call looks like.
        view: CallView,
    },
}

/// The app's state.
#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    /// The current screen.
    pub screen: Screen,
    /// The camera and microphone, once granted (kept for the whole visit).
    pub media: Option<LocalMedia>,
    /// Runtime configuration, once loaded.
    pub config: Option<Rc<Config>>,
    /// Counts requests for media, so "Try again" asks again.
    pub media_attempt: u32,
    /// Counts joins, so joining the same room again makes a new session.
    pub join_attempt: u32,
    /// The last room tried, to pre-fill the dialog.
    pub last_room: Option<RoomName>,
    /// Whether this person's microphone and camera are on (kept across calls).
    pub local_state: MediaState,
    /// The chat of the current call.
    pub chat: ChatLog,
    /// The files sent and received in the current call.
    pub files: Vec<FileView>,
    /// Whether the keyboard shortcuts dialog is shown.
    pub help_open: bool,
    /// Whether a screen is shared instead of the camera.
    pub sharing: bool,
    /// Whether the person chose "Hide my address" (kept in this browser).
    pub hide_address: bool,
    /// Whether the service offers a relay server, as its latest answer to a join said (kept in
    /// this browser); `None` before any.
    pub relay_offered: Option<bool>,
    /// Whether the current call uses relayed candidates only (decided when joining).
    pub join_hides: bool,
    /// Whether video is held back for a thin uplink ("Audio only"; per call).
    pub audio_only: bool,
    /// Whether the person chose "Strong noise suppression" (kept in this browser).
    pub strong_noise: bool,
    /// Whether this browser can run the suppressor (AudioWorklet and WebAssembly).
    pub noise_supported: bool,
    /// Whether the suppressor failed to load or stopped in this visit.
    pub noise_failed: bool,
    /// The browser's processing steps the person turned on (kept in this browser), among
    /// `sound_chosen`.
    pub sound: ProcessingSet,
    /// The steps the person set at all; the others stay as the browser has them.
    pub sound_chosen: ProcessingSet,
    /// The steps this browser lets a page turn on and off: the sound controls shown.
    pub sound_shown: ProcessingSet,
    /// Counts the microphone's tracks put in place during the visit (another device, or the
    /// same one opened again for the sound controls), so what depends on it follows.
    pub microphone: u32,
    /// The speaker chosen for the call's sound (kept in this browser); `None`: the system's.
    pub speaker: Option<String>,
    /// Whether this browser has WebRTC: without it the page says so at once, and a join only
    /// repeats why there is no call.
    pub webrtc: bool,
    /// Whether the page can reach the service (when it cannot, the page may be running from
    /// the service worker's copy).
    pub reach: Reach,
}

impl AppState {
    /// Where "Hide my address" stands now.
    pub fn address_choice(&self) -> AddressChoice {
        let config = self.config.as_deref();
        let forced = config.is_some_and(|c| c.ice_transport_policy == IceTransportPolicy::Relay);
        let relay = if config.is_some_and(|c| c.has_relay(&[])) {
            Some(true)
        } else {
            self.relay_offered
        };
        AddressChoice::new(self.hide_address, forced, relay)
    }

    /// Where "Strong noise suppression" stands now.
    pub fn noise_choice(&self) -> NoiseChoice {
        NoiseChoice::new(self.strong_noise, self.noise_supported, self.noise_failed)
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            screen: Screen::AcquiringMedia,
            media: None,
            config: None,
            media_attempt: 0,
            join_attempt: 0,
            last_room: None,
            local_state: MediaState::default(),
            chat: ChatLog::default(),
            files: Vec::new(),
            help_open: false,
            sharing: false,
            hide_address: false,
            relay_offered: None,
            join_hides: false,
            audio_only: false,
            strong_noise: false,
            noise_supported: false,
            noise_failed: false,
            sound: ProcessingSet::NONE,
            sound_chosen: ProcessingSet::NONE,
            sound_shown: ProcessingSet::NONE,
            microphone: 0,
            speaker: None,
            webrtc: true,
            reach: Reach::Reachable,
        }
    }
}

/// What can happen to the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The camera and microphone are ready.
    MediaReady(LocalMedia),
    /// The camera and microphone cannot be used.
    MediaFailed(MediaError),
    /// The person asked to try the camera and microphone again.
    RetryMedia,
    /// The configuration is loaded.
    ConfigLoaded(Rc<Config>),
    /// The person chose a room.
    Join(RoomName),
    /// The running call reported something.
    Session(SessionUpdate),
    /// Mute or unmute the microphone.
    ToggleMic,
    /// Turn the camera off or on.
    ToggleCamera,
    /// Show or hide the chat.
    ToggleChat,
    /// This person sent a chat message.
    ChatSent(String),
    /// Show or hide the keyboard shortcuts.
    SetHelp(bool),
    /// Leave the call (the session has already said goodbye).
    Leave,
    /// Screen sharing started or stopped.
    Sharing(bool),
    /// The person flipped "Hide my address".
    HideAddress(bool),
    /// The person switched "Audio only" on or off.
    AudioOnly(bool),
    /// The person flipped "Strong noise suppression".
    StrongNoise(bool),
    /// The suppressor failed to load or stopped: the microphone is sent as it is.
    NoiseFailed,
    /// The person flipped a sound control.
    Sound(Processing, bool),
    /// Another microphone track is in place.
    MicrophoneChanged,
    /// The person chose a speaker (its `deviceId`).
    Speaker(String),
    /// The page lost or found its way to the service.
    Reach(Reach),
}

/// Whether the page can reach the service, as far as it can tell: the two ways of not
/// reaching it ask different things of the person, so they are told apart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reach {
    /// The configuration came, or nothing says otherwise yet.
    #[default]
    Reachable,
    /// The browser has no network: the person can fix that.
    Offline,
    /// The browser says it is online but the service does not answer (`/config.json` got
    /// none): either the service is down or the network is, and `navigator.onLine` only knows
    /// that an interface is up, so the words cover both; the page keeps asking.
    ServiceDown,
}

impl Reach {
    /// What not getting an answer means, given whether the browser says it is online.
    pub fn unanswered(online: bool) -> Self {
        if online {
            Self::ServiceDown
        } else {
            Self::Offline
        }
    }

    /// What an answer, or the browser's word alone once the configuration is in, means.
    pub fn answered(online: bool) -> Self {
        if online {
            Self::Reachable
        } else {
            Self::Offline
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::MediaReady(media) => {
                next.media = Some(media);
                next.screen = Screen::AskingRoom { notice: None };
            }
            Action::MediaFailed(error) => next.screen = Screen::MediaFailed(error),
            Action::RetryMedia => {
                next.media_attempt += 1;
                next.screen = Screen::AcquiringMedia;
            }
            Action::ConfigLoaded(config) => next.config = Some(config),
            Action::Join(room) => {
                if next.media.is_none() {
                    return self;
                }
                if !next.webrtc {
                    next.screen = Screen::AskingRoom {
                        notice: Some(RoomNotice::NoWebRtc),
                    };
                    return Rc::new(next);
                }
                next.join_attempt += 1;
                next.join_hides = next.address_choice().hides();
                next.audio_only = false;
                next.last_room = Some(room.clone());
                next.chat = ChatLog::default();
                next.files = Vec::new();
                next.help_open = false;
                next.sharing = false;
                next.screen = Screen::InCall {
                    room,
                    view: CallView::joining(),
                };
            }
            Action::ToggleMic => next.local_state.mic = !next.local_state.mic,
            Action::ToggleCamera => next.local_state.camera = !next.local_state.camera,
            Action::ToggleChat => {
                let open = !next.chat.is_open();
                next.chat.set_open(open);
            }
            Action::ChatSent(text) => next.chat.push(Author::Me, &text),
            Action::SetHelp(open) => next.help_open = open,
            Action::Sharing(on) => {
                next.sharing = on;
                // Sharing a screen is asking to send a picture: "Audio only" ends.
                next.audio_only &= !on;
            }
            Action::HideAddress(on) => next.hide_address = on,
            Action::StrongNoise(on) => next.strong_noise = on,
            Action::NoiseFailed => next.noise_failed = true,
            Action::Sound(step, on) => {
                next.sound = next.sound.with(step, on);
                next.sound_chosen = next.sound_chosen.with(step, true);
            }
            Action::MicrophoneChanged => next.microphone = next.microphone.wrapping_add(1),
            Action::Speaker(id) => next.speaker = Some(id),
            // Said once at start in the usual case (online): no redraw for nothing new.
            Action::Reach(reach) if reach == self.reach => return self,
            Action::Reach(reach) => next.reach = reach,
            Action::AudioOnly(on) => {
                if !matches!(self.screen, Screen::InCall { .. }) {
                    return self;
                }
                next.audio_only = on;
            }
            Action::Leave => {
                if !matches!(self.screen, Screen::InCall { .. }) {
                    return self;
                }
                next.help_open = false;
                next.sharing = false;
                next.audio_only = false;
                next.screen = Screen::AskingRoom { notice: None };
            }
            Action::Session(SessionUpdate::Chat(text)) => {
                if !matches!(self.screen, Screen::InCall { .. }) {
                    return self;
                }
                next.chat.push(Author::Friend, &text);
            }
            Action::Session(SessionUpdate::Files(files)) => {
                if !matches!(self.screen, Screen::InCall { .. }) {
                    return self;
                }
                let offered = files
                    .iter()
                    .filter(|f| f.direction == Direction::Incoming)
                    .filter(|f| {
                        !self
                            .files
                            .iter()
                            .any(|o| (o.direction, o.id) == (f.direction, f.id))
                    })
                    .count();
                for _ in 0..offered {
                    next.chat.file_offered();
                }
                next.files = files;
            }
            Action::Session(update) => {
                let Screen::InCall { room, .. } = &self.screen else {
                    return self;
                };
                next.screen = match update {
                    // Relayed candidates only, and no relay: this call can never connect.
                    // It ends here, before its configuration could change under it.
                    SessionUpdate::View(view)
                        if self.join_hides && view.relay_offered == Some(false) =>
                    {
                        next.relay_offered = Some(false);
                        next.sharing = false;
                        next.audio_only = false;
                        Screen::AskingRoom {
                            notice: Some(RoomNotice::NoRelay),
                        }
                    }
                    SessionUpdate::View(view) => {
                        next.relay_offered = view.relay_offered.or(next.relay_offered);
                        Screen::InCall {
                            room: room.clone(),
                            view,
                        }
                    }
                    SessionUpdate::Ended(reason) => {
                        next.sharing = false;
                        next.audio_only = false;
                        Screen::AskingRoom {
                            notice: Some(RoomNotice::Ended(reason)),
                        }
                    }
                    // Handled above, or not the reducer's (see `take_update`).
                    SessionUpdate::Chat(_)
                    | SessionUpdate::Files(_)
                    | SessionUpdate::Settled
                    | SessionUpdate::Incoming(_) => return self,
                };
            }
        }
        Rc::new(next)
    }
}
