//! The speaker: a "Speaker" choice among the browser's audio outputs (where it can choose one)
//! and "Play test sound", which plays a short chime through the one chosen. On the room step
//! and in the call's Devices panel; the call's sound plays on the same speaker.

use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlMediaElement, HtmlSelectElement};
use yew::prelude::*;

use crate::browser::level;
use crate::browser::media::watch_devices;
use crate::browser::speaker::{list, Speaker, TestSound};
use crate::i18n::use_texts;

/// Props of [`SpeakerChoice`].
#[derive(Properties, PartialEq)]
pub struct SpeakerChoiceProps {
    /// The speaker chosen (its `deviceId`); `None`: the system's default.
    pub chosen: Option<AttrValue>,
    /// The person chose a speaker.
    pub on_choose: Callback<String>,
    /// The select's id, unique on the page.
    pub id: AttrValue,
}

/// The speakers, read when shown and again when devices come or go.
#[hook]
fn use_speakers() -> UseStateHandle<Vec<Speaker>> {
    let speakers = use_state(Vec::<Speaker>::new);
    {
        let speakers = speakers.clone();
        use_effect_with((), move |_| {
            let load = move || {
                let speakers = speakers.clone();
                spawn_local(async move { speakers.set(list().await) });
            };
            load();
            let listener = watch_devices(load);
            move || drop(listener)
        });
    }
    speakers
}

/// The speaker picker and the test sound.
#[function_component]
pub fn SpeakerChoice(props: &SpeakerChoiceProps) -> Html {
    let t = use_texts();
    let speakers = use_speakers();
    let failed = use_state_eq(|| false);
    let audio = use_node_ref();
    // The sound playing, if any: kept until it ends by itself, or the next one, or the end.
    let playing = use_mut_ref(|| None::<TestSound>);
    let on_play = {
        let (audio, failed) = (audio.clone(), failed.clone());
        let chosen = props.chosen.clone().unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            drop(playing.borrow_mut().take());
            let Some(element) = audio.cast::<HtmlMediaElement>() else {
                return;
            };
            let (playing, failed, chosen) = (playing.clone(), failed.clone(), chosen.clone());
            spawn_local(async move {
                match TestSound::play(&element, &chosen).await {
                    Ok(sound) => {
                        failed.set(false);
                        *playing.borrow_mut() = Some(sound);
                    }
                    Err(e) => {
                        gloo::console::warn!(e.to_string());
                        failed.set(true);
                    }
                }
            });
        })
    };
    let on_change = {
        let (on_choose, failed) = (props.on_choose.clone(), failed.clone());
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<HtmlSelectElement>() {
                failed.set(false);
                on_choose.emit(select.value());
            }
        })
    };
    if !level::supported() {
        return html! {};
    }
    let chosen = props.chosen.as_deref().unwrap_or_default();
    html! {
        <div class="speaker">
            if !speakers.is_empty() {
                <div class="device-field">
                    <label for={props.id.clone()}>{ t.speaker }</label>
                    <select id={props.id.clone()} onchange={on_change}>
                        { for speakers.iter().enumerate().map(|(i, s)| {
                            let name = if s.label.is_empty() {
                                format!("{} {}", t.speaker, i + 1)
                            } else {
                                s.label.clone()
                            };
                            html! {
                                <option value={s.id.clone()} selected={s.id == chosen}>{ name }</option>
                            }
                        }) }
                    </select>
                </div>
            }
            <button type="button" class="button secondary test-sound" onclick={on_play}>
                <span aria-hidden="true">{ "♪ " }</span>{ t.play_test_sound }
            </button>
            // Plays the test sound; no controls, so it is neither seen nor in the way.
            <audio ref={audio} />
            if *failed {
                <p class="alert" role="alert">{ t.speaker_failed }</p>
            }
        </div>
    }
}
