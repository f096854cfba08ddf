//! "Copy link": puts the room's shareable link on the clipboard and says so; beside it, the
//! link's QR code, for a phone to scan.

use shared::RoomName;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::i18n::{fill, use_texts};

use super::qr_code::qr_code;
use crate::browser::clipboard::copy_text;
use crate::ui::routes::room_link;

/// What the last copy did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Copied,
    Failed(String),
}

/// The link to `room` on this site, as shared ("Copy link", the QR code).
pub fn link_here(room: &RoomName) -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .map(|origin| room_link(&origin, room.as_str()))
        .unwrap_or_default()
}

/// Props of [`CopyLink`].
#[derive(Properties, PartialEq)]
pub struct CopyLinkProps {
    /// The room whose link to copy.
    pub room: RoomName,
}

/// A button copying the room's link, with the outcome in a polite live region (read out, but
/// not a `role="status"`: the call screen's one status is the call's), and the link's QR code.
#[function_component]
pub fn CopyLink(props: &CopyLinkProps) -> Html {
    let outcome = use_state(|| None::<Outcome>);
    let qr_open = use_state(|| false);
    let qr_button = use_node_ref();
    let t = use_texts();
    let link = link_here(&props.room);
    let on_click = {
        let outcome = outcome.clone();
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            let outcome = outcome.clone();
            let link = link.clone();
            spawn_local(async move {
                outcome.set(Some(match copy_text(&link).await {
                    Ok(()) => Outcome::Copied,
                    Err(_) => Outcome::Failed(link),
                }));
            });
        })
    };
    html! {
        <>
            <button type="button" class="button secondary small" onclick={on_click}>
                { t.copy_link }
            </button>
            <span class="copy-outcome" aria-live="polite">
                { match &*outcome {
                    Some(Outcome::Copied) => t.link_copied.to_owned(),
                    // Without a clipboard the link is still shown, to copy by hand.
                    Some(Outcome::Failed(link)) => fill(t.copy_by_hand, &[("link", link)]),
                    None => String::new(),
                } }
            </span>
            { qr_code(t, &link, &qr_open, &qr_button) }
        </>
    }
}
