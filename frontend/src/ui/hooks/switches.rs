//! The handlers that only change the app's state (no browser object, no running call).

use yew::prelude::*;

use crate::browser::storage;
use crate::call::sound::Processing;
use crate::ui::state::{Action, AppState};

/// The switches' handlers.
pub struct Switches {
    /// Mute or unmute the microphone.
    pub toggle_mic: Callback<()>,
    /// Turn the camera off or on.
    pub toggle_camera: Callback<()>,
    /// Show or hide the chat.
    pub toggle_chat: Callback<()>,
    /// Show the keyboard shortcuts.
    pub open_help: Callback<()>,
    /// Hide the keyboard shortcuts.
    pub close_help: Callback<()>,
    /// "Audio only" on or off.
    pub audio_only: Callback<bool>,
    /// Ask for the camera and microphone again.
    pub retry_media: Callback<()>,
    /// "Hide my address" on or off (remembered by the browser).
    pub hide_address: Callback<bool>,
    /// "Strong noise suppression" on or off (remembered by the browser).
    pub strong_noise: Callback<bool>,
    /// A sound control on or off (remembered by the browser).
    pub sound: Callback<(Processing, bool)>,
    /// A speaker chosen, by its `deviceId` (remembered by the browser).
    pub speaker: Callback<String>,
}

/// A handler that dispatches the action `make` makes (a function rather than an action to
/// clone: cloning an [`Action`] is code for every kind of action, in the download).
fn dispatch(dispatcher: &UseReducerDispatcher<AppState>, make: fn() -> Action) -> Callback<()> {
    let dispatcher = dispatcher.clone();
    Callback::from(move |()| dispatcher.dispatch(make()))
}

/// A setting's handler: the browser remembers the choice (`save`), then the app takes it.
fn remembered(
    dispatcher: &UseReducerDispatcher<AppState>,
    save: fn(bool),
    make: fn(bool) -> Action,
) -> Callback<bool> {
    let dispatcher = dispatcher.clone();
    Callback::from(move |on: bool| {
        save(on);
        dispatcher.dispatch(make(on));
    })
}

impl Switches {
    /// The switches' handlers, dispatching to `dispatcher`.
    pub fn new(dispatcher: &UseReducerDispatcher<AppState>) -> Self {
        Self {
            toggle_mic: dispatch(dispatcher, || Action::ToggleMic),
            toggle_camera: dispatch(dispatcher, || Action::ToggleCamera),
            toggle_chat: dispatch(dispatcher, || Action::ToggleChat),
            open_help: dispatch(dispatcher, || Action::SetHelp(true)),
            close_help: dispatch(dispatcher, || Action::SetHelp(false)),
            audio_only: dispatcher.to_callback().reform(Action::AudioOnly),
            retry_media: dispatch(dispatcher, || Action::RetryMedia),
            hide_address: remembered(dispatcher, storage::save_hide_address, Action::HideAddress),
            strong_noise: remembered(dispatcher, storage::save_strong_noise, Action::StrongNoise),
            sound: {
                let dispatcher = dispatcher.clone();
                Callback::from(move |(step, on)| {
                    storage::save_sound(step, on);
                    dispatcher.dispatch(Action::Sound(step, on));
                })
            },
            speaker: {
                let dispatcher = dispatcher.clone();
                Callback::from(move |id: String| {
                    storage::save_speaker(&id);
                    dispatcher.dispatch(Action::Speaker(id));
                })
            },
        }
    }
}
