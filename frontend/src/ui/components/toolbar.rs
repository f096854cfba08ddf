//! The in-call toolbar: microphone, camera, chat, shortcuts, leave. Every control is a
//! labelled button; the toggles say whether they are pressed (`aria-pressed`).

use yew::prelude::*;

use crate::i18n::{fill, use_texts};

use crate::browser::media::can_share_screen;
use crate::call::controls::MediaState;

/// Props of [`Toolbar`].
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// This person's microphone and camera.
    pub media: MediaState,
    /// Whether the chat is shown.
    pub chat_open: bool,
    /// Chat messages not seen yet.
    pub unread: u32,
    /// Mute or unmute the microphone.
    pub on_toggle_mic: Callback<()>,
    /// Turn the camera off or on.
    pub on_toggle_camera: Callback<()>,
    /// Show or hide the chat.
    pub on_toggle_chat: Callback<()>,
    /// Show the keyboard shortcuts.
    pub on_help: Callback<()>,
    /// Leave the call.
    pub on_leave: Callback<()>,
    /// Whether a screen is being shared.
    pub sharing: bool,
    /// Start or stop sharing the screen.
    pub on_share: Callback<()>,
    /// The camera and microphone chooser.
    #[prop_or_default]
    pub devices: Html,
}

/// The toolbar under the call.
#[function_component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let click = |callback: &Callback<()>| callback.reform(|_: MouseEvent| ());
    let t = use_texts();
    let (mic_label, mic_class) = if props.media.mic {
        (t.mute, "on")
    } else {
        (t.unmute, "off")
    };
    let (camera_label, camera_class) = if props.media.camera {
        (t.camera_off, "on")
    } else {
        (t.camera_on, "off")
    };
    let pressed = |on: bool| if on { "true" } else { "false" };
    let unread = props.unread.to_string();
    let chat_name = (props.unread > 0).then(|| fill(t.chat_unread, &[("count", &unread)]));
    html! {
        <div class="toolbar" role="toolbar" aria-label={t.controls}>
            <button type="button" class={classes!("tool", mic_class)} aria-pressed={pressed(!props.media.mic)}
                onclick={click(&props.on_toggle_mic)} title={format!("{mic_label} (M)")}>
                <span class="tool-icon" aria-hidden="true">{ if props.media.mic { "🎙" } else { "🔇" } }</span>
                <span class="tool-label">{ mic_label }</span>
            </button>
            <button type="button" class={classes!("tool", camera_class)}
                aria-pressed={pressed(!props.media.camera)}
                onclick={click(&props.on_toggle_camera)} title={format!("{camera_label} (V)")}>
                <span class="tool-icon" aria-hidden="true">{ if props.media.camera { "📷" } else { "🚫" } }</span>
                <span class="tool-label">{ camera_label }</span>
            </button>
            // Not offered where the browser cannot share a screen (phones, mostly).
            if can_share_screen() {
                <button type="button" class={classes!("tool", props.sharing.then_some("sharing"))}
                    aria-pressed={pressed(props.sharing)} onclick={click(&props.on_share)}>
                    <span class="tool-icon" aria-hidden="true">{ "🖥" }</span>
                    <span class="tool-label">{ t.share_screen }</span>
                </button>
            }
            { props.devices.clone() }
            <button type="button" class="tool" aria-expanded={pressed(props.chat_open)}
                aria-controls="chat-panel" onclick={click(&props.on_toggle_chat)} title={format!("{} (C)", t.chat)}
                aria-label={chat_name.clone()}>
                <span class="tool-icon" aria-hidden="true">{ "💬" }</span>
                <span class="tool-label">{ t.chat }</span>
                if props.unread > 0 {
                    // The button's name says it in words ("Chat, 1 unread"), not run together.
                    <span class="badge" aria-hidden="true">{ fill(t.unread, &[("count", &unread)]) }</span>
                }
            </button>
            <button type="button" class="tool" onclick={click(&props.on_help)} title={format!("{} (?)", t.shortcuts)}>
                <span class="tool-icon" aria-hidden="true">{ "⌨" }</span>
                <span class="tool-label">{ t.shortcuts }</span>
            </button>
            <button type="button" class="tool leave" onclick={click(&props.on_leave)} title={format!("{} (L)", t.leave)}>
                <span class="tool-icon" aria-hidden="true">{ "✕" }</span>
                <span class="tool-label">{ t.leave }</span>
            </button>
        </div>
    }
}
