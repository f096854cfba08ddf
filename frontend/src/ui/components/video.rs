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
    /// An element made beforehand ([`crate::browser::media::video_element`]) to show instead
    /// of a new one: the friend's video, which their stream fills before this is drawn. Its
    /// stream is then its maker's to set; `stream` only says when to start it playing.
    #[prop_or_default]
    pub element: Option<HtmlVideoElement>,
    /// The speaker its sound plays on (a `deviceId`); `None`: the system's default.
    #[prop_or_default]
    pub speaker: Option<AttrValue>,
}

/// Puts `stream` in `video`, unless it shows that stream already (setting the same one again
/// would load it again, and lose the frame shown).
pub fn put_stream(video: &HtmlVideoElement, stream: Option<&MediaStream>) {
    if video.src_object().as_ref() != stream {
        video.set_src_object(stream);
    }
}

/// A video element bound to a stream.
#[function_component]
pub fn Video(props: &VideoProps) -> Html {
    let node = use_node_ref();
    let blocked = use_state(|| false);
    let t = use_texts();
    // The element shown: the one made beforehand, else this component's own.
    let element = {
        let (given, node) = (props.element.clone(), node.clone());
        move || given.clone().or_else(|| node.cast::<HtmlVideoElement>())
    };
    // The element made beforehand gets what a rendered `<video>` gets from its attributes.
    use_effect_with(
        (
            props.element.clone(),
            props.class.to_string(),
            props.label.clone(),
        ),
        |(given, class, label)| {
            if let Some(given) = given {
                let _ = given.set_attribute("class", class);
                let _ = given.set_attribute("aria-label", label);
            }
        },
    );
    {
        let element = element.clone();
        let blocked = blocked.clone();
        let own = props.element.is_none();
        use_effect_with(
            (props.stream.clone(), props.muted),
            move |(stream, muted)| {
                if let Some(video) = element() {
                    video.set_muted(*muted);
                    if own {
                        put_stream(&video, stream.as_ref());
                    }
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
        let element = element.clone();
        use_effect_with(props.speaker.clone(), move |speaker| {
            if let (Some(video), Some(speaker)) = (element(), speaker.clone()) {
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
        let blocked = blocked.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(video) = element() {
                let blocked = blocked.clone();
                spawn_local(async move { blocked.set(play(&video).await.is_err()) });
            }
        })
    };
    let video = match &props.element {
        Some(given) => Html::VRef(given.clone().into()),
        None => html! {
            <video
                ref={node}
                class={props.class.clone()}
                aria-label={props.label.clone()}
                autoplay=true
                muted={props.muted}
                playsinline=true
            />
        },
    };
    html! {
        <>
            { video }
            if *blocked {
                <button type="button" class="button primary play-button" onclick={on_play}>
                    { t.start_video }
                </button>
            }
        </>
    }
}
