//! Duet's browser app: a one-to-one video call in a Yew single-page app.
//!
//! The layers, from the bottom up (each imports only from the ones before it):
//! - [`i18n`]: every word the app shows, one file per language.
//! - [`call`]'s pure core ([`call::machine`], [`call::events`], [`call::controls`],
//!   [`call::chat`], [`call::device_fallback`], [`call::hide_address`], [`call::sound`],
//!   [`call::level`], [`call::verification`]): the call's rules as plain data in, plain data
//!   out, tested without a browser.
//! - [`browser`]: small typed wrappers over web-sys (getUserMedia, RTCPeerConnection with
//!   perfect negotiation, its data channel, the WebSocket with reconnection, `getStats`,
//!   storage, Web Locks, the clipboard, picture-in-picture and fullscreen, focus,
//!   `/config.json`, the microphone's level and processing, the speaker). Only these modules (and [`call::private_room`]'s random bytes) handle a
//!   raw `JsValue`; no component does.
//! - [`call::session`] and [`call::resume`]: run the state machine against the wrappers.
//! - [`ui`]: the interface (the app, its state and hooks, the components, the routes).

use wasm_bindgen::JsCast;

pub mod browser;
pub mod call;
pub mod i18n;
pub mod ui;

#[cfg(test)]
mod tests;

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app on the page's `<body>`, in place of index.html's splash.
pub fn run() {
    if let Some(splash) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        splash.remove();
    }
    // A page restored from the back/forward cache has hung up its call when it was hidden:
    // start it afresh (media, then the room) rather than show a dead call.
    if let Some(window) = web_sys::window() {
        gloo::events::EventListener::new(&window, "pageshow", |event| {
            let persisted = event
                .dyn_ref::<web_sys::PageTransitionEvent>()
                .is_some_and(web_sys::PageTransitionEvent::persisted);
            if persisted {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().reload();
                }
            }
        })
        // The listener lives as long as the page.
        .forget();
    }
    yew::Renderer::<ui::app::App>::new().render();
}
