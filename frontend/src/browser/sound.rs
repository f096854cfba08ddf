//! The browser's own processing of the microphone ([`Processing`]: noise suppression, echo
//! cancellation, automatic gain): which steps this browser has (`getSupportedConstraints`),
//! what a track does now (`getSettings`), and making the live microphone do what the person
//! chose.
//!
//! That is `applyConstraints` on the live track where the browser can change its processing
//! on the fly (Firefox can). Chromium cannot: it accepts the constraints and keeps the
//! processing the device was opened with, so there the same microphone is opened again with
//! the choice, and that track takes the old one's place ([`Fit`] says when).

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStreamConstraints, MediaStreamTrack, MediaStreamTrackState};

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

/// `{exact: value}`.
fn exact(value: &JsValue) -> Object {
    let object = Object::new();
    let _ = Reflect::set(&object, &"exact".into(), value);
    object
}

/// The constraints asking for `wanted`'s steps on and the others off, among `shown` (the
/// steps the browser has). Exact: a plain value is only a wish, which Chromium meets by
/// handing out the microphone already open, processing as before.
fn constraints(wanted: ProcessingSet, shown: ProcessingSet) -> Object {
    let object = Object::new();
    for step in shown.iter() {
        let on = exact(&JsValue::from_bool(wanted.contains(step)));
        let _ = Reflect::set(&object, &JsValue::from_str(step.constraint()), &on);
    }
    object
}

/// What became of a choice ([`fit`]).
#[derive(Debug)]
pub enum Fit {
    /// The microphone does it now (it did already, or it changed on the fly).
    Done,
    /// The same microphone, opened again as chosen: the track to put in its place.
    Reopened(MediaStreamTrack),
    /// The choice could not be made. Where the microphone had to be let go of first, it was
    /// opened again as it was (`restored`, to put in place), if it could be.
    Failed {
        /// Why.
        error: MediaError,
        /// The microphone again, processing as before, when the old track was stopped.
        restored: Option<MediaStreamTrack>,
    },
}

/// Opens the microphone `device` (any, if unknown) with the processing `wanted`.
async fn open(
    device: &str,
    wanted: ProcessingSet,
    shown: ProcessingSet,
) -> Result<MediaStreamTrack, MediaError> {
    let asked = constraints(wanted, shown);
    if !device.is_empty() {
        let _ = Reflect::set(&asked, &"deviceId".into(), &exact(&device.into()));
    }
    let request = MediaStreamConstraints::new();
    request.set_audio(&asked);
    let track = first_track(&get_user_media(&request).await?, MediaKind::Audio)?;
    if wanted.is_met_by(shown, |step| does(&track, step)) {
        Ok(track)
    } else {
        // Said to oblige, but did not: not a track to put in place (and fit again, and again).
        track.stop();
        Err(MediaError::Overconstrained)
    }
}

/// Makes the microphone `mic` process its sound as `wanted` (among the steps in `shown`):
/// `applyConstraints` where the browser changes a live track, else the same microphone opened
/// again as chosen, for the caller to put in place of `mic`. Chromium will not open a device a
/// second time with other processing while a track with echo cancellation off holds it: then
/// `mic` is stopped first (a moment of silence), and opened again as it was if the choice fails.
pub async fn fit(mic: &MediaStreamTrack, wanted: ProcessingSet, shown: ProcessingSet) -> Fit {
    if mic.ready_state() == MediaStreamTrackState::Ended
        || wanted.is_met_by(shown, |step| does(mic, step))
    {
        return Fit::Done;
    }
    if let Ok(promise) =
        mic.apply_constraints_with_constraints(constraints(wanted, shown).unchecked_ref())
    {
        // A refusal (`OverconstrainedError`, Chromium's answer) only means: not on the fly.
        if JsFuture::from(promise).await.is_ok() && wanted.is_met_by(shown, |step| does(mic, step))
        {
            return Fit::Done;
        }
    }
    let device = mic.get_settings().get_device_id().unwrap_or_default();
    let error = match open(&device, wanted, shown).await {
        Ok(track) => return Fit::Reopened(track),
        Err(error @ MediaError::Overconstrained) => error,
        Err(error) => {
            return Fit::Failed {
                error,
                restored: None,
            }
        }
    };
    let before = shown.iter().fold(ProcessingSet::NONE, |set, step| {
        set.with(step, does(mic, step).unwrap_or(true))
    });
    mic.stop();
    match open(&device, wanted, shown).await {
        Ok(track) => Fit::Reopened(track),
        Err(_) => Fit::Failed {
            error,
            restored: open(&device, before, shown).await.ok(),
        },
    }
}
