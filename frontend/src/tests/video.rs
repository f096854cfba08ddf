//! The friend's video, made before the call screen: the `Video` component shows that very
//! element, names it as it would its own, and leaves its stream to the call that filled it.

use std::time::Duration;

use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{HtmlVideoElement, MediaStream};
use yew::prelude::*;

use super::{find, mount_point, until};
use crate::browser::media::video_element;
use crate::ui::components::video::{put_stream, Video, VideoProps};

fn props(
    element: &HtmlVideoElement,
    label: &'static str,
    stream: Option<MediaStream>,
) -> VideoProps {
    VideoProps {
        stream,
        label: label.into(),
        muted: false,
        class: classes!("remote"),
        element: Some(element.clone()),
        speaker: None,
    }
}

fn new_stream() -> MediaStream {
    match MediaStream::new() {
        Ok(stream) => stream,
        Err(e) => panic!("MediaStream: {e:?}"),
    }
}

#[wasm_bindgen_test]
async fn the_video_made_ahead_is_shown_named_and_keeps_the_stream_it_was_given() {
    let video = match video_element("Remote video") {
        Some(video) => video,
        None => panic!("no video element"),
    };
    assert!(video.autoplay(), "it plays as soon as it is in the page");
    assert!(video.has_attribute("playsinline"), "inline on phones");
    assert!(!video.is_connected(), "made outside the page");
    // The friend's stream arrives before the call screen is drawn.
    let stream = new_stream();
    put_stream(&video, Some(&stream));

    let root = mount_point();
    let mut handle = yew::Renderer::<Video>::with_root_and_props(
        root.clone(),
        props(&video, "Remote video", None),
    )
    .render();
    until("the video in the page", Duration::from_secs(5), || {
        video.is_connected()
    })
    .await;
    let shown = match find(&root, "video") {
        Some(shown) => shown,
        None => panic!("no video shown"),
    };
    assert!(
        video.is_same_node(Some(&shown)),
        "the element made ahead, not a new one"
    );
    assert_eq!(
        video.get_attribute("aria-label").as_deref(),
        Some("Remote video")
    );
    assert_eq!(video.get_attribute("class").as_deref(), Some("remote"));
    // The call screen says "no stream" until the connection is up: the stream stays.
    assert!(
        video.src_object().as_ref() == Some(&stream),
        "the component kept its hands off the call's stream"
    );

    // Another language names it again.
    handle.update(props(&video, "Vídeo de tu amigo", Some(stream.clone())));
    until("the Spanish name", Duration::from_secs(5), || {
        video.get_attribute("aria-label").as_deref() == Some("Vídeo de tu amigo")
    })
    .await;
    assert!(video.src_object().as_ref() == Some(&stream));

    // The call screen goes: the element leaves the page, ready for the next call.
    handle.destroy();
    until("the video out of the page", Duration::from_secs(5), || {
        !video.is_connected()
    })
    .await;
    put_stream(&video, None);
    assert!(video.src_object().is_none());
}
