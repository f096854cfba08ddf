//! Copying text to the clipboard (`navigator.clipboard.writeText`).
//!
//! web-sys binds the Clipboard API only behind `--cfg=web_sys_unstable_apis`; rather than
//! build the whole app with unstable bindings, this one call goes through `Reflect`, here and
//! nowhere else.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The text could not be copied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClipboardError {
    /// No Clipboard API here (an insecure page, an old browser).
    #[error("this browser cannot copy from a web page here")]
    Unavailable,
    /// The browser refused (no permission, the page not focused).
    #[error("the browser refused to copy: {0}")]
    Refused(String),
}

/// Puts `text` on the clipboard.
pub async fn copy_text(text: &str) -> Result<(), ClipboardError> {
    let window = web_sys::window().ok_or(ClipboardError::Unavailable)?;
    let clipboard = Reflect::get(&window.navigator(), &JsValue::from_str("clipboard"))
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null())
        .ok_or(ClipboardError::Unavailable)?;
    let write = Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or(ClipboardError::Unavailable)?;
    let promise = write
        .call1(&clipboard, &JsValue::from_str(text))
        .and_then(|p| p.dyn_into::<Promise>())
        .map_err(|e| ClipboardError::Refused(format!("{e:?}")))?;
    JsFuture::from(promise)
        .await
        .map(drop)
        .map_err(|e| ClipboardError::Refused(format!("{e:?}")))
}
