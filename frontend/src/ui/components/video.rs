//! A `<video>` showing a `MediaStream`.
//!
//! `srcObject`, `muted` and the speaker (`setSinkId`) are DOM properties, not attributes, so
//! they are set on the element after rendering. `play()` may be refused by an autoplay policy; then a button
//! offers to start the video by hand instead of leaving a silent black box.

use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlVideoElement, MediaStream};
use yew::prelude::*;

use crate::browser::media::play;
use crate::browser::speaker::route;
use crate::i18n::use_texts;

/// Props of [`Video`].
#[derive(Properties, PartialEq)]
pub struct VideoProps {
    /// The stream to show; `None` shows nothing (`srcObject = null`).
    pub stream: Option<MediaStream>,
    /// The accessible name, e.g. "Local video".
    pub label: AttrValue,
    /// Silence the element (the person's own microphone: no echo).
    #[prop_or_default]
    pub muted: bool,
    /// Extra classes for the element.
    #[prop_or_default]
    pub class: Classes,
    /// The element's handle, for whoever must reach it between renders (see [`put_stream`]);
    /// by default one of its own.
    #[prop_or_default]
    pub node: Option<NodeRef>,
    /// The speaker its sound plays on (a `deviceId`); `None`: the system's default.
    #[prop_or_default]
    pub speaker: Option<AttrValue>,
}

/// Puts `stream` in the video element behind `node`, if it is rendered, unless it shows that
/// stream already (setting the same one again would load it again, and lose the frame shown).
/// Returns the element when it took a new stream.
pub fn put_stream(node: &NodeRef, stream: Option<&MediaStream>) -> Option<HtmlVideoElement> {
    let video = node.cast::<HtmlVideoElement>()?;
    if video.src_object().as_ref() == stream {
        return None;
    }
    video.set_src_object(stream);
    Some(video)
}

/// A video element bound to a stream.
#[function_component]
pub fn Video(props: &VideoProps) -> Html {
    let own = use_node_ref();
    let node = props.node.clone().unwrap_or(own);
    let blocked = use_state(|| false);
    let t = use_texts();
    {
        let node = node.clone();
        let blocked = blocked.clone();
        use_effect_with(
            (props.stream.clone(), props.muted),
            move |(stream, muted)| {
                if let Some(video) = node.cast::<HtmlVideoElement>() {
                    video.set_muted(*muted);
                    put_stream(&node, stream.as_ref());
                    if stream.is_some() {
                        spawn_local(async move { blocked.set(play(&video).await.is_err()) });
                    } else {
                        blocked.set(false);
                    }
                }
            },
        );
    }
    {
        let node = node.clone();
        use_effect_with(props.speaker.clone(), move |speaker| {
            if let (Some(video), Some(speaker)) = (node.cast::<HtmlVideoElement>(), speaker.clone())
            {
                spawn_local(async move {
                    // A speaker gone since it was chosen: the default one plays instead.
                    if let Err(e) = route(&video, &speaker).await {
                        gloo::console::warn!(format!("the chosen speaker: {e}"));
                    }
                });
            }
        });
    }
    let on_play = {
        let node = node.clone();
        let blocked = blocked.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(video) = node.cast::<HtmlVideoElement>() {
                let blocked = blocked.clone();
                spawn_local(async move { blocked.set(play(&video).await.is_err()) });
            }
        })
    };
    html! {
        <>
            <video
                ref={node}
                class={props.class.clone()}
                aria-label={props.label.clone()}
                autoplay=true
                muted={props.muted}
                playsinline=true
            />
            if *blocked {
                <button type="button" class="button primary play-button" onclick={on_play}>
                    { t.start_video }
                </button>
            }
        </>
    }
}
