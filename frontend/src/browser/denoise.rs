//! "Strong noise suppression" in the browser: the microphone through RNNoise (the workspace's
//! `denoise/` crate, compiled to wasm) in an AudioWorklet, out as a track to send.
//!
//! ```text
//! microphone track → MediaStreamAudioSourceNode → AudioWorkletNode "duet-denoise"
//!                  → MediaStreamAudioDestinationNode → its track, sent with replaceTrack
//! ```
//!
//! Everything it needs lives in `/denoise/` (scripts/build-denoise.sh) and is fetched the first
//! time the switch is turned on, never with the app: the module (`denoise.wasm`), the worklet
//! (`worklet.js`), and the page's side of the graph (`pipeline.js`, which compiles the module
//! and hands it to the worklet, whose scope cannot fetch), imported by `window.duetDenoise`
//! (boot.js). The graph is built in that script rather than here through web-sys because
//! every line here is in the app's first download, which has a size budget
//! (docs/benchmarks.md); this module is its typed face.

use js_sys::{Function, Promise, Reflect};
use thiserror::Error;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::MediaStreamTrack;

/// Why the suppressor cannot run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DenoiseError {
    /// No AudioWorklet or no WebAssembly in this browser (or not a secure context).
    #[error("this browser has no AudioWorklet or WebAssembly")]
    Unsupported,
    /// Its files could not be fetched, compiled or started, or it failed later.
    #[error("the noise suppressor failed: {0}")]
    Failed(String),
}

impl DenoiseError {
    fn from_js(error: JsValue) -> Self {
        let message = Reflect::get(&error, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| "no reason given".into());
        Self::Failed(message)
    }
}

#[wasm_bindgen]
extern "C" {
    /// `window.duetDenoise` (boot.js): imports `pipeline.js` and starts the graph on `mic`;
    /// resolves to a [`Pipeline`].
    #[wasm_bindgen(catch, js_namespace = window, js_name = duetDenoise)]
    fn load_and_start(mic: &MediaStreamTrack, on_failed: &Function) -> Result<Promise, JsValue>;

    /// A running graph.
    type Pipeline;
    #[wasm_bindgen(method, getter)]
    fn track(this: &Pipeline) -> MediaStreamTrack;
    #[wasm_bindgen(method, catch)]
    fn attach(this: &Pipeline, mic: &MediaStreamTrack) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    fn stop(this: &Pipeline);
}

/// Whether this browser has what the suppressor needs: `AudioWorkletNode` (secure contexts
/// only) and `WebAssembly`.
pub fn supported() -> bool {
    let global = js_sys::global();
    ["AudioWorkletNode", "WebAssembly"]
        .iter()
        .all(|name| Reflect::has(&global, &JsValue::from_str(name)).unwrap_or(false))
}

/// A running suppressor. Dropping it stops its track and closes its audio graph.
pub struct Suppressor {
    pipeline: Pipeline,
    /// Called by the graph on a failure after the start; kept alive as long as it can be.
    _on_failed: Closure<dyn Fn(JsValue)>,
}

impl Suppressor {
    /// Loads the suppressor (the first time: fetches its scripts and module) and starts it on
    /// `mic`. `on_failed` hears of a failure after the start; the caller then goes back to
    /// sending `mic` itself.
    pub async fn start(
        mic: &MediaStreamTrack,
        on_failed: impl Fn(DenoiseError) + 'static,
    ) -> Result<Self, DenoiseError> {
        if !supported() {
            return Err(DenoiseError::Unsupported);
        }
        let on_failed = Closure::<dyn Fn(JsValue)>::new(move |message: JsValue| {
            on_failed(DenoiseError::Failed(
                message.as_string().unwrap_or_default(),
            ));
        });
        let started = load_and_start(mic, on_failed.as_ref().unchecked_ref())
            .map_err(DenoiseError::from_js)?;
        let pipeline = JsFuture::from(started)
            .await
            .map_err(DenoiseError::from_js)?
            .unchecked_into::<Pipeline>();
        Ok(Self {
            pipeline,
            _on_failed: on_failed,
        })
    }

    /// Denoises `mic` from now on (another microphone, or the one that replaced an unplugged
    /// one); the track sent stays the same, so the call needs no `replaceTrack`.
    pub fn attach(&self, mic: &MediaStreamTrack) -> Result<(), DenoiseError> {
        self.pipeline.attach(mic).map_err(DenoiseError::from_js)
    }

    /// The denoised track, to send instead of the microphone's.
    pub fn track(&self) -> MediaStreamTrack {
        self.pipeline.track()
    }
}

impl Drop for Suppressor {
    fn drop(&mut self) {
        self.pipeline.stop();
    }
}
