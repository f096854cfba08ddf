//! The pre-call check's browser side on Chromium's fake devices: the level meter hears the
//! fake microphone, the sound controls change a live microphone's settings, and the test sound
//! plays on a chosen speaker.

use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlMediaElement;

use super::{document, until};
use crate::browser::level::LevelMeter;
use crate::browser::media::LocalMedia;
use crate::browser::sound::{does, fit, supported, Fit};
use crate::browser::speaker::{self, TestSound};
use crate::call::device_fallback::MediaKind;
use crate::call::sound::{Processing, ProcessingSet};

async fn media() -> LocalMedia {
    match LocalMedia::acquire().await {
        Ok(media) => media,
        Err(e) => panic!("the fake camera and microphone: {e}"),
    }
}

#[wasm_bindgen_test]
async fn the_meter_hears_the_fake_microphone_beep() {
    let media = media().await;
    let Some(mic) = media.track(MediaKind::Audio) else {
        panic!("no microphone")
    };
    let mut meter = match LevelMeter::start(&mic) {
        Ok(meter) => meter,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(meter.track_id(), mic.id());
    let mut loudest = 0;
    until("a beep", Duration::from_secs(10), || {
        loudest = loudest.max(meter.read());
        loudest >= 30
    })
    .await;
    drop(meter);
    media.stop();
}

/// `mic` made to do `wanted`: itself, or the track that replaces it.
async fn fitted(
    mic: &web_sys::MediaStreamTrack,
    wanted: ProcessingSet,
    shown: ProcessingSet,
) -> web_sys::MediaStreamTrack {
    match fit(mic, wanted, shown).await {
        Fit::Done => Clone::clone(mic),
        Fit::Reopened(track) => track,
        Fit::Failed { error, .. } => panic!("{error}"),
    }
}

#[wasm_bindgen_test]
async fn the_sound_controls_change_the_live_microphone() {
    let shown = supported();
    assert_eq!(shown, ProcessingSet::ALL, "Chromium has all three");
    let media = media().await;
    let Some(mic) = media.track(MediaKind::Audio) else {
        panic!("no microphone")
    };
    for step in Processing::ALL {
        assert_eq!(does(&mic, step), Some(true), "{step:?} on by default");
    }
    assert!(
        matches!(fit(&mic, ProcessingSet::ALL, shown).await, Fit::Done),
        "nothing to do"
    );
    // Echo cancellation off, then automatic gain off too (Chromium reopens the microphone for
    // each, and for the second must let go of the first).
    let wanted = ProcessingSet::ALL.with(Processing::EchoCancellation, false);
    let track = fitted(&mic, wanted, shown).await;
    // Put in its place, as the app does.
    mic.stop();
    let wanted = wanted.with(Processing::AutoGain, false);
    let again = fitted(&track, wanted, shown).await;
    assert_eq!(does(&again, Processing::AutoGain), Some(false));
    track.stop();
    let track = again;
    assert_eq!(does(&track, Processing::EchoCancellation), Some(false));
    assert_eq!(does(&track, Processing::NoiseSuppression), Some(true));
    assert_eq!(does(&track, Processing::AutoGain), Some(false));
    track.stop();
    media.stop();
}

#[wasm_bindgen_test]
async fn the_test_sound_plays_on_the_chosen_speaker() {
    let speakers = speaker::list().await;
    gloo::console::log!(format!("speakers: {speakers:?}"));
    let Some(last) = speakers.last() else {
        panic!("no speaker listed")
    };
    let element: HtmlMediaElement = match document().create_element("audio") {
        Ok(e) => e.unchecked_into(),
        Err(e) => panic!("{e:?}"),
    };
    let sound = match TestSound::play(&element, &last.id).await {
        Ok(sound) => sound,
        Err(e) => panic!("{e}"),
    };
    assert!(!element.paused());
    assert!(element.src_object().is_some());
    let sink = js_sys::Reflect::get(&element, &"sinkId".into())
        .ok()
        .and_then(|v| v.as_string());
    assert_eq!(sink.as_deref(), Some(last.id.as_str()));
    // It ends by itself and lets go of its stream.
    until("the end of the sound", Duration::from_secs(5), || {
        element.src_object().is_none()
    })
    .await;
    drop(sound);
}
