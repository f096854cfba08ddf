//! The top component: media first, then the room, then the call.
//!
//! The app's state is one enum in a reducer ([`Screen`]); side effects (asking for media,
//! loading the configuration, running a call) are effects keyed on the state they serve, so
//! a call's [`Session`] lives exactly as long as the screen that shows it.

use std::rc::Rc;

use shared::RoomName;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;

use crate::call::EndReason;
use crate::chat::{Author, ChatLog};
use crate::components::{
    put_stream, Brand, CallScreen, ChatPanel, CopyLink, DevicePicker, MediaErrorView, RoomDialog,
    ShortcutsHelp, Toolbar,
};
use crate::config::{Config, IceTransportPolicy};
use crate::controls::{KeyPress, MediaState, Shortcut};
use crate::hide_address::AddressChoice;
use crate::i18n::{fill, Lang, Texts};
use crate::media::{capture_screen, on_track_ended, LocalMedia, MediaError, MediaKind};
use crate::routes::Route;
use crate::session::{CallView, Session, SessionUpdate, Warm};
use web_sys::MediaStreamTrack;
use yew_router::prelude::{use_navigator, use_route, BrowserRouter};

/// How long the room step may stay after Join while the call's first steps run (see
/// `on_join` in [`Duet`]); longer only if the service is slow to answer.
const SHOW_CALL_WITHIN_MS: u32 = 150;

/// Why the room dialog is shown again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomNotice {
    /// The room already holds two people.
    RoomFull(RoomName),
    /// Another tab or window took the call over.
    SessionReplaced,
    /// The service refused the room (its words).
    Refused(String),
    /// "Hide my address" was on, and the service turned out to have no relay server.
    NoRelay,
}

impl RoomNotice {
    /// The words of the alert.
    pub fn text(&self, t: &Texts) -> String {
        match self {
            Self::RoomFull(room) => fill(t.room_full, &[("room", room.as_str())]),
            Self::SessionReplaced => t.session_replaced.to_owned(),
            Self::Refused(message) => fill(t.refused, &[("message", message)]),
            Self::NoRelay => t.no_relay.to_owned(),
        }
    }
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
            help_open: false,
            sharing: false,
            hide_address: false,
            relay_offered: None,
            join_hides: false,
            audio_only: false,
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
                next.join_attempt += 1;
                next.join_hides = next.address_choice().hides();
                next.audio_only = false;
                next.last_room = Some(room.clone());
                next.chat = ChatLog::default();
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
                            notice: Some(match reason {
                                EndReason::RoomFull(room) => RoomNotice::RoomFull(room),
                                EndReason::SessionReplaced => RoomNotice::SessionReplaced,
                                EndReason::Refused(message) => RoomNotice::Refused(message),
                            }),
                        }
                    }
                    // Handled above, or not the reducer's (see `take_update`).
                    SessionUpdate::Chat(_)
                    | SessionUpdate::Settled
                    | SessionUpdate::Incoming(_) => return self,
                };
            }
        }
        Rc::new(next)
    }
}

/// Does what a call's update asks that is not the reducer's, and says whether it was: the
/// friend's stream goes straight into their video element (`remote_video`), with nothing drawn.
fn take_update(update: &SessionUpdate, remote_video: &NodeRef) -> bool {
    match update {
        SessionUpdate::Incoming(stream) => {
            put_stream(remote_video, stream.as_ref());
            true
        }
        SessionUpdate::View(_)
        | SessionUpdate::Ended(_)
        | SessionUpdate::Chat(_)
        | SessionUpdate::Settled => false,
    }
}

/// Whether keys pressed on `target` are its own (so no shortcut may take them): any form
/// control (a text field, a drop-down such as the camera chooser, where letters pick an
/// option), editable text, and anything inside a dialog.
pub fn takes_keys(target: &web_sys::EventTarget) -> bool {
    let Some(element) = target.dyn_ref::<web_sys::Element>() else {
        return false;
    };
    let form_control = element.dyn_ref::<web_sys::HtmlInputElement>().is_some()
        || element.dyn_ref::<web_sys::HtmlTextAreaElement>().is_some()
        || element.dyn_ref::<web_sys::HtmlSelectElement>().is_some();
    let editable = element
        .dyn_ref::<web_sys::HtmlElement>()
        .is_some_and(web_sys::HtmlElement::is_content_editable);
    let in_dialog = element
        .closest("dialog, [role=dialog], [role=alertdialog], [role=textbox], [role=combobox], [role=listbox]")
        .ok()
        .flatten()
        .is_some();
    form_control || editable || in_dialog
}

