//! Room names as the browser checks them: with the JavaScript engine's Unicode data instead
//! of the service's tables (shared's `browser` feature). The service's own tests
//! (shared/src/room_name.rs) define the rules; the cases here are theirs, so the browser
//! refuses what the service refuses and finds one room where the service finds one.

use shared::{RoomName, RoomNameError, MAX_ROOM_NAME_CHARS};
use wasm_bindgen_test::wasm_bindgen_test;

fn name(s: &str) -> RoomName {
    match RoomName::parse(s) {
        Ok(name) => name,
        Err(e) => panic!("{s:?} should parse: {e}"),
    }
}

#[wasm_bindgen_test]
fn names_are_trimmed_in_nfc_and_one_room_whatever_the_case() {
    assert_eq!(name("  Casa Azul ").as_str(), "Casa Azul");
    assert_eq!(name("  Casa Azul ").key(), name("CASA AZUL").key());
    assert_eq!(name("Cafe\u{301}").as_str(), "Caf\u{e9}");
    assert_eq!(name("Caf\u{e9}"), name("CAFE\u{301}"));
}

#[wasm_bindgen_test]
fn blank_control_and_invisible_characters_are_refused() {
    for blank in ["", "   \t ", "\u{3000}\u{a0}"] {
        assert_eq!(
            RoomName::parse(blank),
            Err(RoomNameError::Empty),
            "{blank:?}"
        );
    }
    for text in [
        "a\nb",
        "a\u{7}b",
        "a\u{85}b",
        "a\u{200B}b",
        "\u{200B}",
        "\u{200B}\u{200B}",
        "invoice\u{202E}fdp.exe",
        "a\u{2028}b",
        "a\u{2029}b",
        "\u{FEFF}casa",
        "ca\u{AD}sa",
        "\u{2066}casa\u{2069}",
        "casa\u{E0041}",
        "\u{200D}",
        "\u{200D}a",
        "a\u{200C}",
        "a\u{200D}\u{200D}b",
        "a \u{200D}b",
    ] {
        assert_eq!(
            RoomName::parse(text),
            Err(RoomNameError::ControlCharacter),
            "{text:?}"
        );
    }
}

#[wasm_bindgen_test]
fn joiners_are_kept_for_display_and_left_out_of_the_room() {
    let emoji = "\u{1F469}\u{200D}\u{1F4BB} standup";
    assert_eq!(name(emoji).as_str(), emoji);
    assert!(RoomName::parse("\u{645}\u{6CC}\u{200C}\u{62E}\u{648}\u{627}\u{647}\u{645}").is_ok());
    assert_eq!(name("a\u{200D}b"), name("AB"));
}

#[wasm_bindgen_test]
fn case_folding_makes_one_room_and_keeps_different_letters_apart() {
    assert_eq!(name("STRASSE"), name("straße"));
    assert_eq!(name("STRASSE").key(), name("STRAẞE").key());
    assert_eq!(name("straße").key().as_str(), "strasse");
    assert_eq!(name("ΟΔΟΣ"), name("οδος"));
    assert_eq!(name("ΟΔΟΣ"), name("οδοσ"));
    assert_eq!(name("ﬁle"), name("FILE"));
    assert_eq!(name("\u{3d0}"), name("\u{3b2}")); // ϐ is β
    assert_ne!(name("café"), name("cafe"));
    assert_ne!(name("\u{131}"), name("i"));
    assert_ne!(name("\u{131}"), name("I"));
    assert_eq!(name("x\u{131}SS"), name("X\u{131}ß"));
}

#[wasm_bindgen_test]
fn a_key_is_its_own_key() {
    for text in [
        "Straße",
        "ΣΊΣΥΦΟΣ",
        "Ǆemal",
        "ᾼ",
        "İstanbul",
        "Ⓒasa",
        "\u{131}ı",
    ] {
        let key = name(text).key().as_str().to_owned();
        assert_eq!(name(&key).key().as_str(), key, "{text:?}");
    }
}

#[wasm_bindgen_test]
fn length_is_counted_in_characters() {
    let ok = "é".repeat(MAX_ROOM_NAME_CHARS);
    assert!(RoomName::parse(&format!("  {ok}  ")).is_ok());
    let long = "\u{e9}".repeat(MAX_ROOM_NAME_CHARS + 1);
    assert_eq!(
        RoomName::parse(&long),
        Err(RoomNameError::TooLong(MAX_ROOM_NAME_CHARS + 1))
    );
}
