//! Both catalogues complete, with the same placeholders; the words the interface contract needs.

use super::*;
use std::collections::BTreeSet;
use wasm_bindgen_test::wasm_bindgen_test;

fn strings(texts: &Texts) -> Vec<(String, String)> {
    match serde_json::to_value(texts) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .flat_map(|(k, v)| match v {
                // A list (the pictures' names) counts string by string.
                serde_json::Value::Array(items) => items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| {
                        (
                            format!("{k}.{i}"),
                            item.as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect::<Vec<_>>(),
                other => vec![(k, other.as_str().unwrap_or_default().to_owned())],
            })
            .collect(),
        other => panic!("{other:?}"),
    }
}

fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

#[wasm_bindgen_test]
fn every_string_exists_in_both_languages_with_the_same_placeholders() {
    let (en, es) = (strings(&EN), strings(&ES));
    assert_eq!(en.len(), es.len());
    for ((key, english), (_, spanish)) in en.iter().zip(&es) {
        assert!(!english.trim().is_empty(), "English {key} is empty");
        assert!(!spanish.trim().is_empty(), "Spanish {key} is empty");
        assert_eq!(placeholders(english), placeholders(spanish), "{key}");
    }
    // Translated, not copied (a few words are the same in both).
    let same: Vec<_> = en
        .iter()
        .zip(&es)
        .filter(|((_, a), (_, b))| a == b)
        .map(|((k, _), _)| k.as_str())
        .collect();
    assert_eq!(same, ["chat"], "untranslated: {same:?}");
}

#[wasm_bindgen_test]
fn the_interface_contract_words() {
    assert!(ES.room_name.contains("Nombre de la sala"));
    assert!(EN.room_name.contains("Room name"));
    assert_eq!((EN.join, EN.cancel), ("Join", "Cancel"));
    assert!(EN.status_waiting.contains("Waiting for your friend"));
    // Issue 14's pre-call check and sound controls, named exactly (tests find them so; "Noise
    // suppression" must stay apart from "Strong noise suppression").
    let names = |t: &Texts| {
        [
            t.mic_level,
            t.speaker,
            t.play_test_sound,
            t.noise_suppression,
            t.echo_cancellation,
            t.auto_gain,
        ]
    };
    assert_eq!(
        names(&EN),
        [
            "Microphone level",
            "Speaker",
            "Play test sound",
            "Noise suppression",
            "Echo cancellation",
            "Automatic gain"
        ]
    );
    assert_eq!(
        names(&ES),
        [
            "Nivel del micrófono",
            "Altavoz",
            "Reproducir sonido de prueba",
            "Supresión de ruido",
            "Cancelación de eco",
            "Ganancia automática"
        ]
    );
    // Issue 14, phones.
    assert_eq!(EN.switch_camera, "Switch camera");
    assert!(EN.qr_code_label.contains("QR code"));
}

#[wasm_bindgen_test]
fn the_browser_languages_pick_the_first_one_spoken() {
    let langs = |tags: &[&str]| tags.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    assert_eq!(Lang::pick(&langs(&["es-ES", "en"])), Lang::Es);
    assert_eq!(Lang::pick(&langs(&["fr-FR", "es-MX", "en"])), Lang::Es);
    assert_eq!(Lang::pick(&langs(&["en-GB", "es"])), Lang::En);
    assert_eq!(Lang::pick(&langs(&["de", "fr"])), Lang::En);
    assert_eq!(Lang::pick(&[]), Lang::En);
}

#[wasm_bindgen_test]
fn placeholders_are_filled() {
    assert_eq!(
        fill(EN.name_too_long, &[("n", "70"), ("max", "64")]),
        "That name is too long (70 characters). A room name can have at most 64 characters."
    );
    assert_eq!(fill(ES.unread, &[("count", "3")]), "3 sin leer");
}

#[wasm_bindgen_test]
fn the_page_without_javascript_says_it_in_both_languages() {
    let page = include_str!("../../index.html");
    let noscript = page
        .split_once("<noscript>")
        .and_then(|(_, rest)| rest.split_once("</noscript>"))
        .map(|(inside, _)| inside);
    let Some(noscript) = noscript else {
        panic!("index.html has no <noscript>")
    };
    for lang in Lang::ALL {
        assert!(
            noscript.contains(lang.texts().noscript)
                && noscript.contains(&format!("lang=\"{}\"", lang.code())),
            "{lang:?} missing from <noscript>: {noscript}"
        );
    }
}
