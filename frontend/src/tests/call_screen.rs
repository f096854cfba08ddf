//! The call screen drawn ahead of a join (hidden under the room step) and revealed by it: the
//! same elements, now named for the room, with the person's own video named only then.

use std::time::Duration;

use shared::RoomName;
use wasm_bindgen_test::wasm_bindgen_test;

use super::{find, mount_point, text_of, until};
use crate::browser::media::LocalMedia;
use crate::call::controls::MediaState;
use crate::call::session::CallView;
use crate::call::status::CallStatus;
use crate::ui::components::call_view::{CallScreen, CallScreenProps};

fn props(local: &LocalMedia, room: Option<RoomName>, view: CallView) -> CallScreenProps {
    CallScreenProps {
        room,
        view,
        local: local.clone(),
        local_state: MediaState::default(),
        sharing: false,
        chat: yew::Html::default(),
        toolbar: yew::Html::default(),
        audio_only: false,
        on_audio_only: yew::Callback::noop(),
        remote_video: None,
        speaker: None,
    }
}

#[wasm_bindgen_test]
async fn drawn_ahead_unnamed_then_revealed_in_place_for_the_room() {
    let local = match LocalMedia::acquire().await {
        Ok(media) => media,
        Err(e) => panic!("fake media: {e}"),
    };
    let root = mount_point();
    let mut handle = yew::Renderer::<CallScreen>::with_root_and_props(
        root.clone(),
        props(&local, None, CallView::joining()),
    )
    .render();
    until("the call screen", Duration::from_secs(5), || {
        find(&root, "section.call").is_some()
    })
    .await;
    let Some(section) = find(&root, "section.call") else {
        panic!("no call screen")
    };
    // Ahead: hidden by its class, and named nothing a screen reader or a test could take for
    // the room step's own (`.call.ahead` in style.css hides it).
    assert_eq!(
        section.get_attribute("class").as_deref(),
        Some("call ahead")
    );
    assert_eq!(section.get_attribute("aria-label"), None);
    assert_eq!(text_of(&root, "h1"), "");
    assert!(
        find(&root, "video[aria-label='Local video']").is_none(),
        "the room step's preview is the one local video until Join"
    );

    let room = RoomName::parse("Sunday").unwrap_or_else(|e| panic!("{e}"));
    let mut view = CallView::joining();
    view.status = CallStatus::Connecting;
    handle.update(props(&local, Some(room), view));
    until("the revealed screen", Duration::from_secs(5), || {
        section.get_attribute("class").as_deref() == Some("call")
    })
    .await;
    assert!(
        find(&root, "section.call").is_some_and(|now| now.is_same_node(Some(&section))),
        "revealed in place, not drawn again"
    );
    assert_eq!(
        section.get_attribute("aria-label").as_deref(),
        Some("Call in room Sunday")
    );
    assert_eq!(text_of(&root, "h1"), "Call in room Sunday");
    assert_eq!(text_of(&root, ".placeholder-room"), "Sunday");
    assert!(find(&root, ".pip video[aria-label='Local video']").is_some());

    handle.destroy();
    root.remove();
    for track in crate::browser::media::tracks_of(&local.shared_stream()) {
        track.stop();
    }
}
