//! The local media's tests: errors by their DOM names, screen sharing, the fake camera and microphone.

use super::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::DomException;

fn dom_exception(name: &str) -> JsValue {
    match DomException::new_with_message_and_name("test", name) {
        Ok(e) => e.into(),
        Err(e) => panic!("DOMException({name}) could not be made: {e:?}"),
    }
}

#[wasm_bindgen_test]
fn real_dom_exceptions_map_by_name() {
    let cases = [
        ("NotAllowedError", MediaError::Refused),
        ("NotFoundError", MediaError::NotFound),
        ("NotReadableError", MediaError::NotReadable),
        ("OverconstrainedError", MediaError::Overconstrained),
        ("SecurityError", MediaError::Blocked),
        ("AbortError", MediaError::Aborted),
    ];
    for (name, expected) in cases {
        assert_eq!(
            MediaError::from_js(&dom_exception(name)),
            expected,
            "{name}"
        );
    }
    assert_eq!(
        MediaError::from_js(&dom_exception("WeirdError")),
        MediaError::Other {
            name: "WeirdError".into(),
            message: "test".into()
        }
    );
}

#[wasm_bindgen_test]
fn a_refused_play_needs_a_click_and_an_interrupted_one_is_fine() {
    assert_eq!(PlayError::from_name("AbortError"), None);
    assert_eq!(
        PlayError::from_name("NotAllowedError"),
        Some(PlayError::NeedsGesture)
    );
    assert_eq!(
        PlayError::from_name("NotSupportedError"),
        Some(PlayError::Failed("NotSupportedError".into()))
    );
}

#[wasm_bindgen_test]
fn a_type_error_means_the_page_may_not_use_media() {
    let error: JsValue = js_sys::TypeError::new("bad constraints").into();
    assert_eq!(MediaError::from_js(&error), MediaError::Blocked);
}

#[wasm_bindgen_test]
fn a_thrown_string_is_still_an_error() {
    let error = MediaError::from_js(&JsValue::from_str("boom"));
    assert!(matches!(error, MediaError::Other { ref message, .. } if message == "boom"));
}

#[wasm_bindgen_test]
fn headless_chromium_can_share_a_screen() {
    assert!(can_share_screen());
}

#[wasm_bindgen_test]
async fn the_fake_camera_and_microphone_are_acquired() {
    let media = match LocalMedia::acquire().await {
        Ok(media) => media,
        Err(e) => panic!("getUserMedia with the fake device failed: {e}"),
    };
    let kinds: Vec<String> = media.tracks().iter().map(MediaStreamTrack::kind).collect();
    media.stop();
    assert!(kinds.contains(&"audio".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"video".to_owned()), "{kinds:?}");
}
