//! The app's on/off settings ("Hide my address", "Strong noise suppression", and the sound
//! controls), on the room step and in the call's Devices panel: a checkbox with the switch role
//! (its state is read as on or off, and Space flips it, as any checkbox), and under it what it
//! does or why it is off.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::call::hide_address::AddressChoice;
use crate::call::noise::NoiseChoice;
use crate::call::sound::{Processing, ProcessingSet, SoundChoice};
use crate::i18n::Texts;

/// What a switch shows: its words, where it stands, and what is said beside it.
struct Setting {
    label: &'static str,
    on: bool,
    enabled: bool,
    why: &'static str,
}

/// Whether the switch an event comes from is on now.
fn checked(event: Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|switch| switch.checked())
}

/// The switch and its hint; `ids` are the input's and the hint's, unique on the page. A view
/// function rather than a component: it has no state of its own, and a component is code in
/// the first download (docs/benchmarks.md, "First load").
fn switch(
    setting: Setting,
    (id, hint_id): (&'static str, &'static str),
    on_change: &Callback<bool>,
) -> Html {
    let on_change = on_change.reform(checked);
    html! {
        <div class="setting">
            <label>
                <input id={id} type="checkbox" role="switch"
                    checked={setting.on} disabled={!setting.enabled}
                    aria-describedby={hint_id} onchange={on_change} />
                { setting.label }
            </label>
            <span id={hint_id} class="muted-text hint">{ setting.why }</span>
        </div>
    }
}

/// The "Hide my address" switch: off, on, or fixed with the reason beside it.
pub fn hide_address_switch(t: &Texts, choice: AddressChoice, on_change: &Callback<bool>) -> Html {
    let why = match choice {
        AddressChoice::Open { .. } => t.hide_address_hint,
        AddressChoice::NoRelay => t.hide_address_no_relay,
        AddressChoice::AlwaysRelayed => t.hide_address_always,
    };
    let setting = Setting {
        label: t.hide_address,
        on: choice.hides(),
        enabled: choice.can_change(),
        why,
    };
    switch(setting, ("hide-address", "hide-address-why"), on_change)
}

/// The "Strong noise suppression" switch; `ids` as for [`switch`] (it stands in two places).
pub fn noise_switch(
    t: &Texts,
    ids: (&'static str, &'static str),
    choice: NoiseChoice,
    on_change: &Callback<bool>,
) -> Html {
    let why = match choice {
        NoiseChoice::Open { .. } => t.strong_noise_hint,
        NoiseChoice::Unsupported => t.strong_noise_unsupported,
        NoiseChoice::Failed => t.strong_noise_failed,
    };
    let setting = Setting {
        label: t.strong_noise,
        on: choice.runs(),
        enabled: choice.can_change(),
        why,
    };
    switch(setting, ids, on_change)
}

/// The sound controls ("Noise suppression", "Echo cancellation", "Automatic gain"): a group of
/// switches, those the browser has, with one hint for the group; `prefix` keeps their ids
/// unique on the page (they stand in two places). Nothing where the browser has none.
pub fn sound_switches(
    t: &Texts,
    prefix: &'static str,
    choice: SoundChoice,
    on_change: &Callback<(Processing, bool)>,
) -> Html {
    if choice.shown == ProcessingSet::NONE {
        return html! {};
    }
    let hint = format!("{prefix}-hint");
    html! {
        <fieldset class="setting sound-controls" aria-describedby={hint.clone()}>
            <legend>{ t.sound_controls }</legend>
            <div class="sound-switches">
                { for choice.shown.iter().map(|step| {
                    let label = match step {
                        Processing::NoiseSuppression => t.noise_suppression,
                        Processing::EchoCancellation => t.echo_cancellation,
                        Processing::AutoGain => t.auto_gain,
                    };
                    html! {
                        <label>
                            <input id={format!("{prefix}-{}", step.constraint())} type="checkbox"
                                role="switch" checked={choice.wanted.contains(step)}
                                onchange={on_change.reform(move |event: Event| (step, checked(event)))} />
                            { label }
                        </label>
                    }
                }) }
            </div>
            <span id={hint} class="muted-text hint">{ t.sound_controls_hint }</span>
            if choice.failed {
                <p class="alert" role="alert">{ t.sound_failed }</p>
            }
        </fieldset>
    }
}
