//! A browser without WebRTC and a page without a connection: detected from the browser's own
//! globals, said at once as alerts named by their titles, and a join without WebRTC answered
//! with the reason instead of a call.

use std::rc::Rc;
use std::time::Duration;

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew::Reducible;

use super::{find, mount_point, until};
use crate::browser::media::LocalMedia;
use crate::browser::peer;
use crate::i18n::{EN, ES};
use crate::ui::components::availability::availability;
use crate::ui::state::{Action, AppState, Reach, RoomNotice, Screen};
use crate::ui::wording::room_notice_text;

#[wasm_bindgen_test]
fn webrtc_is_found_where_rtc_peer_connection_is_and_missed_where_it_is_not() {
    assert!(peer::supported(), "headless Chromium has WebRTC");
    let global = js_sys::global();
    let name = JsValue::from_str("RTCPeerConnection");
    let original = Reflect::get(&global, &name).unwrap_or(JsValue::UNDEFINED);
    // What the end-to-end test's init script does, and what a browser built without WebRTC
    // (Debian's WebKitGTK) looks like.
    assert_eq!(Reflect::delete_property(&global, &name), Ok(true));
    let missing = peer::supported();
    assert_eq!(Reflect::set(&js_sys::global(), &name, &original), Ok(true));
    assert!(!missing, "no RTCPeerConnection, no calls");
    assert!(peer::supported(), "put back for the other tests");
}

#[wasm_bindgen_test]
async fn without_webrtc_a_join_says_why_and_starts_nothing() {
    let media = match LocalMedia::acquire().await {
        Ok(media) => media,
        Err(e) => panic!("fake media: {e}"),
    };
    let room = shared::RoomName::parse("x").unwrap_or_else(|e| panic!("{e}"));
    let asking = Rc::new(AppState {
        screen: Screen::AskingRoom { notice: None },
        media: Some(media.clone()),
        webrtc: false,
        ..AppState::default()
    });
    let after = asking.reduce(Action::Join(room.clone()));
    assert_eq!(
        after.screen,
        Screen::AskingRoom {
            notice: Some(RoomNotice::NoWebRtc)
        }
    );
    assert_eq!(after.join_attempt, 0, "no call started");
    let said = room_notice_text(&RoomNotice::NoWebRtc, &EN);
    assert!(
        said.contains("cannot make video calls") && said.contains("Firefox"),
        "{said}"
    );

    // With WebRTC, the same join is a call.
    let able = Rc::new(AppState {
        screen: Screen::AskingRoom { notice: None },
        media: Some(media.clone()),
        ..AppState::default()
    });
    assert!(matches!(
        able.reduce(Action::Join(room)).screen,
        Screen::InCall { .. }
    ));
    media.stop();
}

#[wasm_bindgen_test]
fn the_reach_follows_the_service() {
    let online = Rc::new(AppState::default());
    assert_eq!(online.reach, Reach::Reachable);
    let same = online.clone().reduce(Action::Reach(Reach::Reachable));
    assert!(Rc::ptr_eq(&online, &same), "nothing new: no redraw");
    let offline = online.reduce(Action::Reach(Reach::Offline));
    assert_eq!(offline.reach, Reach::Offline);
    let down = offline.reduce(Action::Reach(Reach::ServiceDown));
    assert_eq!(down.reach, Reach::ServiceDown);
    assert_eq!(
        down.reduce(Action::Reach(Reach::Reachable)).reach,
        Reach::Reachable
    );
}

#[wasm_bindgen_test]
fn no_answer_is_offline_only_when_the_browser_says_so() {
    assert_eq!(Reach::unanswered(false), Reach::Offline);
    assert_eq!(Reach::unanswered(true), Reach::ServiceDown);
    assert_eq!(Reach::answered(false), Reach::Offline);
    assert_eq!(Reach::answered(true), Reach::Reachable);
}

#[derive(Properties, PartialEq)]
struct NoticesProps {
    webrtc: bool,
    reach: Reach,
    spanish: bool,
}

#[function_component]
fn Notices(props: &NoticesProps) -> Html {
    let t = if props.spanish { &ES } else { &EN };
    html! { <main>{ availability(props.webrtc, props.reach, t) }</main> }
}

/// The alert's accessible name: the text of the element its `aria-labelledby` names.
fn alert_names(root: &web_sys::Element) -> Vec<String> {
    let Ok(alerts) = root.query_selector_all("[role=alert]") else {
        return Vec::new();
    };
    (0..alerts.length())
        .filter_map(|i| alerts.item(i))
        .filter_map(|node| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(node).ok())
        .map(|alert| {
            let id = alert.get_attribute("aria-labelledby").unwrap_or_default();
            find(root, &format!("#{id}"))
                .and_then(|title| title.text_content())
                .unwrap_or_default()
        })
        .collect()
}

#[wasm_bindgen_test]
async fn each_reason_is_an_alert_named_by_its_title_in_both_languages() {
    for (spanish, webrtc, reach, expected) in [
        (false, true, Reach::Reachable, vec![]),
        (false, false, Reach::Reachable, vec![EN.no_webrtc_title]),
        (false, true, Reach::Offline, vec![EN.offline_title]),
        (false, true, Reach::ServiceDown, vec![EN.unreachable_title]),
        (
            true,
            false,
            Reach::Offline,
            vec![ES.no_webrtc_title, ES.offline_title],
        ),
        (true, true, Reach::ServiceDown, vec![ES.unreachable_title]),
    ] {
        let root = mount_point();
        let handle = yew::Renderer::<Notices>::with_root_and_props(
            root.clone(),
            NoticesProps {
                webrtc,
                reach,
                spanish,
            },
        )
        .render();
        until("the render", Duration::from_secs(5), || {
            find(&root, "main").is_some()
        })
        .await;
        assert_eq!(alert_names(&root), expected);
        let text = root.text_content().unwrap_or_default();
        let texts = if spanish { &ES } else { &EN };
        match reach {
            Reach::Reachable => {}
            Reach::Offline => assert!(text.contains(texts.offline_todo), "{text}"),
            Reach::ServiceDown => assert!(text.contains(texts.unreachable_todo), "{text}"),
        }
        handle.destroy();
        root.remove();
    }
    assert!(EN.offline_title.contains("offline"));
    assert!(EN
        .offline_todo
        .contains("A call needs an internet connection"));
}
