//! Duet's browser app: a one-to-one video call in a Yew single-page app.
//!
//! The layers, from the browser up:
//! - [`media`], [`peer`], [`channel`], [`signaling`], [`stats`], [`storage`], [`locks`],
//!   [`clipboard`], [`viewing`], [`private_room`], [`config`]: small typed wrappers over
//!   web-sys (getUserMedia and `play()`, RTCPeerConnection with perfect negotiation, its data
//!   channel, the WebSocket with reconnection, `getStats`, resume tokens, Web Locks, the
//!   clipboard, picture-in-picture and fullscreen, random room names, `/config.json`). Of
//!   them, only [`media`], [`peer`], [`locks`], [`clipboard`], [`viewing`], [`private_room`]
//!   and [`config`] handle a raw `JsValue`; no other module, and no component, does.
//! - [`resume`]: which resume token a tab joins with; [`hide_address`]: whether a call may
//!   use only relayed candidates.
//! - [`call`]: the call's state machine, pure.
//! - [`session`]: runs the state machine against the wrappers.
//! - [`app`] and [`components`]: the interface.

use wasm_bindgen::JsCast;

pub mod app;
pub mod call;
pub mod channel;
pub mod chat;
pub mod clipboard;
pub mod components;
pub mod config;
pub mod controls;
pub mod device_fallback;
pub mod focus;
pub mod hide_address;
pub mod i18n;
pub mod locks;
pub mod media;
pub mod peer;
pub mod private_room;
pub mod resume;
pub mod routes;
pub mod session;
pub mod signaling;
pub mod stats;
pub mod storage;
pub mod verification;
pub mod viewing;

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
    yew::Renderer::<app::App>::new().render();
}
