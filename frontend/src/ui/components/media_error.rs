//! The screen shown when the camera and microphone cannot be used: what happened, that they
//! are required, what to do about it, and a way to try again.

use yew::prelude::*;

use crate::i18n::{fill, use_texts, Texts};

use crate::browser::media::MediaError;

/// What happened, and what to do, for a person (not a developer), in the language of `t`.
pub fn explain(error: &MediaError, t: &Texts) -> (&'static str, String) {
    let (what, todo) = match error {
        MediaError::InsecureContext => (t.media_insecure, t.media_insecure_todo.to_owned()),
        MediaError::Refused => (t.media_refused, t.media_refused_todo.to_owned()),
        MediaError::NotFound => (t.media_not_found, t.media_not_found_todo.to_owned()),
        MediaError::NotReadable => (t.media_not_readable, t.media_not_readable_todo.to_owned()),
        MediaError::Overconstrained => (
            t.media_overconstrained,
            t.media_overconstrained_todo.to_owned(),
        ),
        MediaError::Blocked => (t.media_blocked, t.media_blocked_todo.to_owned()),
        MediaError::Aborted => (t.media_aborted, t.media_aborted_todo.to_owned()),
        MediaError::Other { name, message } => (
            t.media_other,
            fill(t.media_other_todo, &[("name", name), ("message", message)]),
        ),
    };
    (what, format!("{} {todo}", t.media_required))
}

/// Props of [`MediaErrorView`].
#[derive(Properties, PartialEq)]
pub struct MediaErrorProps {
    /// What went wrong.
    pub error: MediaError,
    /// Ask for the camera and microphone again.
    pub on_retry: Callback<()>,
}

/// The camera-and-microphone error screen.
#[function_component]
pub fn MediaErrorView(props: &MediaErrorProps) -> Html {
    let t = use_texts();
    let (what, todo) = explain(&props.error, t);
    let on_retry = props.on_retry.reform(|_: MouseEvent| ());
    html! {
        <section class="card notice-card" aria-labelledby="media-error-title">
            <div class="notice-icon" aria-hidden="true">
                <svg viewBox="0 0 24 24" width="28" height="28">
                    <path d="M15 8v8H5V8h10m1-2H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 \
                             1-1v-3.5l4 4v-11l-4 4V7a1 1 0 0 0-1-1z" />
                    <line x1="3" y1="3" x2="21" y2="21" />
                </svg>
            </div>
            <h1 id="media-error-title">{ t.media_required_title }</h1>
            <div class="alert" role="alert">
                <p><strong>{ what }</strong></p>
                <p>{ todo }</p>
            </div>
            <button type="button" class="button primary" onclick={on_retry}>{ t.try_again }</button>
        </section>
    }
}
