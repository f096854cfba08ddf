//! Ways to watch the friend: picture-in-picture (the video floats over other windows) and
//! fullscreen. web-sys binds picture-in-picture only behind `web_sys_unstable_apis`, so those
//! two calls go through `Reflect`, here and nowhere else.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlVideoElement};

/// The browser refused a viewing mode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewingError {
    /// This browser (or this page) has no such mode.
    #[error("this browser does not offer that here")]
    Unsupported,
    /// The browser refused (no video yet, not allowed, ...).
    #[error("the browser refused: {0}")]
    Refused(String),
}

fn document() -> Result<Document, ViewingError> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or(ViewingError::Unsupported)
}

/// Calls `target[name]()` and waits for the promise it returns, if any.
async fn call(target: &JsValue, name: &str) -> Result<(), ViewingError> {
    let method = Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or(ViewingError::Unsupported)?;
    let result = method
        .call0(target)
        .map_err(|e| ViewingError::Refused(format!("{e:?}")))?;
    if let Ok(promise) = result.dyn_into::<Promise>() {
        JsFuture::from(promise)
            .await
            .map_err(|e| ViewingError::Refused(format!("{e:?}")))?;
    }
    Ok(())
}

/// Whether this browser lets a page put a video in picture-in-picture
/// (`document.pictureInPictureEnabled`): Firefox has only its own overlay button and no
/// `requestPictureInPicture`, and a permissions policy can turn it off.
pub fn picture_in_picture_supported() -> bool {
    document()
        .ok()
        .and_then(|d| Reflect::get(&d, &JsValue::from_str("pictureInPictureEnabled")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Whether this page may show an element fullscreen (`document.fullscreenEnabled`; an iPhone's
/// Safari, for one, may not).
pub fn fullscreen_supported() -> bool {
    document().is_ok_and(|d| d.fullscreen_enabled())
}

/// Whether some video of this page is in picture-in-picture now.
pub fn in_picture_in_picture() -> bool {
    document()
        .ok()
        .and_then(|d| Reflect::get(&d, &JsValue::from_str("pictureInPictureElement")).ok())
        .is_some_and(|e| !e.is_null() && !e.is_undefined())
}

/// Puts `video` in picture-in-picture, or takes the page's video out of it.
pub async fn toggle_picture_in_picture(video: &HtmlVideoElement) -> Result<(), ViewingError> {
    if in_picture_in_picture() {
        call(&document()?.into(), "exitPictureInPicture").await
    } else {
        call(video, "requestPictureInPicture").await
    }
}

/// Whether the page shows something fullscreen now.
pub fn in_fullscreen() -> bool {
    document()
        .ok()
        .and_then(|d| d.fullscreen_element())
        .is_some()
}

/// Shows `element` fullscreen, or leaves fullscreen.
pub fn toggle_fullscreen(element: &Element) -> Result<(), ViewingError> {
    let document = document()?;
    if document.fullscreen_element().is_some() {
        document.exit_fullscreen();
        Ok(())
    } else {
        element
            .request_fullscreen()
            .map_err(|e| ViewingError::Refused(format!("{e:?}")))
    }
}
