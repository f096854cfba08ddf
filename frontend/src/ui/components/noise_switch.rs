//! The "Strong noise suppression" switch, the same on the room step and in the call's Devices
//! panel: a checkbox with the switch role, and under it what it does or why it is off.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::call::noise::NoiseChoice;
use crate::i18n::Texts;

/// The switch and its hint; `ids` are the input's and the hint's, unique on the page. A view
/// function
/// rather than a component: it has no state of its own, and a component is code in the
/// first download (docs/benchmarks.md, "First load").
pub fn noise_switch(
    t: &Texts,
    (id, hint_id): (&'static str, &'static str),
    choice: NoiseChoice,
    on_change: &Callback<bool>,
) -> Html {
    let on_change = on_change.reform(|event: Event| {
        event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .is_some_and(|switch| switch.checked())
    });
    let why = match choice {
        NoiseChoice::Open { .. } => t.strong_noise_hint,
        NoiseChoice::Unsupported => t.strong_noise_unsupported,
        NoiseChoice::Failed => t.strong_noise_failed,
    };
    html! {
        <div class="hide-address">
            <label>
                <input id={id} type="checkbox" role="switch"
                    checked={choice.runs()} disabled={!choice.can_change()}
                    aria-describedby={hint_id} onchange={on_change} />
                { t.strong_noise }
            </label>
            <span id={hint_id} class="muted-text hint">{ why }</span>
        </div>
    }
}
