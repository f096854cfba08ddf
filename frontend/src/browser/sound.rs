//! The browser's own processing of the microphone ([`Processing`]: noise suppression, echo
//! cancellation, automatic gain): which steps this browser has (`getSupportedConstraints`),
//! what a track does now (`getSettings`), and making the live microphone do what the person
//! chose.
//!
//! That is `applyConstraints` on the live track where the browser can change its processing
//! on the fly (Firefox can). Chromium cannot: it accepts the constraints and keeps the
//! processing the device was opened with, so there the same microphone is opened again with
//! the choice, and that track takes the old one's place ([`fit`] says when).

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStreamConstraints, MediaStreamTrack};

use super::media::{first_track, get_user_media, media_devices, MediaError};
use crate::call::device_fallback::MediaKind;
use crate::call::sound::{Processing, ProcessingSet};

/// The steps this browser lets a page turn on and off (none outside a secure context).
pub fn supported() -> ProcessingSet {
    let Ok(devices) = media_devices() else {
        return ProcessingSet::NONE;
    };
    let known = devices.get_supported_constraints();
    Processing::ALL
        .into_iter()
        .fold(ProcessingSet::NONE, |set, step| {
            let has = Reflect::get(&known, &JsValue::from_str(step.constraint()))
                .is_ok_and(|v| v.is_truthy());
            set.with(step, has)
        })
}

/// Whether `track` does `step` now, as its settings say (`None` where they do not say).
pub fn does(track: &MediaStreamTrack, step: Processing) -> Option<bool> {
    Reflect::get(&track.get_settings(), &JsValue::from_str(step.constraint()))
        .ok()
        .and_then(|v| v.as_bool())
}

/// The constraints asking for `wanted`'s steps on and the others off, among `shown` (the
/// steps the browser has); plain values, so a browser that cannot oblige still resolves.
fn constraints(wanted: ProcessingSet, shown: ProcessingSet) -> Object {
    let object = Object::new();
    for step in shown.iter() {
        let on = JsValue::from_bool(wanted.contains(step));
        let _ = Reflect::set(&object, &JsValue::from_str(step.constraint()), &on);
    }
    object
}

/// Makes the microphone `mic` process its sound as `wanted` (among the steps in `shown`):
/// `Ok(None)` when `mic` itself does now, `Ok(Some(track))` when the browser could not change
/// it and the same microphone was opened again with `wanted`; that new track is the caller's
/// to put in place of `mic` (or to stop, if things moved on meanwhile).
pub async fn fit(
    mic: &MediaStreamTrack,
    wanted: ProcessingSet,
    shown: ProcessingSet,
) -> Result<Option<MediaStreamTrack>, MediaError> {
    let met = |track: &MediaStreamTrack| wanted.is_met_by(shown, |step| does(track, step));
    if met(mic) {
        return Ok(None);
    }
    let asked = constraints(wanted, shown);
    if let Ok(promise) = mic.apply_constraints_with_constraints(asked.unchecked_ref()) {
        // A refusal (`OverconstrainedError`) only means: not on the fly; reopen below.
        if JsFuture::from(promise).await.is_ok() && met(mic) {
            return Ok(None);
        }
    }
    let device = mic.get_settings().get_device_id().unwrap_or_default();
    if !device.is_empty() {
        let exact = Object::new();
        let _ = Reflect::set(&exact, &"exact".into(), &JsValue::from_str(&device));
        let _ = Reflect::set(&asked, &"deviceId".into(), &exact);
    }
    let request = MediaStreamConstraints::new();
    request.set_audio(&asked);
    let track = first_track(&get_user_media(&request).await?, MediaKind::Audio)?;
    if !met(&track) {
        gloo::console::warn!("the microphone was opened again, but its processing is unchanged");
    }
    Ok(Some(track))
}
