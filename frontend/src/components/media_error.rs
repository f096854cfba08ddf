//! The screen shown when the camera and microphone cannot be used: what happened, that they
//! are required, what to do about it, and a way to try again.

use yew::prelude::*;

use crate::media::MediaError;

/// What happened, and what to do, for a person (not a developer).
pub fn explain(error: &MediaError) -> (&'static str, String) {
    let required = "Duet needs both your camera and your microphone: they are required for a \
                    video call.";
    let (what, todo) = match error {
        MediaError::InsecureContext => (
            "This page was not opened securely, so the browser does not offer the camera and \
             microphone to it at all.",
            "Open Duet with an https:// address (or on localhost), then choose Try again."
                .to_owned(),
        ),
        MediaError::Refused => (
            "Access to the camera and microphone was refused.",
            "Allow the camera and the microphone for this site in your browser's site settings \
             (the camera or padlock icon next to the address), then choose Try again."
                .to_owned(),
        ),
        MediaError::NotFound => (
            "No camera or microphone was found on this device.",
            "Connect a camera and a microphone (or turn them on in your system settings), then \
             choose Try again."
                .to_owned(),
        ),
        MediaError::NotReadable => (
            "Your camera or microphone is there but could not be started. It may be busy in \
             another app, or its driver or hardware may have a problem.",
            "Close other apps or tabs that use the camera or microphone (video calls, \
             recorders), reconnect the device if needed, then choose Try again."
                .to_owned(),
        ),
        MediaError::Overconstrained => (
            "Your camera or microphone cannot provide what the call asks for.",
            "Connect another camera or microphone, or pick different ones in your system \
             settings, then choose Try again."
                .to_owned(),
        ),
        MediaError::Blocked => (
            "This page is not allowed to use the camera and microphone (a browser policy or \
             the page embedding Duet blocks them).",
            "Open Duet directly in its own tab, over https:// or on localhost, then choose Try \
             again."
                .to_owned(),
        ),
        MediaError::Aborted => (
            "Starting the camera and microphone was interrupted.",
            "Check that they are connected, then choose Try again.".to_owned(),
        ),
        MediaError::Other { name, message } => (
            "The camera and microphone could not be started.",
            format!(
                "Check that they are connected and not used by another app, then choose Try \
                 again. (The browser said: {name}: {message})"
            ),
        ),
    };
    (what, format!("{required} {todo}"))
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
    let (what, todo) = explain(&props.error);
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
            <h1 id="media-error-title">{ "Camera and microphone required" }</h1>
            <div class="alert" role="alert">
                <p><strong>{ what }</strong></p>
                <p>{ todo }</p>
            </div>
            <button type="button" class="button primary" onclick={on_retry}>{ "Try again" }</button>
        </section>
    }
}
