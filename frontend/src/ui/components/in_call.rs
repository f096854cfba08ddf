//! The call screen with everything around it: the toolbar, the chat when open, and the
//! keyboard shortcuts' dialog.

use shared::RoomName;
use web_sys::MediaStreamTrack;
use yew::prelude::*;

use super::call_view::CallScreen;
use super::chat::ChatPanel;
use super::devices::DevicePicker;
use super::shortcuts_help::ShortcutsHelp;
use super::toolbar::Toolbar;
use crate::browser::media::LocalMedia;
use crate::call::chat::ChatLog;
use crate::call::controls::MediaState;
use crate::call::session::CallView;
use crate::ui::hooks::controls::CallControls;
use crate::ui::state::{Action, AppState};

/// The call page's props.
#[derive(Properties, PartialEq)]
pub struct InCallProps {
    /// The room.
    pub room: RoomName,
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
    /// Whether the keyboard shortcuts dialog is shown.
    pub help_open: bool,
    /// The call's chat.
    pub chat: ChatLog,
    /// The handlers that act on the running call.
    pub controls: CallControls,
    /// The share button's handler.
    pub on_share: Callback<()>,
    /// The friend's video element.
    pub remote_node: NodeRef,
    /// For the switches that only change the app's state.
    pub dispatcher: UseReducerDispatcher<AppState>,
}

/// A handler that dispatches `action`, the same from one render to the next.
#[hook]
fn use_dispatch(dispatcher: &UseReducerDispatcher<AppState>, action: Action) -> Callback<()> {
    use_callback((dispatcher.clone(), action), |(), (dispatcher, action)| {
        dispatcher.dispatch(action.clone())
    })
}

/// The call page.
#[function_component]
pub fn InCall(props: &InCallProps) -> Html {
    let dispatcher = &props.dispatcher;
    let on_toggle_mic = use_dispatch(dispatcher, Action::ToggleMic);
    let on_toggle_camera = use_dispatch(dispatcher, Action::ToggleCamera);
    let on_toggle_chat = use_dispatch(dispatcher, Action::ToggleChat);
    let on_help = use_dispatch(dispatcher, Action::SetHelp(true));
    let on_help_close = use_dispatch(dispatcher, Action::SetHelp(false));
    let on_audio_only = use_callback(dispatcher.clone(), |on: bool, dispatcher| {
        dispatcher.dispatch(Action::AudioOnly(on));
    });
    let controls = &props.controls;
    let on_switched: Callback<MediaStreamTrack> = controls.on_switched.clone();
    let toolbar = html! {
        <Toolbar
            media={props.local_state}
            chat_open={props.chat.is_open()}
            unread={props.chat.unread()}
            on_toggle_mic={on_toggle_mic}
            on_toggle_camera={on_toggle_camera}
            on_toggle_chat={on_toggle_chat.clone()}
            on_help={on_help}
            on_leave={controls.on_leave.clone()}
            sharing={props.sharing}
            on_share={props.on_share.clone()}
            devices={html! {
                <DevicePicker media={props.local.clone()} on_switched={on_switched} />
            }}
        />
    };
    let chat = if props.chat.is_open() {
        html! {
            <ChatPanel log={props.chat.clone()} on_send={controls.on_send.clone()}
                on_close={on_toggle_chat} />
        }
    } else {
        html! {}
    };
    html! {
        <>
            <CallScreen room={props.room.clone()} view={props.view.clone()}
                local={props.local.clone()} remote_node={props.remote_node.clone()}
                local_state={props.local_state} sharing={props.sharing} chat={chat}
                toolbar={toolbar} audio_only={props.audio_only} on_audio_only={on_audio_only} />
            if props.help_open {
                <ShortcutsHelp on_close={on_help_close} />
            }
        </>
    }
}
