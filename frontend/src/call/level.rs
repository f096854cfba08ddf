//! The microphone level meter's scale: from a window of samples to a number from 0 to 100, as
//! `aria-valuenow` carries it, and how the shown value falls back between sounds. The samples
//! come from [`crate::browser::level`].

/// The quietest level shown above zero, in dB below full scale: a quiet room sits under it,
/// so the meter rests at zero until someone speaks.
pub const FLOOR_DB: f32 = -60.0;

/// How far the shown level may fall at each reading (ten a second): from full to nothing in
/// about a second, so that a short sound stays visible long enough to be seen.
pub const FALL_PER_READING: u8 = 10;

/// The level of a window of samples (-1.0 to 1.0), 0 to 100: its root mean square in dB below
/// full scale, [`FLOOR_DB`] and below as 0, full scale as 100, linear in dB in between (as
/// people hear loudness). An empty window is silence.
pub fn percent(samples: &[f32]) -> u8 {
    if samples.is_empty() {
        return 0;
    }
    let energy = samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32;
    let db = 10.0 * energy.log10();
    if db.is_nan() || db <= FLOOR_DB {
        return 0;
    }
    let scaled = (db - FLOOR_DB) / -FLOOR_DB * 100.0;
    // In 0..=100 here (a window louder than full scale is clamped), so the cast is exact.
    scaled.round().clamp(0.0, 100.0) as u8
}

/// The value to show after one reading: a louder reading shows at once, a quieter one only
/// lets the shown value fall by [`FALL_PER_READING`].
pub fn smoothed(shown: u8, reading: u8) -> u8 {
    reading.max(shown.saturating_sub(FALL_PER_READING))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// A sine wave of `amplitude` over whole periods.
    fn sine(amplitude: f32) -> Vec<f32> {
        (0..480)
            .map(|i| amplitude * (i as f32 * std::f32::consts::TAU / 48.0).sin())
            .collect()
    }

    #[wasm_bindgen_test]
    fn silence_and_nothing_read_are_zero() {
        assert_eq!(percent(&[]), 0);
        assert_eq!(percent(&[0.0; 256]), 0);
        assert_eq!(percent(&sine(0.0005)), 0, "-69 dB is under the floor");
    }

    #[wasm_bindgen_test]
    fn full_scale_is_a_hundred_and_louder_stays_there() {
        assert_eq!(percent(&[1.0; 256]), 100);
        assert_eq!(percent(&[-1.0; 256]), 100);
        assert_eq!(percent(&[3.0; 256]), 100, "clipped input is clamped");
    }

    #[wasm_bindgen_test]
    fn the_scale_is_linear_in_decibels() {
        // A full-scale sine's RMS is 1/√2: -3 dB, so 95.
        assert_eq!(percent(&sine(1.0)), 95);
        // Each tenth of the amplitude is 20 dB: a third of the scale.
        assert_eq!(percent(&[0.1; 256]), 67);
        assert_eq!(percent(&[0.01; 256]), 33);
        assert!(percent(&sine(0.5)) < percent(&sine(1.0)));
    }

    #[wasm_bindgen_test]
    fn a_bad_sample_does_not_break_the_meter() {
        assert_eq!(percent(&[f32::NAN; 4]), 0);
    }

    #[wasm_bindgen_test]
    fn the_meter_rises_at_once_and_falls_slowly() {
        assert_eq!(smoothed(0, 80), 80);
        assert_eq!(smoothed(80, 0), 70);
        assert_eq!(smoothed(80, 75), 75);
        assert_eq!(smoothed(5, 0), 0);
        let mut shown = 100;
        let mut readings = 0;
        while shown > 0 {
            shown = smoothed(shown, 0);
            readings += 1;
        }
        assert_eq!(readings, 10, "from full to nothing in a second");
    }
}
