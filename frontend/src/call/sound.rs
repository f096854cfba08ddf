//! The sound controls: the browser's own processing of the microphone ("Noise suppression",
//! "Echo cancellation", "Automatic gain"), each a switch, on the room step and in the call's
//! Devices panel. This is the rule (which steps exist, what a choice is); the browser side is
//! [`crate::browser::sound`]. Not to be confused with "Strong noise suppression"
//! ([`super::noise`]), Duet's own suppressor that runs after the browser's.

/// One step of the browser's processing of a microphone, each a constraint of
/// `getUserMedia` and `applyConstraints` and a field of `MediaStreamTrack.getSettings()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Processing {
    /// `noiseSuppression`.
    NoiseSuppression,
    /// `echoCancellation`.
    EchoCancellation,
    /// `autoGainControl`.
    AutoGain,
}

impl Processing {
    /// Every step, in the order the switches show.
    pub const ALL: [Self; 3] = [
        Self::NoiseSuppression,
        Self::EchoCancellation,
        Self::AutoGain,
    ];

    /// The constraint's name (and the setting's, in `getSettings()`).
    pub fn constraint(self) -> &'static str {
        match self {
            Self::NoiseSuppression => "noiseSuppression",
            Self::EchoCancellation => "echoCancellation",
            Self::AutoGain => "autoGainControl",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of [`Processing`] steps: the ones a person wants on, or the ones a browser has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProcessingSet(u8);

impl ProcessingSet {
    /// No step.
    pub const NONE: Self = Self(0);
    /// Every step: what browsers do for a call unless told otherwise, so the default choice.
    pub const ALL: Self = Self(0b111);

    /// Whether `step` is in the set.
    pub fn contains(self, step: Processing) -> bool {
        self.0 & step.bit() != 0
    }

    /// The set with `step` in it (`on`) or not.
    #[must_use]
    pub fn with(self, step: Processing, on: bool) -> Self {
        if on {
            Self(self.0 | step.bit())
        } else {
            Self(self.0 & !step.bit())
        }
    }

    /// The steps in the set, in [`Processing::ALL`]'s order.
    pub fn iter(self) -> impl Iterator<Item = Processing> {
        Processing::ALL
            .into_iter()
            .filter(move |&s| self.contains(s))
    }

    /// Whether a track whose settings say `actual` (a step's value, `None` where the browser
    /// does not report it) already does what `self` asks, for the steps in `shown` (the ones the
    /// browser has; the others cannot be asked for).
    pub fn is_met_by(self, shown: Self, actual: impl Fn(Processing) -> Option<bool>) -> bool {
        shown
            .iter()
            .all(|step| actual(step).is_none_or(|on| on == self.contains(step)))
    }
}

/// Where the sound controls stand: what the person wants, which the browser has (only those
/// are shown), and whether the latest choice could not be applied to the microphone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SoundChoice {
    /// The steps the person wants on.
    pub wanted: ProcessingSet,
    /// The steps this browser lets a page turn on and off.
    pub shown: ProcessingSet,
    /// Whether the microphone could not be made to do what was chosen last.
    pub failed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn a_set_holds_each_step_on_its_own() {
        let set = ProcessingSet::ALL.with(Processing::EchoCancellation, false);
        assert!(set.contains(Processing::NoiseSuppression));
        assert!(!set.contains(Processing::EchoCancellation));
        assert!(set.contains(Processing::AutoGain));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Processing::NoiseSuppression, Processing::AutoGain]
        );
        assert_eq!(
            set.with(Processing::EchoCancellation, true),
            ProcessingSet::ALL
        );
        let none = Processing::ALL
            .into_iter()
            .fold(ProcessingSet::ALL, |s, p| s.with(p, false));
        assert_eq!(none, ProcessingSet::NONE);
        assert_eq!(ProcessingSet::NONE.iter().count(), 0);
    }

    #[wasm_bindgen_test]
    fn the_constraints_are_the_browsers_names() {
        let names: Vec<_> = Processing::ALL.iter().map(|p| p.constraint()).collect();
        assert_eq!(
            names,
            ["noiseSuppression", "echoCancellation", "autoGainControl"]
        );
    }

    #[wasm_bindgen_test]
    fn a_track_meets_a_choice_when_every_step_the_browser_has_matches() {
        let wanted = ProcessingSet::ALL.with(Processing::AutoGain, false);
        let all = ProcessingSet::ALL;
        assert!(wanted.is_met_by(all, |p| Some(p != Processing::AutoGain)));
        assert!(
            !wanted.is_met_by(all, |_| Some(true)),
            "automatic gain still on"
        );
        // A step the browser does not report cannot be checked, nor one it does not have.
        assert!(wanted.is_met_by(all, |p| (p != Processing::AutoGain).then_some(true)));
        let without_gain = all.with(Processing::AutoGain, false);
        assert!(wanted.is_met_by(without_gain, |_| Some(true)));
    }
}
