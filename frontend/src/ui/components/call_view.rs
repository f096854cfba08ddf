//! The call: the friend's video large, the person's own as a small picture-in-picture, and
//! one status line.

use shared::RoomName;
use web_sys::HtmlVideoElement;
use yew::prelude::*;

use crate::i18n::{fill, use_texts, Texts};

use super::audio_only::AudioOnly;
use super::quality::QualityIndicator;
use super::video::Video;
use super::viewing_buttons::ViewingButtons;
use crate::browser::media::LocalMedia;
use crate::call::camera_switch::Facing;
use crate::call::controls::MediaState;
use crate::call::session::CallView;
use crate::call::status::{CallStatus, Notice};
use crate::ui::wording::status_text;

/// Props of [`CallScreen`].
#[derive(Properties, PartialEq)]
pub struct CallScreenProps {
    /// The room; `None` while the screen is drawn ahead of a join, hidden under the room step,
    /// so that Join has only to reveal it (see [`crate::ui::app`]).
    pub room: Option<RoomName>,
    /// What the session reports.
    pub view: CallView,
    /// The person's camera and microphone.
    pub local: LocalMedia,
    /// Whether the person's own microphone and camera are on.
    pub local_state: MediaState,
    /// Whether a screen is shared instead of the camera.
    #[prop_or_default]
    pub sharing: bool,
    /// The chat panel, when shown.
    #[prop_or_default]
    pub chat: Html,
    /// The controls.
    pub toolbar: Html,
    /// Whether "Audio only" is on (video not sent).
    #[prop_or_default]
    pub audio_only: bool,
    /// Called when the person switches "Audio only" on or off.
    #[prop_or_default]
    pub on_audio_only: Callback<bool>,
    /// The friend's video element, which the call fills before the screen knows of it.
    #[prop_or_default]
    pub remote_video: Option<HtmlVideoElement>,
    /// The speaker the friend's sound plays on; `None`: the system's default.
    #[prop_or_default]
    pub speaker: Option<AttrValue>,
}

/// The status line's tone: its dot's colour, and whether it pulses. Only recovering pulses:
/// joining and connecting take a fraction of a second, during which the page's motion would
/// slow the call's setup down on a busy device (measured in docs/benchmarks.md).
fn status_tone(status: &CallStatus) -> &'static str {
    match status {
        CallStatus::Connected => "ok",
        CallStatus::Joining | CallStatus::Connecting => "busy",
        CallStatus::ReconnectingPeer | CallStatus::Reconnecting { .. } => "busy recovering",
        CallStatus::WaitingForFriend | CallStatus::FriendLeft | CallStatus::FriendDropped => "idle",
    }
}

/// Whether nobody is there to connect to: the placeholder's rings breathe only then, and hold
/// still while a call is set up.
fn alone(status: &CallStatus) -> bool {
    matches!(
        status,
        CallStatus::WaitingForFriend | CallStatus::FriendLeft | CallStatus::FriendDropped
    )
}

/// The call screen.
#[function_component]
pub fn CallScreen(props: &CallScreenProps) -> Html {
    let status = &props.view.status;
    let has_remote = props.view.remote.is_some();
    let friend = props.view.friend_media.unwrap_or_default();
    let t = use_texts();
    let stage = use_node_ref();
    let ahead = props.room.is_none();
    let room = props.room.as_ref().map_or("", RoomName::as_str);
    let label = props
        .room
        .as_ref()
        .map(|room| fill(t.call_label, &[("room", room.as_str())]));
    html! {
        <section class={classes!("call", ahead.then_some("ahead"))} aria-label={label.clone()}>
          // The page's heading, for screen-reader navigation (the video says the rest).
          <h1 class="visually-hidden">{ label }</h1>
          <div class="call-main">
            // No entrance: a stage that had risen into view measured a slower setup of the next
            // call, on both sides (docs/benchmarks.md).
            <div ref={stage.clone()} class="stage">
                // Under the friend's video, which covers it with their first frame.
                if !has_remote {
                    <div class={classes!("placeholder", alone(status).then_some("waiting"))} aria-hidden="true">
                        <div class="rings"><span /><span /></div>
                        <p class="placeholder-room">{ room }</p>
                    </div>
                }
                <Video class="remote" label={t.remote_video} stream={props.view.remote.clone()}
                    element={props.remote_video.clone()} speaker={props.speaker.clone()} />
                if has_remote && !friend.camera {
                    <div class="camera-off" aria-hidden="true">
                        <span class="camera-off-icon">{ "🚫" }</span>
                    </div>
                }
                if has_remote && !(friend.mic && friend.camera) {
                    <ul class="friend-flags" aria-label={t.friend}>
                        if !friend.mic {
                            <li class="flag">{ t.friend_muted }</li>
                        }
                        if !friend.camera {
                            <li class="flag">{ t.friend_camera_off }</li>
                        }
                    </ul>
                }
                <div class="pip">
                    // A mirror, as people expect of their own face; never a phone's back camera,
                    // which films what the person sees.
                    <Video class={classes!((props.local.facing() != Some(Facing::Environment)).then_some("mirror"))}
                        // Unnamed while drawn ahead: until Join, the room step's preview is the
                        // person's one "Local video".
                        label={if ahead { "" } else { t.local_video }}
                        stream={Some(props.local.shared_stream())} muted=true />
                    if props.sharing {
                        <p class="pip-flags sharing">{ t.sharing_screen }</p>
                    } else if !props.local_state.camera || !props.local_state.mic {
                        <p class="pip-flags">
                            { match (props.local_state.mic, props.local_state.camera) {
                                (false, false) => t.you_muted_camera_off,
                                (false, true) => t.you_muted,
                                _ => t.your_camera_off,
                            } }
                        </p>
                    }
                </div>
                <div class={classes!("status", status_tone(status))} role="status">
                    <span class="dot" aria-hidden="true" />
                    { status_text(status, t) }
                </div>
                <QualityIndicator quality={props.view.quality} />
                <AudioOnly thin_uplink={props.view.thin_uplink} on={props.audio_only}
                    on_change={props.on_audio_only.clone()} />
                if let Some(code) = props.view.verification {
                    <p class="verification" role="note" aria-label={t.verification_code}
                       title={t.verification_hint}>
                        <span class="verification-symbols" aria-hidden="true">{ code.symbols() }</span>
                        <span class="visually-hidden">{ code.names(t) }</span>
                    </p>
                }
                if has_remote {
                    <ViewingButtons stage={stage.clone()} />
                }
            </div>
            if let Some(notice) = &props.view.notice {
                <p class="alert floating" role="alert">{ notice_text(notice, t) }</p>
            }
            { props.chat.clone() }
          </div>
            { props.toolbar.clone() }
        </section>
    }
}

/// The words of a notice in the call view.
fn notice_text(notice: &Notice, t: &Texts) -> String {
    match notice {
        Notice::Service(message) => message.clone(),
        Notice::Unavailable => t.notice_unavailable.to_owned(),
        Notice::TooManyJoins => t.notice_too_many_joins.to_owned(),
    }
}
