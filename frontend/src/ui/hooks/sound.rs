//! The sound controls, the whole visit long: the microphone in use processes its sound as the
//! person chose, from the room step on, and again whenever its track changes (another device
//! chosen, one unplugged and replaced). Where the browser had to open the microphone again
//! for it ([`crate::browser::sound::fit`]), the new track takes the old one's place in the
//! preview and in the call, the way another device's does.

use std::cell::Cell;

use wasm_bindgen_futures::spawn_local;
use web_sys::{MediaStreamTrack, MediaStreamTrackState};
use yew::prelude::*;

use crate::browser::media::LocalMedia;
use crate::browser::sound::{fit, Fit};
use crate::call::device_fallback::MediaKind;
use crate::call::sound::ProcessingSet;

/// Keeps the microphone in `media` processing its sound as `wanted` (among the steps in
/// `shown`, the ones the browser has; steps the person never set are wanted as the
/// microphone does them, so only a choice changes anything); `microphone` counts its tracks, so a new one is fitted too. A track opened again
/// goes to `on_switched`. Returns whether the latest choice could not be applied.
#[hook]
pub fn use_sound_controls(
    wanted: ProcessingSet,
    shown: ProcessingSet,
    media: Option<LocalMedia>,
    microphone: u32,
    on_switched: &Callback<MediaStreamTrack>,
) -> bool {
    let failed = use_state_eq(|| false);
    // Counts the choices, so that a reopened track a newer choice overtook is dropped.
    let generation = use_memo((), |()| Cell::new(0u32));
    let on_switched = on_switched.clone();
    {
        let failed = failed.clone();
        use_effect_with(
            (wanted, shown, media, microphone),
            move |(wanted, shown, media, _)| {
                let mine = generation.get().wrapping_add(1);
                generation.set(mine);
                let mic = media.as_ref().and_then(|m| m.track(MediaKind::Audio));
                if let (Some(media), Some(mic)) = (media.clone(), mic) {
                    let (wanted, shown) = (*wanted, *shown);
                    spawn_local(async move {
                        let (track, could_not) = match fit(&mic, wanted, shown).await {
                            Fit::Done => (None, false),
                            Fit::Reopened(track) => (Some(track), false),
                            Fit::Failed { error, restored } => {
                                gloo::console::warn!(format!("sound controls: {error}"));
                                (restored, true)
                            }
                        };
                        // Another choice or another microphone meanwhile: that one decides, unless
                        // this one had to stop the microphone (a live track beats a stopped one;
                        // the newer choice then fits it).
                        let current = generation.get() == mine
                            && media.track_id(MediaKind::Audio).as_deref()
                                == Some(mic.id().as_str());
                        let stopped = mic.ready_state() == MediaStreamTrackState::Ended;
                        if let Some(track) = track {
                            if current || stopped {
                                media.swap_track(&track);
                                on_switched.emit(track);
                            } else {
                                track.stop();
                            }
                        }
                        if current {
                            failed.set(could_not);
                        }
                    });
                }
            },
        );
    }
    *failed
}
