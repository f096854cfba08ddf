//! The top bar: the brand, the room of the call with its "Copy link" and QR code, and the
//! language switch.

use shared::RoomName;
use yew::prelude::*;

use super::brand::Brand;
use super::copy_link::CopyLink;
use crate::i18n::Lang;

/// The bar above every screen: the room of the call shown, if any, and the language switch
/// (`lang`, with its `change` handler). A view function rather than a component: it has no
/// state of its own, and a component's machinery costs the download more than its redraw.
pub fn top_bar(room: Option<&RoomName>, lang: Lang, on_language: Callback<Event>) -> Html {
    let t = lang.texts();
    let room_chip = match room {
        Some(room) => html! {
            <div class="room-chip">
                <span class="room-chip-label">{ t.room }</span>
                <span class="room-chip-name">{ room.as_str() }</span>
                <CopyLink room={room.clone()} />
            </div>
        },
        None => html! {},
    };
    html! {
        <header class="topbar">
            <Brand />
            <div class="topbar-end">
                { room_chip }
                <select class="language" aria-label={t.language}
                    onchange={on_language}>
                    { for Lang::ALL.iter().map(|l| html! {
                        <option value={l.code()} lang={l.code()} selected={*l == lang}>
                            { l.name() }
                        </option>
                    }) }
                </select>
            </div>
        </header>
    }
}
