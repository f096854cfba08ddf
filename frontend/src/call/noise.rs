//! "Strong noise suppression": where the switch stands. The suppressor itself is
//! [`crate::browser::denoise`]; this is the rule for the switch, on the room step and in the
//! call's Devices panel.

/// Where the switch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoiseChoice {
    /// The person chooses; `on` is their choice.
    Open {
        /// Whether they chose strong suppression.
        on: bool,
    },
    /// The browser has no AudioWorklet or no WebAssembly (the switch is off and disabled).
    Unsupported,
    /// The suppressor failed to load or stopped in this visit (off and disabled: the
    /// microphone is sent as it is).
    Failed,
}

impl NoiseChoice {
    /// The switch for a person who chose `on`, in a browser that can run the suppressor
    /// (`supported`) or not, after it `failed` in this visit or not.
    pub fn new(on: bool, supported: bool, failed: bool) -> Self {
        match (supported, failed) {
            (false, _) => Self::Unsupported,
            (true, true) => Self::Failed,
            (true, false) => Self::Open { on },
        }
    }

    /// Whether the microphone goes through the suppressor.
    pub fn runs(self) -> bool {
        self == Self::Open { on: true }
    }

    /// Whether the person can flip the switch.
    pub fn can_change(self) -> bool {
        matches!(self, Self::Open { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_switch_follows_the_choice_where_the_suppressor_runs() {
        assert!(NoiseChoice::new(true, true, false).runs());
        assert!(!NoiseChoice::new(false, true, false).runs());
        assert!(NoiseChoice::new(false, true, false).can_change());
    }

    #[wasm_bindgen_test]
    fn unsupported_or_failed_is_off_and_fixed_whatever_was_chosen() {
        for (supported, failed, want) in [
            (false, false, NoiseChoice::Unsupported),
            (false, true, NoiseChoice::Unsupported),
            (true, true, NoiseChoice::Failed),
        ] {
            let choice = NoiseChoice::new(true, supported, failed);
            assert_eq!(choice, want);
            assert!(!choice.runs(), "the microphone is sent as it is");
            assert!(!choice.can_change());
        }
    }
}
