//! The in-call controls that act on the running call: the microphone and camera switches,
//! "Audio only", a camera or microphone switched in the picker, chat messages, and leaving.

use web_sys::MediaStreamTrack;
use yew::prelude::*;

use super::call::CallHandles;
use crate::browser::files::PickedFile;
use crate::browser::media::LocalMedia;
use crate::call::controls::MediaState;
use crate::call::device_fallback::MediaKind;
use crate::call::session::{FileRefusal, Session};
use crate::call::transfer::Direction;
use crate::ui::state::{Action, AppState};

/// The controls' handlers.
pub struct CallControls {
    /// Hang up and go back to the room step.
    pub on_leave: Callback<()>,
    /// A camera or microphone in place of the one before (chosen in the picker, replacing one
    /// unplugged, or opened again for the sound controls): the friend gets its track.
    pub on_switched: Callback<MediaStreamTrack>,
    /// Send a chat message; says whether it went out.
    pub on_send: Callback<String, bool>,
    /// Offer a file to the friend; says why not, if it does not go.
    pub on_send_file: Callback<PickedFile, Result<(), FileRefusal>>,
    /// Stop a file transfer (which way it goes, its number), on both sides.
    pub on_cancel_file: Callback<(Direction, u32)>,
}

/// Keeps the tracks and the call in line with the switches.
#[hook]
pub fn use_media_switches(
    call: &CallHandles,
    local_state: MediaState,
    media: Option<LocalMedia>,
    audio_only: bool,
) {
    // The microphone and camera switches act on the tracks themselves (so the peer
    // connection sends silence or black at once), and the friend hears of it.
    {
        let call = call.clone();
        use_effect_with((local_state, media), move |(local_state, media)| {
            if let Some(media) = media {
                media.set_enabled(MediaKind::Audio, local_state.mic);
                media.set_enabled(MediaKind::Video, local_state.camera);
            }
            call.with_session(|session| session.send_media_state(*local_state));
        });
    }
    // "Audio only" acts on the call's video sender; the friend hears of it as a camera off.
    {
        let call = call.clone();
        use_effect_with(audio_only, move |on| {
            call.with_session(|session| session.set_audio_only(*on, local_state));
        });
    }
}

impl CallControls {
    /// The handlers, acting on `call`.
    pub fn new(call: &CallHandles, dispatcher: &UseReducerDispatcher<AppState>) -> Self {
        let on_switched = {
            let (call, dispatcher) = (call.clone(), dispatcher.clone());
            Callback::from(move |track: MediaStreamTrack| {
                // A denoised microphone: its suppressor listens to the new one, and the call
                // goes on sending the suppressor's track.
                if track.kind() == MediaKind::Audio.as_str() {
                    if let Some(suppressor) = call.suppressor.borrow().as_ref() {
                        if let Err(e) = suppressor.attach(&track) {
                            gloo::console::warn!(e.to_string());
                        }
                    }
                }
                call.with_session(|session| session.send_track(&track));
                if track.kind() == MediaKind::Audio.as_str() {
                    // The sound controls apply to the new microphone too (super::sound).
                    dispatcher.dispatch(Action::MicrophoneChanged);
                }
            })
        };
        let on_leave = {
            let (call, dispatcher) = (call.clone(), dispatcher.clone());
            Callback::from(move |()| {
                call.with_session(Session::hang_up);
                dispatcher.dispatch(Action::Leave);
            })
        };
        let on_send_file = {
            let call = call.clone();
            Callback::from(move |file: PickedFile| {
                call.with_session(|session| session.send_file(file))
                    .unwrap_or(Err(FileRefusal::NotConnected))
            })
        };
        let on_cancel_file = {
            let call = call.clone();
            Callback::from(move |(direction, id): (Direction, u32)| {
                call.with_session(|session| session.cancel_file(direction, id));
            })
        };
        let (call, dispatcher) = (call.clone(), dispatcher.clone());
        let on_send = Callback::from(move |text: String| {
            let sent = call
                .with_session(|session| session.send_chat(&text).is_ok())
                .unwrap_or(false);
            if sent {
                dispatcher.dispatch(Action::ChatSent(text));
            }
            sent
        });
        CallControls {
            on_leave,
            on_switched,
            on_send,
            on_send_file,
            on_cancel_file,
        }
    }
}
