//! The connection-quality indicator: one word and a coloured dot, expanding (a disclosure
//! button with `aria-expanded`) to the numbers.

use yew::prelude::*;

use crate::i18n::{fill, use_texts};

use crate::stats::{Grade, Quality};

/// Props of [`QualityIndicator`].
#[derive(Properties, PartialEq)]
pub struct QualityProps {
    /// The latest measurement, if any.
    pub quality: Option<Quality>,
}

/// The compact indicator and its details.
#[function_component]
pub fn QualityIndicator(props: &QualityProps) -> Html {
    let open = use_state(|| false);
    let t = use_texts();
    let Some(quality) = props.quality else {
        return html! {};
    };
    let (word, class) = match quality.grade() {
        Grade::Good => (t.good, "good"),
        Grade::Fair => (t.fair, "fair"),
        Grade::Poor => (t.poor, "poor"),
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let rtt = quality
        .rtt_ms
        .map_or_else(|| "…".to_owned(), |ms| format!("{ms} ms"));
    let resolution = quality
        .resolution
        .map_or_else(|| "…".to_owned(), |(w, h)| format!("{w}×{h}"));
    html! {
        <div class={classes!("quality", class)}>
            <button type="button" class="quality-button" aria-expanded={(*open).to_string()}
                aria-controls="quality-details" onclick={toggle}>
                <span class="dot" aria-hidden="true" />
                { fill(t.connection, &[("grade", word)]) }
            </button>
            if *open {
                <dl id="quality-details" class="quality-details">
                    <div><dt>{ t.round_trip }</dt><dd>{ rtt }</dd></div>
                    <div><dt>{ t.bitrate }</dt><dd>{ format!("{} kbps", quality.bitrate_kbps) }</dd></div>
                    <div><dt>{ t.packet_loss }</dt><dd>{ quality.loss_text() }</dd></div>
                    <div><dt>{ t.resolution }</dt><dd>{ resolution }</dd></div>
                </dl>
            }
        </div>
    }
}
