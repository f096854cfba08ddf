//! The microphone's level, live, on the room step: a meter (`role="meter"`, 0 to 100) that
//! moves with the sound, so a person sees that their microphone hears them before joining.
//!
//! A component of its own, because it redraws ten times a second and nothing else should: it
//! reads the level on a timer (cheaper than every frame, and as fast as an eye follows a
//! meter), and stops when it leaves the page (the room step closes).

use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::browser::level::{supported, LevelMeter};
use crate::browser::media::LocalMedia;
use crate::call::device_fallback::MediaKind;
use crate::call::level::smoothed;
use crate::i18n::use_texts;

/// How often the level is read, in milliseconds.
const READ_MS: u32 = 100;
/// How many lights the meter has.
const SEGMENTS: u8 = 12;

/// Props of [`MicLevel`].
#[derive(Properties, PartialEq)]
pub struct MicLevelProps {
    /// The camera and microphone; the meter listens to the microphone in use.
    pub media: LocalMedia,
}

/// The microphone level meter; nothing where the browser has no Web Audio.
#[function_component]
pub fn MicLevel(props: &MicLevelProps) -> Html {
    let t = use_texts();
    let level = use_state_eq(|| 0u8);
    {
        let level = level.clone();
        use_effect_with(props.media.clone(), move |media| {
            let media = media.clone();
            // The track listened to, and its meter if it started.
            let mut meter: Option<(String, Option<LevelMeter>)> = None;
            let mut shown = 0;
            let timer = supported().then(|| {
                Interval::new(READ_MS, move || {
                    let mic = media.track(MediaKind::Audio);
                    // Follow the microphone: another device, or the same one opened again for the
                    // sound controls, is another track.
                    if meter.as_ref().map(|(id, _)| id.clone()) != mic.as_ref().map(|m| m.id()) {
                        meter = mic.map(|track| {
                            let started = LevelMeter::start(&track)
                                .map_err(|e| gloo::console::warn!(e.to_string()))
                                .ok();
                            (track.id(), started)
                        });
                    }
                    let reading = meter
                        .as_mut()
                        .and_then(|(_, m)| m.as_mut())
                        .map_or(0, LevelMeter::read);
                    shown = smoothed(shown, reading);
                    level.set(shown);
                })
            });
            move || drop(timer)
        });
    }
    if !supported() {
        return html! {};
    }
    let lit = |i: u8| u16::from(*level) * u16::from(SEGMENTS) > u16::from(i) * 100;
    html! {
        <div class="mic-level" role="meter" aria-label={t.mic_level}
            aria-valuemin="0" aria-valuemax="100" aria-valuenow={level.to_string()}>
            <span class="mic-level-icon" aria-hidden="true">{ "🎙" }</span>
            <span class="mic-level-lights" aria-hidden="true">
                { for (0..SEGMENTS).map(|i| html! { <span class={classes!(lit(i).then_some("lit"))} /> }) }
            </span>
        </div>
    }
}
