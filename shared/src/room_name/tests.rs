//! Room names: what is refused, what makes the same room, and what the key looks like.

use super::*;
use caseless::Caseless;
use unicode_normalization::UnicodeNormalization;

fn name(s: &str) -> RoomName {
    match RoomName::parse(s) {
        Ok(name) => name,
        Err(e) => panic!("{s:?} should parse: {e}"),
    }
}

#[test]
fn trims_and_keeps_the_typed_case_for_display() {
    assert_eq!(name("  Casa Azul ").as_str(), "Casa Azul");
}

#[test]
fn case_and_surrounding_space_do_not_make_a_new_room() {
    assert_eq!(name("  Casa Azul "), name("casa azul"));
    assert_eq!(name("  Casa Azul ").key(), name("CASA AZUL").key());
}

#[test]
fn composed_and_decomposed_forms_are_one_room() {
    let composed = name("Caf\u{e9}");
    let decomposed = name("Cafe\u{301}");
    assert_eq!(composed, decomposed);
    assert_eq!(decomposed.as_str(), "Caf\u{e9}");
}

#[test]
fn empty_and_blank_names_are_rejected() {
    assert_eq!(RoomName::parse(""), Err(RoomNameError::Empty));
    assert_eq!(RoomName::parse("   \t "), Err(RoomNameError::Empty));
    assert_eq!(RoomName::parse("\u{3000}\u{a0}"), Err(RoomNameError::Empty));
}

#[test]
fn control_characters_are_rejected() {
    assert_eq!(
        RoomName::parse("a\nb"),
        Err(RoomNameError::ControlCharacter)
    );
    assert_eq!(
        RoomName::parse("a\u{7}b"),
        Err(RoomNameError::ControlCharacter)
    );
    assert_eq!(
        RoomName::parse("a\u{85}b"),
        Err(RoomNameError::ControlCharacter)
    );
}

#[test]
fn invisible_and_bidirectional_formatting_is_rejected() {
    for text in [
        "a\u{200B}b",       // zero-width space
        "\u{200B}",         // nothing visible at all
        "\u{200B}\u{200B}", // nor with two
        "invoice\u{202E}fdp.exe",
        "a\u{2028}b", // line separator
        "a\u{2029}b", // paragraph separator
        "\u{FEFF}casa",
        "ca\u{AD}sa", // soft hyphen
        "\u{2066}casa\u{2069}",
        "casa\u{E0041}", // a tag character, hidden text
    ] {
        assert_eq!(
            RoomName::parse(text),
            Err(RoomNameError::ControlCharacter),
            "{text:?}"
        );
    }
}

#[test]
fn joiners_are_allowed_between_visible_characters_only() {
    // An emoji sequence and a Persian word with its non-joiner.
    assert_eq!(
        name("\u{1F469}\u{200D}\u{1F4BB} standup").as_str(),
        "\u{1F469}\u{200D}\u{1F4BB} standup"
    );
    assert!(RoomName::parse("\u{645}\u{6CC}\u{200C}\u{62E}\u{648}\u{627}\u{647}\u{645}").is_ok());
    for text in [
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
    // A joiner changes how a name looks at most, never which room it is.
    assert_eq!(name("a\u{200D}b"), name("AB"));
    assert_eq!(name("a\u{200D}b").as_str(), "a\u{200D}b");
}

#[test]
fn full_case_folding_makes_one_room() {
    assert_eq!(name("STRASSE"), name("straße"));
    assert_eq!(name("STRASSE").key(), name("STRAẞE").key());
    assert_eq!(name("straße").key().as_str(), "strasse");
    assert_eq!(name("CAFÉ"), name("café"));
    assert_eq!(name("CAFE\u{301}"), name("caf\u{e9}"));
    assert_eq!(name("ΟΔΟΣ"), name("οδος"));
    assert_eq!(name("ﬁle"), name("FILE"));
    // Folding is not transliteration: different letters stay different rooms.
    assert_ne!(name("café"), name("cafe"));
    assert_ne!(name("\u{131}"), name("i"));
}

#[test]
fn keys_are_folded_and_in_nfc() {
    for text in ["Straße", "ΣΊΣΥΦΟΣ", "Ǆemal", "ᾼ", "İstanbul", "Ⓒasa"] {
        let key = name(text).key().as_str().to_owned();
        let again: String = key.nfd().default_case_fold().nfc().collect();
        assert_eq!(key, again, "{text:?}: folding the key moves it");
        assert_eq!(key, key.nfc().collect::<String>(), "{text:?}: key not NFC");
    }
}

#[test]
fn length_is_counted_in_characters_after_trimming() {
    let ok = "é".repeat(MAX_ROOM_NAME_CHARS);
    assert!(RoomName::parse(&format!("  {ok}  ")).is_ok());
    let long = "x".repeat(MAX_ROOM_NAME_CHARS + 1);
    assert_eq!(RoomName::parse(&long), Err(RoomNameError::TooLong(65)));
}

/// The ASCII shortcut must agree with the general path on everything it takes: every
/// ASCII character alone, every pair, with surrounding spaces, and lengths at the limit.
#[test]
fn the_ascii_shortcut_agrees_with_the_general_path() {
    let check = |text: &str| {
        let trimmed = text.trim();
        assert!(trimmed.is_ascii());
        let fast = RoomName::parse_ascii(trimmed);
        let general = RoomName::parse_unicode(trimmed);
        match (&fast, &general) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.as_str(), b.as_str(), "{text:?}");
                assert_eq!(a.key(), b.key(), "{text:?}");
            }
            _ => assert_eq!(fast, general, "{text:?}"),
        }
    };
    for a in 0u8..128 {
        let a = char::from(a);
        check(&a.to_string());
        check(&format!("  {a} "));
        for b in 0u8..128 {
            check(&format!("{a}{}", char::from(b)));
        }
    }
    for n in [
        0,
        1,
        MAX_ROOM_NAME_CHARS - 1,
        MAX_ROOM_NAME_CHARS,
        MAX_ROOM_NAME_CHARS + 1,
    ] {
        check(&format!(
            " {} ",
            "Ab".repeat(n).chars().take(n).collect::<String>()
        ));
    }
}

#[test]
fn serde_round_trips_the_display_form_and_validates() -> Result<(), serde_json::Error> {
    let json = serde_json::to_string(&name(" Casa Azul "))?;
    assert_eq!(json, "\"Casa Azul\"");
    let back: RoomName = serde_json::from_str(&json)?;
    assert_eq!(back.as_str(), "Casa Azul");
    assert!(serde_json::from_str::<RoomName>("\"   \"").is_err());
    Ok(())
}
