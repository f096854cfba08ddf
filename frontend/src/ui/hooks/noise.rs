//! "Strong noise suppression" during a call: starts the suppressor when the switch is on
//! (fetching its files the first time), sends its track instead of the microphone with
//! `replaceTrack`, and sends the microphone again when the switch goes off or the suppressor
//! fails. The call never waits for it: until it runs, the microphone is sent as it is.

use std::cell::Cell;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::browser::denoise::{DenoiseError, Suppressor};
use crate::browser::media::LocalMedia;
use crate::call::device_fallback::MediaKind;
use crate::ui::hooks::call::{CallHandles, CallSlots};
use crate::ui::state::{Action, AppState};

/// Runs the suppressor while `runs` (the switch is on, in a call) and there is a microphone.
#[hook]
pub fn use_noise_suppression(
    call: &CallHandles,
    runs: bool,
    media: Option<LocalMedia>,
    dispatcher: UseReducerDispatcher<AppState>,
) {
    // Counts starts and stops, so that a start that finishes after a stop is dropped.
    let generation = use_memo((), |()| Cell::new(0u32));
    let call = call.clone();
    use_effect_with((runs, media), move |(runs, media)| {
        let mine = generation.get();
        let mic = media.as_ref().and_then(|m| m.track(MediaKind::Audio));
        if let (true, Some(media), Some(mic)) = (*runs, media.clone(), mic) {
            let (call, generation) = (call.clone(), generation.clone());
            let failed = dispatcher.clone();
            spawn_local(async move {
                let started = Suppressor::start(&mic, move |e| fail(&failed, e)).await;
                // Else switched off meanwhile: dropping it closed it.
                if generation.get() == mine {
                    started_now(&call, &dispatcher, &media, started);
                }
            });
        }
        let generation = generation.clone();
        move || {
            generation.set(mine.wrapping_add(1));
            stop(&call);
        }
    });
}

/// The suppressor failed: the switch says so, and (its effect ending) the call sends the
/// microphone again.
fn fail(dispatcher: &UseReducerDispatcher<AppState>, e: DenoiseError) {
    gloo::console::warn!(e.to_string());
    dispatcher.dispatch(Action::NoiseFailed);
}

/// Has the call send the suppressor's track, once it runs.
fn started_now(
    call: &CallSlots,
    dispatcher: &UseReducerDispatcher<AppState>,
    media: &LocalMedia,
    started: Result<Suppressor, DenoiseError>,
) {
    let running = started.and_then(|suppressor| {
        // The microphone may have changed while the files loaded.
        if let Some(mic) = media.track(MediaKind::Audio) {
            suppressor.attach(&mic)?;
        }
        Ok(suppressor)
    });
    match running {
        Ok(suppressor) => {
            call.with_session(|s| drop(s.set_sent_audio(Some(suppressor.track()))));
            *call.suppressor.borrow_mut() = Some(suppressor);
        }
        Err(e) => fail(dispatcher, e),
    }
}

/// Sends the microphone again, then stops the suppressor (once the connection sends the
/// microphone, so the friend hears no gap).
fn stop(call: &CallSlots) {
    let Some(suppressor) = call.suppressor.borrow_mut().take() else {
        return;
    };
    match call.with_session(|s| s.set_sent_audio(None)) {
        Some(sent) => spawn_local(async move {
            sent.await;
            drop(suppressor);
        }),
        None => drop(suppressor),
    }
}
