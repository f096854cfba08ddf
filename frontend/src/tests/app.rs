//! The whole app mounted with the fake camera: media first, the dialog only after it.

use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlVideoElement;

use super::{find, mount_point, text_of, tick, until};
use crate::ui::app::App;

#[wasm_bindgen_test]
async fn media_comes_first_then_the_room_dialog_with_a_muted_preview() {
    let root = mount_point();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    // Look as often as the browser lets us: the first render must ask for media, not a room.
    let start = js_sys::Date::now();
    while find(&root, ".brand").is_none() && js_sys::Date::now() - start < 5000.0 {
        tick(0).await;
    }
    assert!(
        find(&root, "[role=dialog]").is_none(),
        "no dialog before media succeeded"
    );
    assert!(text_of(&root, "[role=status]").contains("camera and microphone"));
    until("the room dialog", Duration::from_secs(10), || {
        find(&root, "[role=dialog]").is_some()
    })
    .await;
    assert!(text_of(&root, "h1").contains("Join a room"));
    let video: Option<HtmlVideoElement> =
        find(&root, "video[aria-label='Local video']").and_then(|v| v.dyn_into().ok());
    let Some(video) = video else {
        panic!("no local preview")
    };
    until("the preview's stream", Duration::from_secs(5), || {
        video.src_object().is_some()
    })
    .await;
    assert!(
        video.muted(),
        "the local video is muted as a property: no echo"
    );
    assert!(video.has_attribute("playsinline"));
    assert!(video.has_attribute("autoplay"));
    // Leave no camera running for the next tests.
    if let Some(stream) = video.src_object() {
        for track in crate::browser::media::tracks_of(&stream) {
            track.stop();
        }
    }
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
fn without_media_there_is_no_room_to_join() {
    use std::rc::Rc;
    use yew::Reducible;

    use crate::ui::state::{Action, AppState, Screen};

    let start = Rc::new(AppState::default());
    assert_eq!(start.screen, Screen::AcquiringMedia);
    let room = shared::RoomName::parse("x").unwrap_or_else(|e| panic!("{e}"));
    let after = start.clone().reduce(Action::Join(room));
    assert_eq!(
        after.screen,
        Screen::AcquiringMedia,
        "a join before media is ignored"
    );
    let failed = start.reduce(Action::MediaFailed(
        crate::browser::media::MediaError::Refused,
    ));
    let retried = failed.reduce(Action::RetryMedia);
    assert_eq!(retried.screen, Screen::AcquiringMedia);
    assert_eq!(retried.media_attempt, 1, "Try again asks again");
}

#[wasm_bindgen_test]
fn keys_on_form_controls_and_in_dialogs_are_theirs_not_shortcuts() {
    use crate::ui::hooks::shortcuts::takes_keys;

    let root = mount_point();
    root.set_inner_html(
        "<select id='s'><option>Camera 1</option></select>\
         <input id='i'><textarea id='t'></textarea>\
         <div id='e' contenteditable='true'>text</div>\
         <div role='dialog'><button id='d' type='button'>Close</button></div>\
         <button id='b' type='button'>Mute microphone</button><div id='p'>plain</div>",
    );
    let target = |id: &str| match find(&root, &format!("#{id}")) {
        Some(element) => element,
        None => panic!("no #{id}"),
    };
    for id in ["s", "i", "t", "e", "d"] {
        assert!(takes_keys(&target(id)), "#{id} takes keys");
    }
    for id in ["b", "p"] {
        assert!(
            !takes_keys(&target(id)),
            "#{id}: a toolbar button or the page leaves keys to shortcuts"
        );
    }
    root.remove();
}

#[wasm_bindgen_test]
fn a_hidden_call_without_a_relay_ends_before_connecting_and_the_switch_then_knows() {
    use std::rc::Rc;
    use yew::Reducible;

    use crate::call::hide_address::AddressChoice;
    use crate::call::session::{CallView, SessionUpdate};
    use crate::ui::state::{Action, AppState, RoomNotice, Screen};

    let room = shared::RoomName::parse("x").unwrap_or_else(|e| panic!("{e}"));
    let in_call = AppState {
        screen: Screen::InCall {
            room,
            view: CallView::joining(),
        },
        hide_address: true,
        join_hides: true,
        ..AppState::default()
    };
    assert_eq!(in_call.address_choice(), AddressChoice::Open { on: true });
    let no_relay = CallView {
        relay_offered: Some(false),
        ..CallView::joining()
    };
    let after =
        Rc::new(in_call.clone()).reduce(Action::Session(SessionUpdate::View(no_relay.clone())));
    assert_eq!(
        after.screen,
        Screen::AskingRoom {
            notice: Some(RoomNotice::NoRelay)
        }
    );
    assert_eq!(after.address_choice(), AddressChoice::NoRelay);

    // A call that does not hide goes on, and the switch learns there is no relay.
    let direct = AppState {
        join_hides: false,
        ..in_call
    };
    let after = Rc::new(direct).reduce(Action::Session(SessionUpdate::View(no_relay)));
    assert!(matches!(after.screen, Screen::InCall { .. }));
    assert_eq!(after.address_choice(), AddressChoice::NoRelay);
}

#[wasm_bindgen_test]
fn audio_only_is_per_call_and_ends_with_a_screen_share() {
    use std::rc::Rc;
    use yew::Reducible;

    use crate::call::session::CallView;
    use crate::ui::state::{Action, AppState, Screen};

    let asking = Rc::new(AppState {
        screen: Screen::AskingRoom { notice: None },
        ..AppState::default()
    });
    assert!(
        !asking.clone().reduce(Action::AudioOnly(true)).audio_only,
        "no call, nothing to hold back"
    );
    let room = shared::RoomName::parse("x").unwrap_or_else(|e| panic!("{e}"));
    let in_call = Rc::new(AppState {
        screen: Screen::InCall {
            room,
            view: CallView::joining(),
        },
        ..AppState::default()
    });
    let audio_only = in_call.reduce(Action::AudioOnly(true));
    assert!(audio_only.audio_only);
    assert!(!audio_only.clone().reduce(Action::Sharing(true)).audio_only);
    assert!(!audio_only.reduce(Action::Leave).audio_only);
}
