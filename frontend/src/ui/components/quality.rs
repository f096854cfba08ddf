//! The connection-quality indicator: one word and a coloured dot, expanding (a disclosure
//! button with `aria-expanded`) to the numbers and the call's path (direct or relayed). A
//! change of path is read out politely.

use yew::prelude::*;

use crate::i18n::{fill, use_texts};

use crate::browser::stats::{CallPath, Grade, Quality};

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
    // The last path known: a measurement without one (a new connection's first seconds)
    // neither empties nor repeats the announcement.
    let path = use_state(|| None::<CallPath>);
    {
        let path = path.clone();
        let now = props.quality.and_then(|q| q.path);
        use_effect_with(now, move |now| {
            if now.is_some() && *now != *path {
                path.set(*now);
            }
        });
    }
    let path_word = |path: CallPath| match path {
        CallPath::Direct => t.path_direct,
        CallPath::Relayed => t.path_relayed,
    };
    // A polite live region, always there so that a change is read out (not a `role="status"`:
    // the call screen's one status is the call's).
    let announcement = html! {
        <p class="visually-hidden" aria-live="polite">
            if let Some(path) = *path {
                { fill(t.path_now, &[("path", path_word(path))]) }
            }
        </p>
    };
    let Some(quality) = props.quality else {
        return announcement;
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
    let path_now = quality.path.map_or("…", path_word);
    html! {
        <>
        { announcement }
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
                    <div><dt>{ t.path }</dt><dd>{ path_now }</dd></div>
                </dl>
            }
        </div>
        </>
    }
}
