//! The microphone's level, live: a Web Audio `AnalyserNode` listening to the microphone's track,
//! read on demand (the meter reads it ten times a second), scaled by [`crate::call::level`].
//!
//! ```text
//! microphone track → MediaStreamAudioSourceNode → AnalyserNode (read, never played)
//! ```
//!
//! Browsers start an `AudioContext` made before the person has touched the page suspended
//! (autoplay rules): then the meter starts at the first click or key press anywhere.

use gloo::events::EventListener;
use thiserror::Error;
use wasm_bindgen::JsValue;
use web_sys::{AnalyserNode, AudioContext, AudioContextState, MediaStream, MediaStreamTrack};

use super::media::text_field;
use crate::call::level::percent;

/// How many samples each reading covers: 85 ms at 48 kHz, a little under the time between two
/// readings, so that even a short sound (Chromium's fake microphone beeps for 20 ms) is seen.
const WINDOW: u32 = 4096;

/// Why the level cannot be measured.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LevelError {
    /// This browser has no Web Audio (`AudioContext`).
    #[error("this browser has no Web Audio")]
    Unsupported,
    /// Web Audio refused to listen to the microphone (too many audio contexts, a track that
    /// ended...), with the browser's words.
    #[error("the microphone level cannot be measured: {0}")]
    Failed(String),
}

impl LevelError {
    fn from_js(error: &JsValue) -> Self {
        Self::Failed(text_field(error, "message").unwrap_or_else(|| format!("{error:?}")))
    }
}

/// Whether this browser can measure a level (`AudioContext`).
pub fn supported() -> bool {
    js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("AudioContext")).unwrap_or(false)
}

/// A running level meter on one microphone track. Dropping it closes its audio graph.
pub struct LevelMeter {
    context: AudioContext,
    analyser: AnalyserNode,
    samples: Vec<f32>,
    track: String,
    /// Resume a context the autoplay rules suspended, at the person's first gesture.
    _wake: Vec<EventListener>,
}

impl LevelMeter {
    /// Starts listening to `track`.
    pub fn start(track: &MediaStreamTrack) -> Result<Self, LevelError> {
        if !supported() {
            return Err(LevelError::Unsupported);
        }
        let context = AudioContext::new().map_err(|e| LevelError::from_js(&e))?;
        let graph = (|| {
            let stream = MediaStream::new_with_tracks(&js_sys::Array::of1(track))?;
            let source = context.create_media_stream_source(&stream)?;
            let analyser = context.create_analyser()?;
            analyser.set_fft_size(WINDOW);
            source.connect_with_audio_node(&analyser)?;
            Ok::<_, JsValue>(analyser)
        })();
        let analyser = match graph {
            Ok(analyser) => analyser,
            Err(e) => {
                let _ = context.close();
                return Err(LevelError::from_js(&e));
            }
        };
        let _wake = web_sys::window()
            .map(|window| {
                ["pointerdown", "keydown"].map(|kind| {
                    let context = context.clone();
                    EventListener::new(&window, kind, move |_| {
                        if context.state() == AudioContextState::Suspended {
                            let _ = context.resume();
                        }
                    })
                })
            })
            .into_iter()
            .flatten()
            .collect();
        // Made with the page's own permission to play (the person clicked already): runs.
        let _ = context.resume();
        Ok(Self {
            samples: vec![0.0; WINDOW as usize],
            track: track.id(),
            context,
            analyser,
            _wake,
        })
    }

    /// The id of the track it listens to (a microphone switched or reopened is another track).
    pub fn track_id(&self) -> &str {
        &self.track
    }

    /// The level now, 0 to 100 ([`percent`] of the latest window).
    pub fn read(&mut self) -> u8 {
        self.analyser.get_float_time_domain_data(&mut self.samples);
        percent(&self.samples)
    }
}

impl Drop for LevelMeter {
    fn drop(&mut self) {
        let _ = self.context.close();
    }
}
