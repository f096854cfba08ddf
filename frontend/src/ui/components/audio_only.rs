//! "Audio only", for a thin uplink: offered once this side's uplink has been poor for a while
//! ([`crate::browser::stats::UplinkWatch`]); one click stops sending video (the friend sees the camera
//! off), one more sends it again. Inside a polite live region, so the offer is read out when
//! it appears.

use yew::prelude::*;

use crate::i18n::use_texts;

/// Props of [`AudioOnly`].
#[derive(Properties, PartialEq)]
pub struct AudioOnlyProps {
    /// Whether this side's uplink is too thin for video just now.
    pub thin_uplink: bool,
    /// Whether video is held back ("Audio only" is on).
    pub on: bool,
    /// Called with the new choice.
    pub on_change: Callback<bool>,
}

/// The offer, or (while on) the way back.
#[function_component]
pub fn AudioOnly(props: &AudioOnlyProps) -> Html {
    let t = use_texts();
    let choose = |on: bool| {
        let on_change = props.on_change.clone();
        Callback::from(move |_: MouseEvent| on_change.emit(on))
    };
    html! {
        <div class="audio-only" aria-live="polite">
            if props.on {
                <p>{ t.audio_only_on }</p>
                <button type="button" class="button secondary" onclick={choose(false)}>
                    { t.video_again }
                </button>
            } else if props.thin_uplink {
                <p>{ t.audio_only_offer }</p>
                <button type="button" class="button primary" onclick={choose(true)}>
                    { t.audio_only }
                </button>
            }
        </div>
    }
}
