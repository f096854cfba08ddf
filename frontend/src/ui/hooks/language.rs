//! The interface's language: the one chosen or the browser's, applied to `<html lang>`.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::Lang;

/// The current language, and the language switch's `change` handler (which remembers the
/// choice).
#[hook]
pub fn use_language() -> (Lang, Callback<Event>) {
    let lang = use_state(Lang::initial);
    // `<html lang>` follows the language, for screen readers and hyphenation.
    use_effect_with(*lang, |lang| lang.apply(false));
    let on_language = use_callback(lang.setter(), |event: Event, set_lang| {
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
    });
    (*lang, on_language)
}
