//! The toolbar, mounted: the chat button's name says the unread count in words, and the
//! screen share is offered where the browser can share a screen.

use std::time::Duration;

use wasm_bindgen_test::wasm_bindgen_test;
use yew::Callback;

use super::{find, mount_point, until};
use crate::call::controls::MediaState;
use crate::ui::components::toolbar::{Toolbar, ToolbarProps};

fn props(unread: u32) -> ToolbarProps {
    ToolbarProps {
        media: MediaState::default(),
        chat_open: false,
        unread,
        on_toggle_mic: Callback::noop(),
        on_toggle_camera: Callback::noop(),
        on_toggle_chat: Callback::noop(),
        on_help: Callback::noop(),
        on_leave: Callback::noop(),
        sharing: false,
        on_share: Callback::noop(),
        devices: yew::Html::default(),
    }
}

#[wasm_bindgen_test]
async fn the_chat_button_says_chat_comma_the_unread_count() {
    let root = mount_point();
    let handle = yew::Renderer::<Toolbar>::with_root_and_props(root.clone(), props(1)).render();
    until("the toolbar", Duration::from_secs(5), || {
        find(&root, "[role=toolbar]").is_some()
    })
    .await;
    let chat = match find(&root, "button[aria-controls=chat-panel]") {
        Some(button) => button,
        None => panic!("no chat button"),
    };
    assert_eq!(
        chat.get_attribute("aria-label").as_deref(),
        Some("Chat, 1 unread")
    );
    assert_eq!(
        find(&chat, ".badge")
            .and_then(|b| b.get_attribute("aria-hidden"))
            .as_deref(),
        Some("true"),
        "the badge is not read a second time"
    );
    // Headless Chromium has getDisplayMedia: the share button is there.
    let labels: Vec<String> = match root.query_selector_all("button") {
        Ok(list) => (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.text_content())
            .collect(),
        Err(e) => panic!("{e:?}"),
    };
    assert!(
        labels.iter().any(|l| l.contains("Share screen")),
        "{labels:?}"
    );
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn without_unread_messages_the_chat_button_is_just_chat() {
    let root = mount_point();
    let handle = yew::Renderer::<Toolbar>::with_root_and_props(root.clone(), props(0)).render();
    until("the toolbar", Duration::from_secs(5), || {
        find(&root, "[role=toolbar]").is_some()
    })
    .await;
    let chat = find(&root, "button[aria-controls=chat-panel]");
    assert_eq!(
        chat.as_ref().and_then(|c| c.get_attribute("aria-label")),
        None
    );
    assert_eq!(
        chat.and_then(|c| c.text_content())
            .map(|t| t.trim().to_owned())
            .as_deref(),
        Some("💬Chat")
    );
    handle.destroy();
    root.remove();
}
