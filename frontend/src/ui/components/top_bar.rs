//! The top bar: the brand, the room of the call with its "Copy link", and the language switch.

use shared::RoomName;
use yew::prelude::*;

use super::brand::Brand;
use super::copy_link::CopyLink;
use crate::i18n::Lang;

/// The top bar's props.
#[derive(Properties, PartialEq)]
pub struct TopBarProps {
    /// The room of the call shown, if any.
    pub room: Option<RoomName>,
    /// The interface's language.
    pub lang: Lang,
    /// The language switch's `change` handler.
    pub on_language: Callback<Event>,
}

/// The bar above every screen.
#[function_component]
pub fn TopBar(props: &TopBarProps) -> Html {
    let t = props.lang.texts();
    let room_chip = match &props.room {
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
                    onchange={props.on_language.clone()}>
                    { for Lang::ALL.iter().map(|l| html! {
                        <option value={l.code()} lang={l.code()} selected={*l == props.lang}>
                            { l.name() }
                        </option>
                    }) }
                </select>
            </div>
        </header>
    }
}
