//! The module's C ABI: what `frontend/denoise-worklet.js` calls.
//!
//! Raw exports rather than wasm-bindgen: its JavaScript glue expects `fetch`, `TextDecoder` and
//! module loading that an AudioWorklet's global scope lacks, and the interface is five numbers.
//! One worklet instance instantiates the module once, so the state is a per-instance global.
//!
//! The worklet writes a block of samples at [`duet_denoise_input`]'s address in the module's
//! memory, calls [`duet_denoise_process`] with its length, and reads as many at
//! [`duet_denoise_output`]'s address.

// `#[no_mangle]` is the only thing here the `unsafe_code` lint counts; there is no `unsafe`
// block, and no pointer from JavaScript is ever dereferenced: addresses only go out.
#![allow(unsafe_code)]

use std::cell::RefCell;

use crate::{Framer, Suppressor, TOTAL_DELAY};

/// The longest block one call takes: Web Audio's quantum is 128 samples, and the spec's
/// `renderSizeHint` may raise it; a block this long is 85 ms.
pub const MAX_BLOCK: usize = 4096;

/// What [`duet_denoise_process`] returns; negative values are errors.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The block was processed.
    Ok = 0,
    /// [`duet_denoise_init`] was never called.
    NotStarted = -1,
    /// The block was longer than [`MAX_BLOCK`].
    TooLong = -2,
}

struct Denoiser {
    framer: Framer<Suppressor>,
    /// Boxed: the worklet keeps views on these addresses, so they must never move.
    input: Box<[f32; MAX_BLOCK]>,
    output: Box<[f32; MAX_BLOCK]>,
}

thread_local! {
    static DENOISER: RefCell<Option<Box<Denoiser>>> = const { RefCell::new(None) };
}

/// Starts (or restarts, from silence) the suppressor. Allocates everything it will use, so no
/// later call allocates on the audio thread.
#[no_mangle]
pub extern "C" fn duet_denoise_init() {
    let denoiser = Box::new(Denoiser {
        framer: Framer::new(Suppressor::new()),
        input: Box::new([0.0; MAX_BLOCK]),
        output: Box::new([0.0; MAX_BLOCK]),
    });
    DENOISER.with(|slot| *slot.borrow_mut() = Some(denoiser));
}

/// The address of the input block in the module's memory (0 before [`duet_denoise_init`]).
#[no_mangle]
pub extern "C" fn duet_denoise_input() -> usize {
    DENOISER.with(|slot| match slot.borrow_mut().as_mut() {
        Some(denoiser) => denoiser.input.as_mut_ptr() as usize,
        None => 0,
    })
}

/// The address of the output block in the module's memory (0 before [`duet_denoise_init`]).
#[no_mangle]
pub extern "C" fn duet_denoise_output() -> usize {
    DENOISER.with(|slot| match slot.borrow_mut().as_mut() {
        Some(denoiser) => denoiser.output.as_mut_ptr() as usize,
        None => 0,
    })
}

/// The longest block [`duet_denoise_process`] takes.
#[no_mangle]
pub extern "C" fn duet_denoise_capacity() -> u32 {
    MAX_BLOCK as u32
}

/// The samples the suppressor delays its input by (see [`TOTAL_DELAY`]).
#[no_mangle]
pub extern "C" fn duet_denoise_delay() -> u32 {
    TOTAL_DELAY as u32
}

/// Denoises the first `len` samples of the input block into the output block.
#[no_mangle]
pub extern "C" fn duet_denoise_process(len: u32) -> i32 {
    let len = len as usize;
    if len > MAX_BLOCK {
        return Status::TooLong as i32;
    }
    DENOISER.with(|slot| match slot.borrow_mut().as_mut() {
        Some(denoiser) => {
            let Denoiser {
                framer,
                input,
                output,
            } = &mut **denoiser;
            // Equal lengths by construction: the framer cannot refuse them.
            match framer.process(&input[..len], &mut output[..len]) {
                Ok(()) => Status::Ok as i32,
                Err(_) => Status::TooLong as i32,
            }
        }
        None => Status::NotStarted as i32,
    })
}

/// How sure RNNoise was that the last frame held speech, 0 to 1 (for diagnostics).
#[no_mangle]
pub extern "C" fn duet_denoise_vad() -> f32 {
    DENOISER.with(|slot| {
        slot.borrow()
            .as_ref()
            .map_or(0.0, |denoiser| denoiser.framer.processor().last_vad())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn calls_before_init_are_refused_and_long_blocks_too() {
        DENOISER.with(|slot| *slot.borrow_mut() = None);
        assert_eq!(duet_denoise_input(), 0);
        assert_eq!(duet_denoise_process(128), Status::NotStarted as i32);
        duet_denoise_init();
        assert_ne!(duet_denoise_input(), 0);
        assert_ne!(duet_denoise_output(), duet_denoise_input());
        assert_eq!(duet_denoise_process(128), Status::Ok as i32);
        assert_eq!(
            duet_denoise_process(MAX_BLOCK as u32 + 1),
            Status::TooLong as i32
        );
        assert_eq!(duet_denoise_process(MAX_BLOCK as u32), Status::Ok as i32);
        assert_eq!(duet_denoise_delay(), 959);
    }
}
