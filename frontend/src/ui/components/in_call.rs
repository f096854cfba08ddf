//! The call screen with everything around it: the toolbar, the chat when open, and the
//! keyboard shortcuts' dialog.

use shared::RoomName;
use web_sys::{HtmlVideoElement, MediaStreamTrack};
use yew::prelude::*;

use super::call_view::CallScreen;
use super::chat::ChatPanel;
use super::devices::DevicePicker;
use super::shortcuts_help::ShortcutsHelp;
use super::switch_camera::SwitchCamera;
use super::toolbar::Toolbar;
use crate::browser::media::LocalMedia;
use crate::call::chat::ChatLog;
use crate::call::controls::MediaState;
use crate::call::noise::NoiseChoice;
use crate::call::session::{CallView, FileView};
use crate::call::sound::SoundChoice;
use crate::ui::hooks::handlers::Handlers;

/// What the call page shows.
pub struct InCallProps<'a> {
    /// The room; `None` while drawn ahead of a join (see [`CallScreen`]'s `room`).
    pub room: Option<RoomName>,
    /// What the call looks like.
    pub view: CallView,
    /// The person's camera and microphone.
    pub local: LocalMedia,
    /// Whether the microphone and camera are on.
    pub local_state: MediaState,
    /// Whether a screen is shared instead of the camera.
    pub sharing: bool,
    /// Whether video is held back ("Audio only").
    pub audio_only: bool,
    /// Where "Strong noise suppression" stands.
    pub noise: NoiseChoice,
    /// Where the sound controls stand.
    pub sound: SoundChoice,
    /// Counts the microphone's tracks (see [`crate::ui::state::AppState::microphone`]).
    pub microphone: u32,
    /// The speaker chosen; `None`: the system's default.
    pub speaker: Option<AttrValue>,
    /// Whether the keyboard shortcuts dialog is shown.
    pub help_open: bool,
    /// The call's chat.
    pub chat: ChatLog,
    /// The files sent and received in the call.
    pub files: Vec<FileView>,
    /// The friend's video element.
    pub remote_video: Option<HtmlVideoElement>,
    /// The app's handlers.
    pub handlers: &'a Handlers,
}

/// The call page. A view function rather than a component: the screen it draws changes with
/// nearly every state change anyway, and the components inside skip what did not change.
pub fn in_call(props: InCallProps<'_>) -> Html {
    let props = &props;
    let switches = &props.handlers.switches;
    let controls = &props.handlers.controls;
    let on_switched: Callback<MediaStreamTrack> = controls.on_switched.clone();
    let toolbar = html! {
        <Toolbar
            media={props.local_state}
            chat_open={props.chat.is_open()}
            unread={props.chat.unread()}
            on_toggle_mic={switches.toggle_mic.clone()}
            on_toggle_camera={switches.toggle_camera.clone()}
            on_toggle_chat={switches.toggle_chat.clone()}
            on_help={switches.open_help.clone()}
            on_leave={controls.on_leave.clone()}
            sharing={props.sharing}
            on_share={props.handlers.screen_share.button(props.sharing)}
            devices={html! {
                <>
                    <SwitchCamera media={props.local.clone()} on_switched={on_switched.clone()} />
                    <DevicePicker media={props.local.clone()} on_switched={on_switched}
                        noise={props.noise} on_noise={switches.strong_noise.clone()}
                        sound={props.sound} on_sound={switches.sound.clone()} microphone={props.microphone}
                        speaker={props.speaker.clone()} on_speaker={switches.speaker.clone()} />
                </>
            }}
        />
    };
    let chat = if props.chat.is_open() {
        html! {
            <ChatPanel log={props.chat.clone()} on_send={controls.on_send.clone()}
                on_close={switches.toggle_chat.clone()} files={props.files.clone()}
                on_send_file={controls.on_send_file.clone()}
                on_cancel_file={controls.on_cancel_file.clone()} />
        }
    } else {
        html! {}
    };
    html! {
        <>
            <CallScreen room={props.room.clone()} view={props.view.clone()}
                local={props.local.clone()} remote_video={props.remote_video.clone()}
                local_state={props.local_state} sharing={props.sharing} chat={chat}
                toolbar={toolbar} audio_only={props.audio_only} on_audio_only={switches.audio_only.clone()}
                speaker={props.speaker.clone()} />
            if props.help_open {
                <ShortcutsHelp on_close={switches.close_help.clone()} />
            }
        </>
    }
}