/// The whole app: the router around [`Duet`].
#[function_component]
pub fn App() -> Html {
    html! {
        <BrowserRouter>
            <Duet />
        </BrowserRouter>
    }
}

/// The app's screens, under the router.
#[function_component]
fn Duet() -> Html {
    let state = use_reducer(|| AppState {
        hide_address: crate::storage::hide_address(),
        relay_offered: crate::storage::relay_offered(),
        ..AppState::default()
    });
    let lang = use_state(Lang::initial);
    let t = lang.texts();
    {
        // `<html lang>` follows the language, for screen readers and hyphenation.
        use_effect_with(*lang, |lang| lang.apply(false));
    }
    let on_language = {
        let lang = lang.clone();
        Callback::from(move |event: Event| {
            let chosen = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .map(|select| select.value());
            if let Some(chosen) = Lang::ALL
                .into_iter()
                .find(|l| Some(l.code()) == chosen.as_deref())
            {
                chosen.apply(true);
                lang.set(chosen);
            }
        })
    };
    let route = use_route::<Route>().unwrap_or(Route::Home);
    let navigator = use_navigator();
    // The running call, if any: the effect below owns it; controls reach it through here.
    let session = use_mut_ref(|| None::<Session>);
    // The shared screen's track and the listener for the browser's own "Stop sharing".
    let screen = use_mut_ref(|| None::<(MediaStreamTrack, EventListener)>);
    // A connection to the service and a peer connection, made while the room step shows for
    // the next call to start with (measured in docs/benchmarks.md).
    let warm = use_mut_ref(|| None::<Warm>);
    // A call started by Join itself, so that its join goes out before the call screen is
    // drawn, for the effect below to keep; with the timer that shows that screen at the
    // latest (a new Join drops both).
    let starting = use_mut_ref(|| None::<(Session, Timeout)>);
    // The friend's video element, which a call fills as soon as their media arrives.
    let remote_video = use_node_ref();

    // Configuration is optional and small: load it while the person answers the permission
    // prompt.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            spawn_local(async move {
                dispatcher.dispatch(Action::ConfigLoaded(Rc::new(Config::load().await)));
            });
        });
    }

    // Media first: nothing else makes sense without the camera and microphone.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.media_attempt, move |_| {
            spawn_local(async move {
                dispatcher.dispatch(match LocalMedia::acquire().await {
                    Ok(media) => Action::MediaReady(media),
                    Err(error) => Action::MediaFailed(error),
                });
            });
        });
    }

    // Warm up as soon as the room step shows.
    {
        let asking = matches!(state.screen, Screen::AskingRoom { .. });
        let warm = warm.clone();
        use_effect_with((asking, state.config.clone()), move |(asking, config)| {
            if let (true, Some(config)) = (asking, config) {
                let mut warm = warm.borrow_mut();
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
        let dispatcher = state.dispatcher();
        let slot = session.clone();
        let screen = screen.clone();
        let warm = warm.clone();
        let starting = starting.clone();
        let remote_video = remote_video.clone();
        use_effect_with(deps, move |(room, _, media, config, hides)| {
            *slot.borrow_mut() = match (room, media, config) {
                (Some(room), Some(media), Some(config)) => Some(
                    starting
                        .borrow_mut()
                        .take()
                        .map(|(s, _)| s)
                        .unwrap_or_else(|| {
                            Session::start(
                                room.clone(),
                                media.clone(),
                                // "Hide my address": relayed candidates only, for this whole
                                // call.
                                if *hides {
                                    Rc::new(config.relay_only())
                                } else {
                                    config.clone()
                                },
                                warm.borrow_mut().take(),
                                move |update| {
                                    if !take_update(&update, &remote_video) {
                                        dispatcher.dispatch(Action::Session(update));
                                    }
                                },
                            )
                        }),
                ),
                _ => None,
            };
            move || {
                drop(slot.borrow_mut().take());
                // A call's screen share ends with the call.
                if let Some((track, _)) = screen.borrow_mut().take() {
                    track.stop();
                }
            }
        });
    }

    // Sharing the screen: the friend gets it instead of the camera (replaceTrack); stopping,
    // here or in the browser's own bar, brings the camera back.
    let stop_sharing = {
        let screen = screen.clone();
        let slot = session.clone();
        let dispatcher = state.dispatcher();
        Callback::from(move |()| {
            if let Some((track, _)) = screen.borrow_mut().take() {
                track.stop();
            }
            if let Some(session) = slot.borrow().as_ref() {
                session.set_screen(None);
            }
            dispatcher.dispatch(Action::Sharing(false));
        })
    };
    let on_share = {
        let screen = screen.clone();
        let slot = session.clone();
        let dispatcher = state.dispatcher();
        let stop_sharing = stop_sharing.clone();
        let sharing = state.sharing;
        Callback::from(move |()| {
            if sharing {
                stop_sharing.emit(());
                return;
            }
            let (screen, slot, dispatcher, stop_sharing) = (
                screen.clone(),
                slot.clone(),
                dispatcher.clone(),
                stop_sharing.clone(),
            );
            spawn_local(async move {
                // A cancelled picker is an error too: nothing to do then.
                let Ok(track) = capture_screen().await else {
                    return;
                };
                if slot.borrow().is_none() {
                    // The call ended while the picker was open.
                    track.stop();
                    return;
                }
                let ended = on_track_ended(&track, move || stop_sharing.emit(()));
                if let Some(session) = slot.borrow().as_ref() {
                    session.set_screen(Some(Clone::clone(&track)));
                }
                *screen.borrow_mut() = Some((track, ended));
                dispatcher.dispatch(Action::Sharing(true));
            });
        })
    };
    let on_switched = {
        let slot = session.clone();
        Callback::from(move |track: MediaStreamTrack| {
            if let Some(session) = slot.borrow().as_ref() {
                session.send_track(&track);
            }
        })
    };

    // The microphone and camera switches act on the tracks themselves (so the peer
    // connection sends silence or black at once), and the friend hears of it.
    {
        let slot = session.clone();
        use_effect_with(
            (state.local_state, state.media.clone()),
            move |(local_state, media)| {
                if let Some(media) = media {
                    media.set_enabled(MediaKind::Audio, local_state.mic);
                    media.set_enabled(MediaKind::Video, local_state.camera);
                }
                if let Some(session) = slot.borrow().as_ref() {
                    session.send_media_state(*local_state);
                }
            },
        );
    }

    // "Audio only" acts on the call's video sender; the friend hears of it as a camera off.
    {
        let slot = session.clone();
        let local_state = state.local_state;
        use_effect_with(state.audio_only, move |on| {
            if let Some(session) = slot.borrow().as_ref() {
                session.set_audio_only(*on, local_state);
            }
        });
    }

    let on_leave = {
        let slot = session.clone();
        let dispatcher = state.dispatcher();
        Callback::from(move |()| {
            if let Some(session) = slot.borrow().as_ref() {
                session.hang_up();
            }
            dispatcher.dispatch(Action::Leave);
        })
    };

    // Keyboard shortcuts, only on the call screen and never while typing.
    {
        let in_call = matches!(state.screen, Screen::InCall { .. });
        let dispatcher = state.dispatcher();
        let on_leave = on_leave.clone();
        let help_open = state.help_open;
        use_effect_with((in_call, help_open), move |&(in_call, help_open)| {
            let listener = (in_call && !help_open)
                .then(web_sys::window)
                .flatten()
                .map(|window| {
                    EventListener::new(&window, "keydown", move |event| {
                        let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                            return;
                        };
                        let press = KeyPress {
                            key: &event.key(),
                            focus_takes_keys: event.target().is_some_and(|t| takes_keys(&t)),
                            ctrl_alt_meta: event.ctrl_key() || event.alt_key() || event.meta_key(),
                            repeat: event.repeat(),
                            composing: event.is_composing(),
                        };
                        let Some(shortcut) = Shortcut::for_press(&press) else {
                            return;
                        };
                        event.prevent_default();
                        match shortcut {
                            Shortcut::ToggleMic => dispatcher.dispatch(Action::ToggleMic),
                            Shortcut::ToggleCamera => dispatcher.dispatch(Action::ToggleCamera),
                            Shortcut::ToggleChat => dispatcher.dispatch(Action::ToggleChat),
                            Shortcut::Help => dispatcher.dispatch(Action::SetHelp(true)),
                            Shortcut::Leave => on_leave.emit(()),
                        }
                    })
                });
            move || drop(listener)
        });
    }

    let on_join = {
        let dispatcher = state.dispatcher();
        // The address bar names the room, so it can be shared (and reopened).
        let name_in_address_bar = {
            let (navigator, current) = (navigator.clone(), route.clone());
            Rc::new(move |room: &RoomName| {
                let target = Route::Room {
                    room: room.to_string(),
                };
                if let Some(navigator) = &navigator {
                    if current != target {
                        navigator.replace(&target);
                    }
                }
            })
        };
        let (media, config) = (state.media.clone(), state.config.clone());
        let hides = state.address_choice().hides();
        let (starting, warm, remote_video) = (starting.clone(), warm.clone(), remote_video.clone());
        Callback::from(move |room: RoomName| {
            // The join goes out at once. Drawing the call screen (taking the room step down,
            // the videos, the controls) keeps the page busy for tens of milliseconds, so it
            // waits until this side has made its first move in the call (joined alone, or sent
            // its offer), or at most SHOW_CALL_WITHIN_MS: the friend's answer is then on its
            // way, and the screen is drawn meanwhile (measured in docs/benchmarks.md). So does
            // naming the room in the address bar, which draws the page again too.
            let (Some(media), Some(config)) = (&media, &config) else {
                // Not ready to call yet: the call starts with the configuration (below).
                dispatcher.dispatch(Action::Join(room.clone()));
                name_in_address_bar(&room);
                return;
            };
            let shown = Rc::new(Cell::new(false));
            let latest = Rc::new(RefCell::new(None::<SessionUpdate>));
            let show = {
                let (dispatcher, room) = (dispatcher.clone(), room.clone());
                let (shown, latest) = (shown.clone(), latest.clone());
                let name_in_address_bar = name_in_address_bar.clone();
                move || {
                    if !shown.replace(true) {
                        dispatcher.dispatch(Action::Join(room.clone()));
                        if let Some(update) = latest.borrow_mut().take() {
                            dispatcher.dispatch(Action::Session(update));
                        }
                        name_in_address_bar(&room);
                    }
                }
            };
            let on_update = {
                let (dispatcher, show) = (dispatcher.clone(), show.clone());
                let remote_video = remote_video.clone();
                move |update: SessionUpdate| {
                    if take_update(&update, &remote_video) {
                        return;
                    }
                    if shown.get() {
                        dispatcher.dispatch(Action::Session(update));
                        return;
                    }
                    let settled =
                        matches!(update, SessionUpdate::Settled | SessionUpdate::Ended(_));
                    if !matches!(update, SessionUpdate::Settled) {
                        *latest.borrow_mut() = Some(update);
                    }
                    if settled {
                        show();
                    }
                }
            };
            let session = Session::start(
                room.clone(),
                media.clone(),
                // "Hide my address": relayed candidates only, for this whole call (the warm
                // spare peer connection has gathered nothing yet and takes this configuration).
                if hides {
                    Rc::new(config.relay_only())
                } else {
                    config.clone()
                },
                warm.borrow_mut().take(),
                on_update,
            );
            *starting.borrow_mut() = Some((session, Timeout::new(SHOW_CALL_WITHIN_MS, show)));
        })
    };
    // What the service said about a relay outlives the visit: the switch is right next time.
    use_effect_with(state.relay_offered, |offered| {
        if let Some(offered) = offered {
            crate::storage::save_relay_offered(*offered);
        }
    });
    let on_hide_address = {
        let dispatcher = state.dispatcher();
        Callback::from(move |on: bool| {
            crate::storage::save_hide_address(on);
            dispatcher.dispatch(Action::HideAddress(on));
        })
    };
    let on_retry = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::RetryMedia))
    };

    let room_chip = match &state.screen {
        Screen::InCall { room, .. } => html! {
            <div class="room-chip">
                <span class="room-chip-label">{ t.room }</span>
                <span class="room-chip-name">{ room.as_str() }</span>
                <CopyLink room={room.clone()} />
            </div>
        },
        _ => html! {},
    };
    // The dialog offers the last room tried, else the room of the link that opened the page.
    let initial = state
        .last_room
        .as_ref()
        .map(|r| AttrValue::from(r.to_string()))
        .or_else(|| route.room().map(|r| AttrValue::from(r.to_owned())))
        .unwrap_or_default();

    let body = match &state.screen {
        Screen::AcquiringMedia => html! {
            <section class="card notice-card" aria-labelledby="acquiring-title">
                <div class="spinner" aria-hidden="true" />
                <h1 id="acquiring-title">{ t.media_title }</h1>
                <p class="muted-text" role="status">{ t.media_waiting }</p>
            </section>
        },
        Screen::MediaFailed(error) => html! {
            <MediaErrorView error={error.clone()} on_retry={on_retry} />
        },
        Screen::AskingRoom { notice } => html! {
            <RoomDialog
                on_join={on_join}
                notice={notice.as_ref().map(|n| AttrValue::from(n.text(t)))}
                initial={initial}
                local={state.media.clone()}
                hide_address={state.address_choice()}
                on_hide_address={on_hide_address}
            />
        },
        Screen::InCall { room, view } => match &state.media {
            Some(local) => {
                let dispatch = |action: Action| {
                    let dispatcher = state.dispatcher();
                    Callback::from(move |()| dispatcher.dispatch(action.clone()))
                };
                let on_send = {
                    let slot = session.clone();
                    let dispatcher = state.dispatcher();
                    Callback::from(move |text: String| {
                        let sent = slot
                            .borrow()
                            .as_ref()
                            .is_some_and(|session| session.send_chat(&text).is_ok());
                        if sent {
                            dispatcher.dispatch(Action::ChatSent(text));
                        }
                        sent
                    })
                };
                let toolbar = html! {
                    <Toolbar
                        media={state.local_state}
                        chat_open={state.chat.is_open()}
                        unread={state.chat.unread()}
                        on_toggle_mic={dispatch(Action::ToggleMic)}
                        on_toggle_camera={dispatch(Action::ToggleCamera)}
                        on_toggle_chat={dispatch(Action::ToggleChat)}
                        on_help={dispatch(Action::SetHelp(true))}
                        on_leave={on_leave.clone()}
                        sharing={state.sharing}
                        on_share={on_share.clone()}
                        devices={html! {
                            <DevicePicker media={local.clone()} on_switched={on_switched.clone()} />
                        }}
                    />
                };
                let chat = if state.chat.is_open() {
                    html! {
                        <ChatPanel log={state.chat.clone()} on_send={on_send}
                            on_close={dispatch(Action::ToggleChat)} />
                    }
                } else {
                    html! {}
                };
                html! {
                    <>
                        <CallScreen room={room.clone()} view={view.clone()} local={local.clone()}
                            remote_node={remote_video.clone()}
                            local_state={state.local_state} sharing={state.sharing} chat={chat}
                            toolbar={toolbar} audio_only={state.audio_only}
                            on_audio_only={{
                                let dispatcher = state.dispatcher();
                                Callback::from(move |on| dispatcher.dispatch(Action::AudioOnly(on)))
                            }} />
                        if state.help_open {
                            <ShortcutsHelp on_close={dispatch(Action::SetHelp(false))} />
                        }
                    </>
                }
            }
            None => html! {},
        },
    };

    html! {
        <ContextProvider<Lang> context={*lang}>
            <div class="app">
                <header class="topbar">
                    <Brand />
                    <div class="topbar-end">
                        { room_chip }
                        <select class="language" aria-label={t.language} onchange={on_language}>
                            { for Lang::ALL.iter().map(|l| html! {
                                <option value={l.code()} lang={l.code()} selected={*l == *lang}>
                                    { l.name() }
                                </option>
                            }) }
                        </select>
                    </div>
                </header>
                <main class="main">{ body }</main>
            </div>
        </ContextProvider<Lang>>
    }
}
