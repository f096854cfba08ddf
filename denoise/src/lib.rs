//! Duet's noise suppressor, as the browser runs it: RNNoise ([`nnnoiseless`]) inside an
//! AudioWorklet, between the microphone and the peer connection.
//!
//! Web Audio hands a worklet 128-sample render quanta; RNNoise wants 480-sample frames (10 ms
//! at 48 kHz). [`Framer`] turns one into the other with a fixed delay ([`FRAMING_DELAY`]), and
//! [`Suppressor`] is RNNoise behind the frame interface. The module's C ABI (what
//! `frontend/denoise-worklet.js` calls) is in `exports`.
//!
//! Total added latency: [`TOTAL_DELAY`] samples, [`FRAMING_DELAY`] from the framing plus
//! RNNoise's own [`RNNOISE_DELAY`].

mod exports;
mod framing;
mod suppressor;

pub use framing::{FrameProcessor, Framer, FramingError, FRAME, FRAMING_DELAY};
pub use suppressor::{Suppressor, RNNOISE_DELAY};

/// The samples between a sound entering the worklet and leaving it denoised: the framing's
/// delay plus RNNoise's (959 samples, 19.98 ms at 48 kHz).
pub const TOTAL_DELAY: usize = FRAMING_DELAY + RNNOISE_DELAY;

/// The sample rate RNNoise's model was trained at; the browser side runs its AudioContext at
/// this rate so that the microphone is resampled once, by the browser.
pub const SAMPLE_RATE: u32 = 48_000;
