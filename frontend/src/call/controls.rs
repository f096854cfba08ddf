//! The in-call controls' state and their keyboard shortcuts, pure (no browser objects).

/// Whether a person's microphone and camera are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaState {
    /// The microphone is on (not muted).
    pub mic: bool,
    /// The camera is on.
    pub camera: bool,
}

impl MediaState {
    /// What the friend is told, and sees: a shared screen is a picture sent even while the
    /// camera is off ("Turn camera off" during a share turns off the camera, which comes back
    /// off when the share ends, and does not hide the screen).
    pub fn as_sent(self, sharing: bool) -> Self {
        Self {
            mic: self.mic,
            camera: self.camera || sharing,
        }
    }
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

    /// The shortcut for a key press, if any. Never while the focus is on something that takes
    /// keys itself (a text field, a drop-down, a dialog), never for a key held down (its
    /// repeats would toggle on and off), never while an input method composes a character,
    /// and never with Ctrl, Alt or Meta (those combinations belong to the browser and the
    /// system).
    pub fn for_press(press: &KeyPress<'_>) -> Option<Self> {
        if press.focus_takes_keys || press.ctrl_alt_meta || press.repeat || press.composing {
            return None;
        }
        match press.key {
            "m" | "M" => Some(Self::ToggleMic),
            "v" | "V" => Some(Self::ToggleCamera),
            "c" | "C" => Some(Self::ToggleChat),
            "l" | "L" => Some(Self::Leave),
            "?" => Some(Self::Help),
            _ => None,
        }
    }
}

/// A key press, as far as shortcuts care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyPress<'a> {
    /// `KeyboardEvent.key`.
    pub key: &'a str,
    /// The focus is on a form control or in a dialog, where keys mean something else.
    pub focus_takes_keys: bool,
    /// Ctrl, Alt or Meta is held.
    pub ctrl_alt_meta: bool,
    /// The key is held down (`KeyboardEvent.repeat`).
    pub repeat: bool,
    /// An input method is composing (`KeyboardEvent.isComposing`).
    pub composing: bool,
}

impl<'a> KeyPress<'a> {
    /// A plain press of `key`, nothing else going on.
    pub fn plain(key: &'a str) -> Self {
        Self {
            key,
            ..Self::default()
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
                Shortcut::for_press(&KeyPress::plain(key)),
                Some(shortcut),
                "{key}"
            );
            let lower = key.to_lowercase();
            assert_eq!(
                Shortcut::for_press(&KeyPress::plain(&lower)),
                Some(shortcut),
                "{lower}"
            );
        }
        assert_eq!(Shortcut::for_press(&KeyPress::plain("x")), None);
        assert_eq!(Shortcut::for_press(&KeyPress::plain("Enter")), None);
    }

    #[wasm_bindgen_test]
    fn no_shortcut_while_typing_holding_composing_or_with_modifiers() {
        for key in ["m", "l", "v", "c", "?"] {
            let press = KeyPress::plain(key);
            let cases = [
                (
                    KeyPress {
                        focus_takes_keys: true,
                        ..press
                    },
                    "in a form control or dialog",
                ),
                (
                    KeyPress {
                        ctrl_alt_meta: true,
                        ..press
                    },
                    "with Ctrl, Alt or Meta",
                ),
                (
                    KeyPress {
                        repeat: true,
                        ..press
                    },
                    "held down",
                ),
                (
                    KeyPress {
                        composing: true,
                        ..press
                    },
                    "while composing",
                ),
            ];
            for (press, why) in cases {
                assert_eq!(Shortcut::for_press(&press), None, "{key} {why}");
            }
        }
    }

    #[wasm_bindgen_test]
    fn a_shared_screen_is_shown_to_the_friend_even_with_the_camera_off() {
        let camera_off = MediaState {
            mic: false,
            camera: false,
        };
        assert_eq!(camera_off.as_sent(false), camera_off);
        assert_eq!(
            camera_off.as_sent(true),
            MediaState {
                mic: false,
                camera: true
            },
            "the screen is a picture; the microphone stays as it is"
        );
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
