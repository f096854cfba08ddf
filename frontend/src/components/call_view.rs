//! The call: the friend's video large, the person's own as a small picture-in-picture, and
//! one status line.

use shared::RoomName;
use yew::prelude::*;

use crate::call::CallStatus;
use crate::components::Video;
use crate::media::LocalMedia;
use crate::session::CallView;

/// Props of [`CallScreen`].
#[derive(Properties, PartialEq)]
pub struct CallScreenProps {
    /// The room.
    pub room: RoomName,
    /// What the session reports.
    pub view: CallView,
    /// The person's camera and microphone.
    pub local: LocalMedia,
}

fn status_tone(status: &CallStatus) -> &'static str {
    match status {
        CallStatus::Connected => "ok",
        CallStatus::FriendLeft | CallStatus::FriendDropped | CallStatus::WaitingForFriend => "idle",
        _ => "busy",
    }
}

/// The call screen.
#[function_component]
pub fn CallScreen(props: &CallScreenProps) -> Html {
    let status = &props.view.status;
    let has_remote = props.view.remote.is_some();
    html! {
        <section class="call" aria-label={format!("Call in room {}", props.room)}>
            <div class={classes!("stage", has_remote.then_some("live"))}>
                <Video class="remote" label="Remote video" stream={props.view.remote.clone()} />
                if !has_remote {
                    <div class="placeholder" aria-hidden="true">
                        <div class="rings"><span /><span /></div>
                        <p class="placeholder-room">{ props.room.as_str() }</p>
                    </div>
                }
                <div class="pip">
                    <Video class="mirror" label="Local video"
                        stream={Some(props.local.stream().clone())} muted=true />
                </div>
                <div class={classes!("status", status_tone(status))} role="status">
                    <span class="dot" aria-hidden="true" />
                    { status.text() }
                </div>
            </div>
            if let Some(notice) = &props.view.notice {
                <p class="alert floating" role="alert">{ notice }</p>
            }
        </section>
    }
}
