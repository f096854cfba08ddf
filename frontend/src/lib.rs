//! Duet's browser app: a one-to-one video call in a Yew single-page app.
//!
//! The layers, from the browser up:
//! - [`media`], [`peer`], [`signaling`], [`storage`], [`config`]: small typed wrappers over
//!   web-sys (getUserMedia, RTCPeerConnection with perfect negotiation, the WebSocket with
//!   reconnection, resume tokens, `/config.json`). No other module touches a raw `JsValue`.
//! - [`call`]: the call's state machine, pure.
//! - [`session`]: runs the state machine against the wrappers.
//! - [`app`] and [`components`]: the interface.

pub mod app;
pub mod call;
pub mod components;
pub mod config;
pub mod media;
pub mod peer;
pub mod session;
pub mod signaling;
pub mod storage;

#[cfg(test)]
mod tests;

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app on the page's `<body>`.
pub fn run() {
    yew::Renderer::<app::App>::new().render();
}
