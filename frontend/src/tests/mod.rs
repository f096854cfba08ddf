//! Browser tests that span modules: the room dialog and the app mounted for real, and two
//! real peer connections talking through the peer layer.

mod app;
mod availability;
mod call_screen;
mod media_error;
mod peer_loopback;
mod room_dialog;
mod room_name;
mod sound_check;
mod toolbar;
mod video;

use std::time::Duration;

use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element};

/// Resolves after `ms` milliseconds (a browser timer, never a busy loop).
pub async fn tick(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Waits until `condition` holds, checking every 20 ms; panics naming `what` after `limit`.
pub async fn until(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let start = js_sys::Date::now();
    while !condition() {
        if js_sys::Date::now() - start > limit.as_secs_f64() * 1000.0 {
            panic!("timed out after {limit:?} waiting for {what}");
        }
        tick(20).await;
    }
}

pub fn document() -> Document {
    match web_sys::window().and_then(|w| w.document()) {
        Some(document) => document,
        None => panic!("no document"),
    }
}

/// A fresh `<div>` attached to the page, to mount a component into.
pub fn mount_point() -> Element {
    let document = document();
    let div = match document.create_element("div") {
        Ok(div) => div,
        Err(e) => panic!("create_element: {e:?}"),
    };
    if let Some(body) = document.body() {
        let _ = body.append_child(&div);
    }
    div
}

/// The first element under `root` matching `selector`, if any.
pub fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

/// The text of the first element matching `selector`, or "" if there is none.
pub fn text_of(root: &Element, selector: &str) -> String {
    find(root, selector)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}
