//! Every word the app shows, in English and Spanish: one catalogue.
//!
//! [`Texts`] has one field per string, so a language missing a string does not compile.
//! Strings with values in them are templates with named `{placeholders}`, filled by
//! [`fill`]; the tests check that both languages use the same placeholders. The language
//! comes from the browser (`navigator.languages`), unless the person chose one with the switch
//! (kept in `localStorage`); `<html lang>` follows it.

use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;

pub use en::EN;
pub use es::ES;
pub use texts::Texts;

mod en;
mod es;
#[cfg(test)]
mod tests;
mod texts;

/// A language of the interface.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Spanish.
    Es,
}

const STORAGE_KEY: &str = "duet.lang";

impl Lang {
    /// Every language, in the order the switch offers them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The BCP 47 code, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Es => "es",
        }
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Es => "Español",
        }
    }

    /// The strings of this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::En => &EN,
            Self::Es => &ES,
        }
    }

    /// The first of the person's preferred languages (`navigator.languages`, best first)
    /// that Duet speaks; English if none.
    pub fn pick(preferred: &[String]) -> Self {
        preferred
            .iter()
            .find_map(|tag| {
                let primary = tag.split(['-', '_']).next().unwrap_or_default();
                match primary.to_ascii_lowercase().as_str() {
                    "en" => Some(Self::En),
                    "es" => Some(Self::Es),
                    _ => None,
                }
            })
            .unwrap_or_default()
    }

    /// The language to start with: the person's earlier choice, else the browser's.
    pub fn initial() -> Self {
        let chosen: Option<String> = LocalStorage::get(STORAGE_KEY).ok();
        if let Some(lang) = chosen.and_then(|c| Self::ALL.into_iter().find(|l| l.code() == c)) {
            return lang;
        }
        let preferred: Vec<String> = web_sys::window()
            .map(|w| {
                w.navigator()
                    .languages()
                    .iter()
                    .filter_map(|v| v.as_string())
                    .collect()
            })
            .unwrap_or_default();
        Self::pick(&preferred)
    }

    /// Remembers the person's choice and puts it on `<html lang>`.
    pub fn apply(self, remember: bool) {
        if remember {
            let _ = LocalStorage::set(STORAGE_KEY, self.code());
        }
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", self.code());
        }
    }
}

/// The strings of the current language (English outside a language context, e.g. in
/// component tests).
#[hook]
pub fn use_texts() -> &'static Texts {
    use_context::<Lang>().unwrap_or_default().texts()
}

/// Fills a template's `{name}` placeholders.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}
