//! The camera-and-microphone error screen, in both languages: every cause gets its own words,
//! each naming the camera and the microphone, saying they are required and what to do; the
//! screen is an alert with a "Try again" button that asks again.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlElement;
use yew::prelude::*;

use super::{find, mount_point, text_of, until};
use crate::browser::media::MediaError;
use crate::i18n::{Lang, Texts};
use crate::ui::components::media_error::{explain, MediaErrorView};

/// Every kind of failure the error screen can be asked to explain.
fn every_error() -> Vec<MediaError> {
    vec![
        MediaError::Refused,
        MediaError::NotFound,
        MediaError::NotReadable,
        MediaError::Overconstrained,
        MediaError::InsecureContext,
        MediaError::Blocked,
        MediaError::Aborted,
        MediaError::Other {
            name: "WeirdError".into(),
            message: "the driver said no".into(),
        },
    ]
}

/// The words each language must use: camera, microphone, "required", and the button's name.
fn words(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::En => ["camera", "microphone", "required"],
        Lang::Es => ["cámara", "micrófono", "imprescindibles"],
    }
}

#[wasm_bindgen_test]
fn every_cause_names_both_devices_says_they_are_required_and_what_to_do() {
    for lang in Lang::ALL {
        let t: &Texts = lang.texts();
        let mut seen = BTreeSet::new();
        for error in every_error() {
            let (what, todo) = explain(&error, t);
            let text = format!("{what} {todo}").to_lowercase();
            for word in words(lang) {
                assert!(
                    text.contains(word),
                    "{lang:?} {error:?} lacks {word:?}: {text}"
                );
            }
            // What to do: an action that ends with the button to press.
            assert!(
                todo.contains(t.try_again),
                "{lang:?} {error:?} does not say to choose {:?}: {todo}",
                t.try_again
            );
            assert!(
                todo.len() > t.media_required.len() + t.try_again.len(),
                "{lang:?} {error:?} says nothing to do beyond pressing the button: {todo}"
            );
            assert!(
                seen.insert(what),
                "{lang:?} {error:?} reuses another cause's words: {what}"
            );
        }
    }
    // The browser's own words are kept for a cause Duet does not know.
    let (_, todo) = explain(
        &MediaError::Other {
            name: "WeirdError".into(),
            message: "the driver said no".into(),
        },
        Lang::En.texts(),
    );
    assert!(todo.contains("WeirdError: the driver said no"), "{todo}");
}

#[derive(Properties, PartialEq)]
struct InLangProps {
    lang: Lang,
    error: MediaError,
    on_retry: Callback<()>,
}

#[function_component]
fn InLang(props: &InLangProps) -> Html {
    html! {
        <ContextProvider<Lang> context={props.lang}>
            <MediaErrorView error={props.error.clone()} on_retry={props.on_retry.clone()} />
        </ContextProvider<Lang>>
    }
}

#[wasm_bindgen_test]
async fn the_error_screen_is_an_alert_with_a_try_again_button_in_either_language() {
    for lang in Lang::ALL {
        let t = lang.texts();
        let root = mount_point();
        let retried = Rc::new(Cell::new(0));
        let on_retry = {
            let retried = retried.clone();
            Callback::from(move |()| retried.set(retried.get() + 1))
        };
        let props = InLangProps {
            lang,
            error: MediaError::Refused,
            on_retry,
        };
        let handle = yew::Renderer::<InLang>::with_root_and_props(root.clone(), props).render();
        until("the error screen", Duration::from_secs(5), || {
            find(&root, "[role=alert]").is_some()
        })
        .await;
        let (what, todo) = explain(&MediaError::Refused, t);
        let alert = text_of(&root, "[role=alert]");
        assert!(
            alert.contains(what) && alert.contains(&todo),
            "{lang:?}: {alert}"
        );
        let button: HtmlElement = match find(&root, "button").and_then(|b| b.dyn_into().ok()) {
            Some(button) => button,
            None => panic!("{lang:?}: no button"),
        };
        assert_eq!(button.text_content().as_deref(), Some(t.try_again));
        button.click();
        assert_eq!(retried.get(), 1, "{lang:?}: Try again asks again");
        handle.destroy();
        root.remove();
    }
}
