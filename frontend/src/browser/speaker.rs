//! The speaker: which audio output plays the call (`HTMLMediaElement.setSinkId`, the Audio
//! Output Devices API, where the browser has it), and a test sound to hear it with, made in
//! the browser (a Web Audio oscillator, no file to download).
//!
//! ```text
//! OscillatorNode → GainNode (its envelope) → MediaStreamAudioDestinationNode
//!                → <audio> with the chosen speaker (setSinkId) → the speaker
//! ```

use gloo::events::EventListener;
use js_sys::{Promise, Reflect};
use thiserror::Error;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AudioContext, AudioContextState, HtmlMediaElement, MediaDeviceKind, MediaStream};

use super::media::{device_infos, play, text_field};

#[wasm_bindgen]
extern "C" {
    /// A media element, for its `setSinkId()`, which web-sys binds only among its unstable
    /// APIs; look first ([`supported`]): not every browser has it.
    #[wasm_bindgen(extends = HtmlMediaElement)]
    type SinkElement;
    #[wasm_bindgen(method, catch, js_name = setSinkId)]
    fn set_sink_id(this: &SinkElement, id: &str) -> Result<Promise, JsValue>;
}

/// Why a sound could not play on the chosen speaker.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SpeakerError {
    /// This browser cannot choose a speaker, or has no Web Audio for the test sound.
    #[error("this browser cannot play sound on a chosen speaker")]
    Unsupported,
    /// The speaker is gone (unplugged) or unknown (`NotFoundError`).
    #[error("the speaker was not found")]
    NotFound,
    /// The browser does not let this page use it (`NotAllowedError`, `SecurityError`).
    #[error("this page may not use that speaker")]
    NotAllowed,
    /// Anything else, with the browser's own name and message for the record.
    #[error("the sound could not play ({name}: {message})")]
    Failed {
        /// The exception's `name`.
        name: String,
        /// The exception's `message`.
        message: String,
    },
}

impl SpeakerError {
    fn from_js(error: &JsValue) -> Self {
        let name = text_field(error, "name").unwrap_or_default();
        match name.as_str() {
            "NotFoundError" => Self::NotFound,
            "NotAllowedError" | "SecurityError" => Self::NotAllowed,
            _ => Self::Failed {
                name,
                message: text_field(error, "message").unwrap_or_default(),
            },
        }
    }
}

/// Whether this browser can choose the speaker of a media element (`setSinkId`).
pub fn supported() -> bool {
    Reflect::get(&js_sys::global(), &JsValue::from_str("HTMLMediaElement"))
        .and_then(|class| Reflect::get(&class, &JsValue::from_str("prototype")))
        .and_then(|prototype| Reflect::has(&prototype, &JsValue::from_str("setSinkId")))
        .unwrap_or(false)
}

/// An audio output the browser offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speaker {
    /// Its `deviceId`, what [`route`] takes.
    pub id: String,
    /// Its name (empty where the browser keeps it back).
    pub label: String,
}

/// The speakers this page may choose among (`enumerateDevices`' audio outputs); none where the
/// browser cannot choose one, or lists none (Firefox lists them only after asking the person
/// for one, which Duet does not do).
pub async fn list() -> Vec<Speaker> {
    if !supported() {
        return Vec::new();
    }
    match device_infos().await {
        Ok(devices) => devices
            .into_iter()
            .filter(|d| d.kind() == MediaDeviceKind::Audiooutput)
            .map(|d| Speaker {
                id: d.device_id(),
                label: d.label(),
            })
            .collect(),
        Err(e) => {
            gloo::console::warn!(format!("no list of speakers: {e}"));
            Vec::new()
        }
    }
}

