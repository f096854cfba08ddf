//! The in-call controls' state and their keyboard shortcuts, pure (no browser objects).

/// Whether a person's microphone and camera are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaState {
    /// The microphone is on (not muted).
    pub mic: bool,
    /// The camera is on.
    pub camera: bool,
}

impl Default for MediaState {
    /// Both on: that is how a call starts.
    fn default() -> Self {
        Self {
            mic: true,
            camera: true,
        }
    }
}

/// What a keyboard shortcut does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    /// Mute or unmute the microphone.
    ToggleMic,
    /// Turn the camera off or on.
    ToggleCamera,
    /// Open or close the chat.
    ToggleChat,
    /// Leave the call.
    Leave,
    /// Show the list of shortcuts.
    Help,
}

impl Shortcut {
    /// Every shortcut with its key, in the order the help lists them.
    pub const ALL: [(Shortcut, &'static str); 5] = [
        (Shortcut::ToggleMic, "M"),
        (Shortcut::ToggleCamera, "V"),
        (Shortcut::ToggleChat, "C"),
        (Shortcut::Leave, "L"),
        (Shortcut::Help, "?"),
    ];

    /// The shortcut for a key press (`KeyboardEvent.key`), if any. Never while typing in a
    /// text field (the letters are text there), and never with Ctrl, Alt or Meta (those
    /// combinations belong to the browser and the system).
    pub fn for_key(key: &str, typing: bool, ctrl_alt_meta: bool) -> Option<Self> {
        if typing || ctrl_alt_meta {
            return None;
        }
        match key {
            "m" | "M" => Some(Self::ToggleMic),
            "v" | "V" => Some(Self::ToggleCamera),
            "c" | "C" => Some(Self::ToggleChat),
            "l" | "L" => Some(Self::Leave),
            "?" => Some(Self::Help),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn keys_map_to_shortcuts_in_either_case() {
        for (shortcut, key) in Shortcut::ALL {
            assert_eq!(
                Shortcut::for_key(key, false, false),
                Some(shortcut),
                "{key}"
            );
            let lower = key.to_lowercase();
            assert_eq!(
                Shortcut::for_key(&lower, false, false),
                Some(shortcut),
                "{lower}"
            );
        }
        assert_eq!(Shortcut::for_key("x", false, false), None);
        assert_eq!(Shortcut::for_key("Enter", false, false), None);
    }

    #[wasm_bindgen_test]
    fn no_shortcut_while_typing_or_with_modifiers() {
        assert_eq!(Shortcut::for_key("m", true, false), None);
        assert_eq!(Shortcut::for_key("l", true, false), None);
        assert_eq!(Shortcut::for_key("c", false, true), None, "Ctrl+C copies");
    }

    #[wasm_bindgen_test]
    fn a_call_starts_with_both_on() {
        assert_eq!(
            MediaState::default(),
            MediaState {
                mic: true,
                camera: true
            }
        );
    }
}
