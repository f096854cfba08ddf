//! The room link as a QR code, beside "Copy link": a phone's camera scans it and opens the
//! room, with no typing. Drawn here from the link (an inline SVG), never fetched.

use qrcodegen::{QrCode, QrCodeEcc};
use yew::prelude::*;

use crate::i18n::Texts;

/// The light margin around the code, in modules: the four the QR standard asks for, without
/// which scanners may not find the code's edges.
const QUIET_ZONE: i32 = 4;

/// A QR code drawn as one SVG path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrPicture {
    /// The modules per side, quiet zone included: the SVG's `viewBox` is this square.
    pub side: i32,
    /// The dark modules, one `M x y h w v 1 h -w z` rectangle per horizontal run.
    pub path: String,
}

/// The link does not fit in a QR code (over 2,331 bytes at this error correction).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the link is too long for a QR code: {0}")]
pub struct QrTooLong(String);

/// Encodes `text` (error correction M: a code shown on a screen gets glare, not tears) and
/// draws its dark modules; runs of them make one rectangle each, which keeps the path short
/// and leaves no hairline seams between neighbours when scaled.
pub fn qr_picture(text: &str) -> Result<QrPicture, QrTooLong> {
    let code =
        QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|e| QrTooLong(e.to_string()))?;
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && code.get_module(x, y) {
                x += 1;
            }
            let run = x - start;
            path.push_str(&format!(
                "M{} {}h{run}v1h-{run}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE
            ));
        }
    }
    Ok(QrPicture {
        side: size + 2 * QUIET_ZONE,
        path,
    })
}

/// A "QR code" button that shows the room `link`'s code under it while `open` (Escape or the
/// button again hides it, and the focus goes back to the button, `button`). A view function
/// rather than a component: "Copy link" holds its state, and a component is code in the first
/// download (docs/benchmarks.md, "First load").
pub fn qr_code(t: &Texts, link: &str, open: &UseStateHandle<bool>, button: &NodeRef) -> Html {
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let on_key = {
        let (open, button) = (open.clone(), button.clone());
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" && *open {
                open.set(false);
                if let Some(button) = button.cast::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
        })
    };
    // Drawn only when shown: nothing to compute for people who never look.
    let picture = if **open {
        match qr_picture(link) {
            Ok(picture) => Some(picture),
            Err(e) => {
                gloo::console::warn!(e.to_string());
                None
            }
        }
    } else {
        None
    };
    html! {
        <div class="qr" onkeydown={on_key}>
            <button ref={button.clone()} type="button" class="button secondary small"
                aria-expanded={open.to_string()} aria-controls="room-qr" onclick={toggle}>
                // Three finder patterns: what a QR code looks like, at a glance.
                <svg class="qr-icon" viewBox="0 0 16 16" aria-hidden="true">
                    <path fill-rule="evenodd" d="M1 1h6v6H1zm2 2v2h2V3zm6-2h6v6H9zm2 2v2h2V3zM1 9h6v6H1zm2 2v2h2v-2zm7-1h2v2h-2zm3 3h2v2h-2zm-3 0h2v2h-2z" />
                </svg>
                <span class="qr-label">{ t.qr_code }</span>
            </button>
            if let Some(picture) = picture {
                <div id="room-qr" class="qr-panel">
                    <svg class="qr-image" role="img" aria-label={t.qr_code_label}
                        viewBox={format!("0 0 {0} {0}", picture.side)} shape-rendering="crispEdges">
                        <rect width="100%" height="100%" fill="#fff" />
                        <path d={picture.path} fill="#111" />
                    </svg>
                    <p class="qr-hint">{ t.qr_code_hint }</p>
                </div>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// The dark modules of a picture, read back from its path.
    fn dark(picture: &QrPicture) -> std::collections::BTreeSet<(i32, i32)> {
        let mut cells = std::collections::BTreeSet::new();
        for rect in picture.path.split('z').filter(|r| !r.is_empty()) {
            let numbers: Vec<i32> = rect
                .trim_start_matches('M')
                .split([' ', 'h', 'v'])
                .filter_map(|n| n.parse().ok())
                .collect();
            let (x, y, run) = (numbers[0], numbers[1], numbers[2]);
            cells.extend((x..x + run).map(|x| (x, y)));
        }
        cells
    }

    #[wasm_bindgen_test]
    fn a_link_is_drawn_with_its_finder_patterns_and_a_quiet_zone() {
        let Ok(picture) = qr_picture("https://duet.example/r/Casa%20Azul") else {
            panic!("a short link fits");
        };
        let cells = dark(&picture);
        let modules = picture.side - 2 * QUIET_ZONE;
        assert!(
            modules >= 21 && (modules - 21) % 4 == 0,
            "a QR size: {modules}"
        );
        // The quiet zone is light all round.
        assert!(cells.iter().all(|&(x, y)| {
            (QUIET_ZONE..QUIET_ZONE + modules).contains(&x)
                && (QUIET_ZONE..QUIET_ZONE + modules).contains(&y)
        }));
        // The three finder patterns' dark 7-module rings, top left, top right, bottom left.
        for (left, top) in [(0, 0), (modules - 7, 0), (0, modules - 7)] {
            for i in 0..7 {
                for (x, y) in [(i, 0), (i, 6), (0, i), (6, i)] {
                    let cell = (QUIET_ZONE + left + x, QUIET_ZONE + top + y);
                    assert!(cells.contains(&cell), "finder module {cell:?}");
                }
            }
        }
    }

    #[wasm_bindgen_test]
    fn a_link_too_long_for_any_qr_code_is_a_clear_error() {
        let link = format!("https://duet.example/r/{}", "x".repeat(3_000));
        assert!(matches!(qr_picture(&link), Err(QrTooLong(_))));
    }
}
