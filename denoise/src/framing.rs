//! Render quanta in, 480-sample frames through, render quanta out.

use thiserror::Error;

/// Samples in one RNNoise frame: 10 ms at 48 kHz.
pub const FRAME: usize = 480;

/// How many samples [`Framer`] delays its input: `FRAME - 1`.
///
/// A call must give back as many samples as it was given, but a frame can only be processed
/// once all 480 of its samples are in. In the worst case a call ends one sample short of a
/// frame, so the output needs 479 samples in hand beforehand: the framer starts with 479 samples
/// of silence queued. That is the least delay that works for every sequence of call sizes (the
/// Web Audio spec lets a quantum be other than 128), and it does not depend on that sequence.
pub const FRAMING_DELAY: usize = FRAME - 1;

/// Something that turns one 480-sample frame into another: RNNoise in the module, the identity
/// in the framing tests.
pub trait FrameProcessor {
    /// Processes one frame. `input` and `output` are both [`FRAME`] samples long.
    fn process(&mut self, input: &[f32; FRAME], output: &mut [f32; FRAME]);
}

/// What [`Framer::process`] refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum FramingError {
    /// Input and output must be the same length: the framer is a fixed delay, not a resampler.
    #[error("input has {input} samples but output has room for {output}")]
    LengthMismatch {
        /// Samples given.
        input: usize,
        /// Samples asked for.
        output: usize,
    },
}

/// Output queue capacity: at most [`FRAMING_DELAY`] samples wait before a frame adds [`FRAME`].
const QUEUE: usize = 2 * FRAME;

/// Buffers audio of any call size into whole frames for a [`FrameProcessor`], and gives the
/// processed audio back at the same pace, [`FRAMING_DELAY`] samples late.
///
/// Fixed-size buffers only: nothing is allocated on the audio thread.
pub struct Framer<P> {
    processor: P,
    /// The frame being filled, `filled` samples so far.
    pending: [f32; FRAME],
    filled: usize,
    /// Processed samples not yet handed out: a ring of `queued` samples from `head`.
    queue: [f32; QUEUE],
    head: usize,
    queued: usize,
    /// Scratch for the processor's output, kept here rather than on the (small) wasm stack.
    frame_out: [f32; FRAME],
}

impl<P: FrameProcessor> Framer<P> {
    /// A framer around `processor`, with [`FRAMING_DELAY`] samples of silence queued.
    pub fn new(processor: P) -> Self {
        Self {
            processor,
            pending: [0.0; FRAME],
            filled: 0,
            queue: [0.0; QUEUE],
            head: 0,
            queued: FRAMING_DELAY,
            frame_out: [0.0; FRAME],
        }
    }

    /// Feeds `input` in and writes as many processed samples to `output`.
    ///
    /// # Errors
    /// [`FramingError::LengthMismatch`] when the two differ in length (nothing is consumed).
    pub fn process(&mut self, input: &[f32], output: &mut [f32]) -> Result<(), FramingError> {
        if input.len() != output.len() {
            return Err(FramingError::LengthMismatch {
                input: input.len(),
                output: output.len(),
            });
        }
        let mut done = 0;
        while done < input.len() {
            // Take no more than completes the pending frame, so that every frame is processed
            // as soon as it is whole and the queue never holds more than QUEUE samples.
            let take = (input.len() - done).min(FRAME - self.filled);
            self.pending[self.filled..self.filled + take]
                .copy_from_slice(&input[done..done + take]);
            self.filled += take;
            if self.filled == FRAME {
                self.processor.process(&self.pending, &mut self.frame_out);
                self.filled = 0;
                for &sample in &self.frame_out {
                    self.queue[(self.head + self.queued) % QUEUE] = sample;
                    self.queued += 1;
                }
            }
            // With FRAMING_DELAY queued up front there are always `take` samples here (the
            // tests check it over random call sizes); `min` keeps a broken invariant from
            // reading stale samples, and the rest of the output stays silent.
            let give = take.min(self.queued);
            for slot in &mut output[done..done + give] {
                *slot = self.queue[self.head];
                self.head = (self.head + 1) % QUEUE;
                self.queued -= 1;
            }
            output[done + give..done + take].fill(0.0);
            done += take;
        }
        Ok(())
    }

