//! Picture-in-picture and fullscreen for the friend's video: two toggle buttons
//! (`aria-pressed`) that follow the browser's own state (its PiP window closed, Escape
//! pressed) through its events. Each shows only where the browser offers that mode.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlVideoElement};
use yew::prelude::*;

use crate::browser::viewing::{
    fullscreen_supported, in_fullscreen, in_picture_in_picture, picture_in_picture_supported,
    toggle_fullscreen, toggle_picture_in_picture,
};
use crate::i18n::use_texts;

/// Props of [`ViewingButtons`].
#[derive(Properties, PartialEq)]
pub struct ViewingButtonsProps {
    /// The stage: shown fullscreen, and holding the friend's `video.remote`.
    pub stage: NodeRef,
}

/// The two buttons.
#[function_component]
pub fn ViewingButtons(props: &ViewingButtonsProps) -> Html {
    let t = use_texts();
    let pip = use_state(in_picture_in_picture);
    let full = use_state(in_fullscreen);
    let failed = use_state(|| false);
    {
        // The browser changes these modes by itself too; its events keep the buttons true.
        // `enterpictureinpicture` does not bubble: listen in the capture phase on the stage.
        let (pip, full) = (pip.clone(), full.clone());
        let stage = props.stage.clone();
        use_effect_with((), move |_| {
            let mut listeners = Vec::new();
            if let Some(stage) = stage.cast::<Element>() {
                for name in ["enterpictureinpicture", "leavepictureinpicture"] {
                    let pip = pip.clone();
                    listeners.push(EventListener::new_with_options(
                        &stage,
                        name,
                        EventListenerOptions::run_in_capture_phase(),
                        move |_| pip.set(in_picture_in_picture()),
                    ));
                }
            }
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                listeners.push(EventListener::new(
                    &document,
                    "fullscreenchange",
                    move |_| full.set(in_fullscreen()),
                ));
            }
            move || drop(listeners)
        });
    }
    let on_pip = {
        let stage = props.stage.clone();
        let failed = failed.clone();
        Callback::from(move |_: MouseEvent| {
            let video = stage
                .cast::<Element>()
                .and_then(|s| s.query_selector("video.remote").ok().flatten())
                .and_then(|v| v.dyn_into::<HtmlVideoElement>().ok());
            let failed = failed.clone();
            if let Some(video) = video {
                spawn_local(async move {
                    failed.set(toggle_picture_in_picture(&video).await.is_err());
                });
            }
        })
    };
    let on_full = {
        let stage = props.stage.clone();
        let failed = failed.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(stage) = stage.cast::<Element>() {
                failed.set(toggle_fullscreen(&stage).is_err());
            }
        })
    };
    let pressed = |on: bool| if on { "true" } else { "false" };
    html! {
        <div class="viewing">
            // A mode this browser does not offer is not offered (rather than refused on a click).
            if picture_in_picture_supported() {
                <button type="button" class="view-button" aria-pressed={pressed(*pip)} onclick={on_pip}>
                    { t.picture_in_picture }
                </button>
            }
            if fullscreen_supported() {
                <button type="button" class="view-button" aria-pressed={pressed(*full)} onclick={on_full}>
                    { t.full_screen }
                </button>
            }
            // A polite live region, always there so that its message is read out when it
            // appears (not a `role="status"`: the call screen's one status is the call's).
            <p class="view-failed" aria-live="polite">
                if *failed { { t.not_available } }
            </p>
        </div>
    }
}
