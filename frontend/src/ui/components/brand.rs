//! The brand mark: two overlapping rings (two people, one call) and the word "Duet".

use yew::prelude::*;

/// The "Duet" mark for the top bar.
#[function_component]
pub fn Brand() -> Html {
    html! {
        <div class="brand">
            <svg class="brand-mark" viewBox="0 0 32 20" width="32" height="20" aria-hidden="true"
                focusable="false">
                <circle cx="11" cy="10" r="8" />
                <circle cx="21" cy="10" r="8" />
            </svg>
            <span class="brand-name">{ "Duet" }</span>
        </div>
    }
}