    /// The processor, e.g. to read what it measured.
    pub fn processor(&self) -> &P {
        &self.processor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Passes frames through unchanged, so the framer's own effect is all there is to see.
    struct Identity;

    impl FrameProcessor for Identity {
        fn process(&mut self, input: &[f32; FRAME], output: &mut [f32; FRAME]) {
            output.copy_from_slice(input);
        }
    }

    /// xorshift32: reproducible call sizes without a random-number crate in the wasm build.
    struct Rng(u32);

    impl Rng {
        fn next(&mut self) -> u32 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 17;
            self.0 ^= self.0 << 5;
            self.0
        }
    }

    /// Runs `signal` through an identity framer in calls of `sizes` (cycled) and checks the
    /// output is the signal, FRAMING_DELAY samples late, with silence before it.
    fn check_delay(signal: &[f32], sizes: &[usize]) {
        assert!(sizes.iter().any(|&s| s > 0), "{sizes:?} would never finish");
        let mut framer = Framer::new(Identity);
        let mut out = vec![f32::NAN; signal.len()];
        let mut at = 0;
        let mut calls = sizes.iter().cycle();
        while at < signal.len() {
            let size = calls.next().copied().unwrap_or(128).min(signal.len() - at);
            framer
                .process(&signal[at..at + size], &mut out[at..at + size])
                .map_err(|e| format!("call at {at}: {e}"))
                .unwrap_or_else(|e| panic!("{e}"));
            at += size;
        }
        for (i, &got) in out.iter().enumerate() {
            let want = if i < FRAMING_DELAY {
                0.0
            } else {
                signal[i - FRAMING_DELAY]
            };
            assert_eq!(got, want, "sample {i} with call sizes {sizes:?}");
        }
    }

    /// A signal whose every sample differs, so a shifted or repeated sample cannot pass.
    fn ramp(len: usize) -> Vec<f32> {
        (1..=len).map(|i| i as f32).collect()
    }

    #[test]
    fn render_quanta_come_out_delayed_by_the_documented_amount() {
        check_delay(&ramp(48_000), &[128]);
    }

    #[test]
    fn awkward_call_sizes_come_out_the_same() {
        let signal = ramp(20_000);
        for sizes in [
            &[1][..],
            &[479],
            &[480],
            &[481],
            &[959, 1],
            &[0, 128, 0, 7],
            &[2048],
            &[4800],
        ] {
            check_delay(&signal, sizes);
        }
    }

    #[test]
    fn random_sequences_of_call_sizes_come_out_the_same() {
        let signal = ramp(30_000);
        let mut rng = Rng(0x2545_f491);
        for _ in 0..200 {
            let mut sizes: Vec<usize> = (0..1 + rng.next() % 16)
                .map(|_| (rng.next() % 1100) as usize)
                .collect();
            sizes.push(1 + (rng.next() % 600) as usize);
            check_delay(&signal, &sizes);
        }
    }

    #[test]
    fn mismatched_lengths_are_refused_and_consume_nothing() {
        let mut framer = Framer::new(Identity);
        let mut out = [0.0; 3];
        assert_eq!(
            framer.process(&[1.0; 4], &mut out),
            Err(FramingError::LengthMismatch {
                input: 4,
                output: 3
            })
        );
        // Still exactly FRAMING_DELAY behind: the refused call left no trace.
        let signal = ramp(2_000);
        let mut got = vec![0.0; signal.len()];
        framer
            .process(&signal, &mut got)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            &got[FRAMING_DELAY..],
            &signal[..signal.len() - FRAMING_DELAY]
        );
    }
}
