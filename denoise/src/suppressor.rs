//! RNNoise behind the [`FrameProcessor`] interface.

use nnnoiseless::DenoiseState;

use crate::framing::{FrameProcessor, FRAME};

/// RNNoise's own delay, in samples: it synthesises each frame by overlap-adding a 960-sample
/// window, so a frame's output finishes the previous frame's input.
pub const RNNOISE_DELAY: usize = FRAME;

/// Web Audio's samples are in [-1, 1]; RNNoise's model was trained on 16-bit PCM values.
const PCM_SCALE: f32 = 32_768.0;

/// RNNoise's state for one stream (about 100 KB: the network's state and its FFT buffers).
pub struct Suppressor {
    state: Box<DenoiseState<'static>>,
    /// Scratch for the scaled input, kept here rather than on the (small) wasm stack.
    scaled: [f32; FRAME],
    /// Voice-activity probability RNNoise gave the last frame, 0 to 1.
    last_vad: f32,
}

impl Suppressor {
    /// A suppressor with RNNoise's built-in model.
    pub fn new() -> Self {
        Self {
            state: DenoiseState::new(),
            scaled: [0.0; FRAME],
            last_vad: 0.0,
        }
    }

    /// How sure RNNoise was that the last frame held speech (0 to 1).
    pub fn last_vad(&self) -> f32 {
        self.last_vad
    }
}

impl Default for Suppressor {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameProcessor for Suppressor {
    fn process(&mut self, input: &[f32; FRAME], output: &mut [f32; FRAME]) {
        for (scaled, &sample) in self.scaled.iter_mut().zip(input) {
            *scaled = sample * PCM_SCALE;
        }
        self.last_vad = self.state.process_frame(output, &self.scaled);
        for sample in output.iter_mut() {
            // RNNoise can overshoot a full-scale input slightly; the browser clips anyway, but
            // a bounded signal keeps the Opus encoder's input what the spec promises.
            *sample = (*sample / PCM_SCALE).clamp(-1.0, 1.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framing::Framer;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Deterministic noise with most of its energy low, like a fan or a road (a one-pole
    /// low-pass of white noise): the steady noise RNNoise is trained to remove. (Flat white
    /// noise at some levels it only dims by a few dB.)
    fn noise(len: usize, amplitude: f32, mut seed: u32) -> Vec<f32> {
        let mut low = 0.0;
        (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let white = seed as f32 / u32::MAX as f32 * 2.0 - 1.0;
                low = 0.9 * low + 0.1 * white;
                low * amplitude
            })
            .collect()
    }

    fn rms(samples: &[f32]) -> f32 {
        (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt()
    }

    #[test]
    fn steady_noise_is_attenuated() {
        let input = noise(48_000 * 3, 0.3, 7);
        let mut output = vec![0.0; input.len()];
        let mut framer = Framer::new(Suppressor::new());
        for (i, o) in input.chunks(128).zip(output.chunks_mut(128)) {
            framer.process(i, o).unwrap_or_else(|e| panic!("{e}"));
        }
        // The last second, once RNNoise has settled on the noise floor.
        let tail = 48_000 * 2..;
        let db = 20.0 * (rms(&output[tail.clone()]) / rms(&input[tail])).log10();
        assert!(db < -20.0, "steady noise only {db:.1} dB quieter");
    }
}
