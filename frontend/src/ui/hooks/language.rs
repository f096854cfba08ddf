//! The interface's language: the one chosen or the browser's, applied to `<html lang>`.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::Lang;

/// The current language, and its setter for [`language_switch`].
#[hook]
pub fn use_language() -> (Lang, UseStateSetter<Lang>) {
    let lang = use_state(Lang::initial);
    // `<html lang>` follows the language, for screen readers and hyphenation.
    use_effect_with(*lang, |lang| lang.apply(false));
    (*lang, lang.setter())
}

/// The language switch's `change` handler: applies the language chosen and remembers it.
pub fn language_switch(set_lang: UseStateSetter<Lang>) -> Callback<Event> {
    Callback::from(move |event: Event| {
        let chosen = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .map(|select| select.value());
        if let Some(chosen) = Lang::ALL
            .into_iter()
            .find(|l| Some(l.code()) == chosen.as_deref())
        {
            chosen.apply(true);
            set_lang.set(chosen);
        }
    })
}