/// Plays `element`'s sound on the speaker `id` (the empty id: the system's default).
pub async fn route(element: &HtmlMediaElement, id: &str) -> Result<(), SpeakerError> {
    if !supported() {
        return Err(SpeakerError::Unsupported);
    }
    let promise = element
        .unchecked_ref::<SinkElement>()
        .set_sink_id(id)
        .map_err(|e| SpeakerError::from_js(&e))?;
    JsFuture::from(promise)
        .await
        .map(drop)
        .map_err(|e| SpeakerError::from_js(&e))
}

/// The test sound's notes, in hertz, and when each starts and ends (seconds from the start):
/// two notes a fifth apart, each with a soft attack and release, a chime rather than a beep.
const NOTES: [(f32, f64, f64); 2] = [(659.25, 0.0, 0.32), (987.77, 0.36, 0.85)];
/// The test sound's loudest (a quarter of full scale: clearly heard, never harsh).
const PEAK: f32 = 0.25;

/// A test sound playing through a chosen speaker. It ends by itself in under a second;
/// dropping it stops it at once.
pub struct TestSound {
    context: AudioContext,
    element: HtmlMediaElement,
    stream: MediaStream,
    _ended: EventListener,
}

impl TestSound {
    /// Plays the test sound through `element` on the speaker `speaker` (the empty id, or a
    /// browser that cannot choose: the default one).
    pub async fn play(element: &HtmlMediaElement, speaker: &str) -> Result<Self, SpeakerError> {
        let context = AudioContext::new().map_err(|_| SpeakerError::Unsupported)?;
        match Self::start(&context, element) {
            Ok(sound) => {
                if !speaker.is_empty() && supported() {
                    route(element, speaker).await?;
                }
                play(element).await.map_err(|e| SpeakerError::Failed {
                    name: "play".into(),
                    message: e.to_string(),
                })?;
                Ok(sound)
            }
            Err(e) => {
                let _ = context.close();
                Err(SpeakerError::from_js(&e))
            }
        }
    }

    /// Builds and schedules the graph, and gives `element` its stream.
    fn start(context: &AudioContext, element: &HtmlMediaElement) -> Result<Self, JsValue> {
        let out = context.create_media_stream_destination()?;
        let tone = context.create_oscillator()?;
        let envelope = context.create_gain()?;
        tone.connect_with_audio_node(&envelope)?;
        envelope.connect_with_audio_node(&out)?;
        let now = context.current_time();
        let (pitch, level) = (tone.frequency(), envelope.gain());
        level.set_value_at_time(0.0, now)?;
        for (hertz, start, end) in NOTES {
            pitch.set_value_at_time(hertz, now + start)?;
            level.linear_ramp_to_value_at_time(0.0, now + start)?;
            level.linear_ramp_to_value_at_time(PEAK, now + start + 0.02)?;
            level.linear_ramp_to_value_at_time(0.0, now + end)?;
        }
        tone.start()?;
        tone.stop_with_when(now + NOTES[1].2)?;
        let stream = out.stream();
        element.set_src_object(Some(&stream));
        // Over: the element lets go of the stream and the graph closes.
        let ended = {
            // `Clone::clone`: `stream.clone()` is the JS `MediaStream.clone()`, a new stream.
            let (context, element) = (context.clone(), element.clone());
            let stream = Clone::clone(&stream);
            EventListener::once(&tone, "ended", move |_| {
                release(&context, &element, &stream);
            })
        };
        Ok(Self {
            context: context.clone(),
            element: element.clone(),
            stream,
            _ended: ended,
        })
    }
}

/// Stops a test sound: `element` lets go of its stream (unless a newer sound has it already)
/// and its graph closes.
fn release(context: &AudioContext, element: &HtmlMediaElement, stream: &MediaStream) {
    if element.src_object().as_ref() == Some(stream) {
        let _ = element.pause();
        element.set_src_object(None);
    }
    // Once: closing a closed context is an error the console would show.
    if context.state() != AudioContextState::Closed {
        let _ = context.close();
    }
}

impl Drop for TestSound {
    fn drop(&mut self) {
        release(&self.context, &self.element, &self.stream);
    }
}
