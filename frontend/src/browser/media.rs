//! The local camera and microphone: `getUserMedia` behind a typed result, and starting a
//! `<video>`'s playback ([`play`]).
//!
//! Everything the browser can say when it refuses media is mapped to [`MediaError`] (and a
//! refused `play()` to [`PlayError`]), so the interface can tell a person what happened and
//! what to do, in words, without touching a `JsValue`.

use gloo::events::EventListener;
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    HtmlMediaElement, HtmlVideoElement, MediaDeviceInfo, MediaDeviceKind, MediaDevices,
    MediaStream, MediaStreamConstraints, MediaStreamTrack,
};

use crate::call::camera_switch::{next_camera, Facing};
use crate::call::device_fallback::{fallback_order, Device, MediaKind};

/// Why the camera and microphone could not be used.
///
/// One variant per cause a person can act on; the names in the comments are the
/// `DOMException` names browsers use for them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// The page is not in a secure context (plain `http://` on another host), so
    /// `navigator.mediaDevices` does not exist at all.
    #[error("camera and microphone need a secure page (https or localhost)")]
    InsecureContext,
    /// The person or the browser refused access (`NotAllowedError`).
    #[error("access to the camera and microphone was refused")]
    Refused,
    /// There is no camera or no microphone (`NotFoundError`).
    #[error("no camera or microphone was found")]
    NotFound,
    /// The device exists but could not be started: in use by another app, or a driver or
    /// hardware fault (`NotReadableError`, older `TrackStartError`).
    #[error("the camera or microphone could not be started")]
    NotReadable,
    /// No device satisfies the requested constraints (`OverconstrainedError`).
    #[error("no camera or microphone matches what the call needs")]
    Overconstrained,
    /// The browser blocks media on this page, e.g. by a permissions policy or inside an
    /// iframe without `allow` (`SecurityError`, or a `TypeError` for unusable constraints).
    #[error("this page is not allowed to use the camera and microphone")]
    Blocked,
    /// The request was interrupted (`AbortError`).
    #[error("starting the camera and microphone was interrupted")]
    Aborted,
    /// Anything else, with the browser's own name and message for the record.
    #[error("the camera and microphone could not be used ({name}: {message})")]
    Other {
        /// The exception's `name`.
        name: String,
        /// The exception's `message`.
        message: String,
    },
}

impl MediaError {
    /// Maps an exception by its `name` (and its `message`, kept only for unknown names).
    pub fn from_name(name: &str, message: &str) -> Self {
        match name {
            "NotAllowedError" | "PermissionDeniedError" => Self::Refused,
            "NotFoundError" | "DevicesNotFoundError" => Self::NotFound,
            "NotReadableError" | "TrackStartError" => Self::NotReadable,
            "OverconstrainedError" | "ConstraintNotSatisfiedError" => Self::Overconstrained,
            "SecurityError" | "TypeError" => Self::Blocked,
            "AbortError" => Self::Aborted,
            _ => Self::Other {
                name: name.to_owned(),
                message: message.to_owned(),
            },
        }
    }

    /// Maps whatever a rejected `getUserMedia` promise carried: a `DOMException`, an
    /// `OverconstrainedError` (not a `DOMException` in every browser), a `TypeError`, or, in
    /// theory, anything at all.
    pub fn from_js(error: &JsValue) -> Self {
        match text_field(error, "name") {
            Some(name) => Self::from_name(&name, &text_field(error, "message").unwrap_or_default()),
            None => Self::Other {
                name: "unknown".to_owned(),
                message: error.as_string().unwrap_or_else(|| format!("{error:?}")),
            },
        }
    }
}

/// A string property of a thrown value (an exception's `name` or `message`), if it has one.
pub(crate) fn text_field(error: &JsValue, key: &str) -> Option<String> {
    Reflect::get(error, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

/// Why a `<video>` did not start playing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlayError {
    /// The browser's autoplay policy wants a click on the page first (`NotAllowedError`).
    #[error("the browser wants a click before the video plays")]
    NeedsGesture,
    /// Anything else (no source, an unsupported stream...), with the exception's name.
    #[error("the video could not play ({0})")]
    Failed(String),
}

impl PlayError {
    /// The outcome of a rejected `play()`, by the exception's name: an `AbortError` only
    /// means a newer `srcObject` (or a pause) replaced this attempt, which is no failure.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "AbortError" => None,
            "NotAllowedError" => Some(Self::NeedsGesture),
            other => Some(Self::Failed(other.to_owned())),
        }
    }
}

/// A `<video autoplay playsinline>` named `label`, not in the page yet.
///
/// The friend's video is made this way, ahead of the call screen: their stream goes into it
/// the moment it arrives and starts loading there, while the call screen is still being drawn
/// (which takes the page tens of milliseconds; measured in docs/benchmarks.md). `None` only
/// without a document.
pub fn video_element(label: &str) -> Option<HtmlVideoElement> {
    let video = web_sys::window()?
        .document()?
        .create_element("video")
        .ok()?
        .dyn_into::<HtmlVideoElement>()
        .ok()?;
    video.set_autoplay(true);
    // `playsInline` has no web-sys setter of its own: the attribute does the same.
    video.set_attribute("playsinline", "").ok()?;
    video.set_attribute("aria-label", label).ok()?;
    Some(video)
}

/// Starts `video`'s (or an audio element's) playback (`HTMLMediaElement.play()`).
pub async fn play(video: &HtmlMediaElement) -> Result<(), PlayError> {
    let outcome = match video.play() {
        Ok(promise) => JsFuture::from(promise).await.map(drop),
        Err(thrown) => Err(thrown),
    };
    match outcome {
        Ok(()) => Ok(()),
        Err(e) => {
            PlayError::from_name(&text_field(&e, "name").unwrap_or_default()).map_or(Ok(()), Err)
        }
    }
}

/// The person's own camera and microphone, live.
///
/// A cheap handle (clones share the stream). The tracks stop when [`LocalMedia::stop`] is
/// called; the app keeps one for the whole visit so the camera light does not flicker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMedia(MediaStream);

impl LocalMedia {
    /// Asks for the camera and the microphone together (`{audio: true, video: true}`).
    pub async fn acquire() -> Result<Self, MediaError> {
        let constraints = MediaStreamConstraints::new();
        constraints.set_audio(&JsValue::TRUE);
        constraints.set_video(&JsValue::TRUE);
        get_user_media(&constraints).await.map(Self)
    }

    /// Puts `track` in the stream in place of the track of the same kind, which stops
    /// (its device light goes out). The new track keeps the old one's on/off state, so a
    /// muted person stays muted on another microphone.
    pub fn swap_track(&self, track: &MediaStreamTrack) {
        for old in self.tracks() {
            if old.kind() == track.kind() && old.id() != track.id() {
                track.set_enabled(old.enabled());
                self.0.remove_track(&old);
                old.stop();
            }
        }
        self.0.add_track(track);
    }

    /// The live track of `kind`, if any.
    pub fn track(&self, kind: MediaKind) -> Option<MediaStreamTrack> {
        self.tracks()
            .into_iter()
            .find(|t| t.kind() == kind.as_str())
    }

    /// The stream, for a `<video>` element's `srcObject`.
    pub fn stream(&self) -> &MediaStream {
        &self.0
    }

    /// Another handle to the same stream. Beware `stream().clone()`: web-sys binds the JS
    /// method `MediaStream.clone()`, which wins over `Clone` and copies every track (a new
    /// camera track per call, never stopped, that the microphone and camera switches miss).
    pub fn shared_stream(&self) -> MediaStream {
        Clone::clone(&self.0)
    }

    /// The live tracks (one audio, one video), to send to the friend.
    pub fn tracks(&self) -> Vec<MediaStreamTrack> {
        tracks_of(&self.0)
    }

    /// Turns the tracks of `kind` on or off (`MediaStreamTrack.enabled`): a disabled
    /// microphone sends silence and a disabled camera black frames, on the same connection,
    /// so turning them back on is instant and needs no renegotiation.
    pub fn set_enabled(&self, kind: MediaKind, on: bool) {
        for track in self.tracks() {
            if track.kind() == kind.as_str() {
                track.set_enabled(on);
            }
        }
    }

    /// Whether the tracks of `kind` are on (none counts as off).
    pub fn is_enabled(&self, kind: MediaKind) -> bool {
        self.tracks()
            .iter()
            .any(|t| t.kind() == kind.as_str() && t.enabled())
    }

    /// The `deviceId` the track of `kind` comes from (empty if unknown).
    pub fn device_id(&self, kind: MediaKind) -> String {
        self.track(kind)
            .and_then(|t| t.get_settings().get_device_id())
            .unwrap_or_default()
    }

    /// The id of the track of `kind` (changes when another device's track replaces it).
    pub fn track_id(&self, kind: MediaKind) -> Option<String> {
        self.track(kind).map(|t| t.id())
    }

    /// Calls `on_lost(kind, device id)` when the camera's or the microphone's track in use
    /// now ends by itself (the browser lost the device: unplugged, switched off, taken by
    /// the system), until the listeners are dropped. Our own `stop()` does not fire it.
    pub fn watch_lost(&self, on_lost: impl Fn(MediaKind, String) + 'static) -> Vec<EventListener> {
        let on_lost = std::rc::Rc::new(on_lost);
        [MediaKind::Audio, MediaKind::Video]
            .into_iter()
            .filter_map(|kind| {
                let track = self.track(kind)?;
                // Read now: an ended track may no longer say where it came from.
                let device = self.device_id(kind);
                let on_lost = on_lost.clone();
                Some(on_track_ended(&track, move || {
                    on_lost(kind, device.clone())
                }))
            })
            .collect()
    }

    /// Replaces the track of `kind` whose device (`lost`) went away: opens the first device
    /// that starts among [`fallback_order`]'s, puts its track in the stream (keeping the
    /// muted or camera-off state) and returns it, for the call to send. `NotFound` when no
    /// device of that kind is left.
    pub async fn replace_lost(
        &self,
        kind: MediaKind,
        lost: &str,
    ) -> Result<MediaStreamTrack, MediaError> {
        let mut failure = MediaError::NotFound;
        for device in fallback_order(&list_devices().await?, kind, lost) {
            match open_device(kind, &device.id).await {
                Ok(track) => {
                    self.swap_track(&track);
                    return Ok(track);
                }
                Err(e) => failure = e,
            }
        }
        Err(failure)
    }

    /// Stops every track: the camera light goes out.
    pub fn stop(&self) {
        for track in self.tracks() {
            track.stop();
        }
    }
}

/// `navigator.mediaDevices`, which is `undefined` outside a secure context (web-sys would
/// still hand out a broken object, so look before touching it).
pub(crate) fn media_devices() -> Result<MediaDevices, MediaError> {
    let window = web_sys::window().ok_or(MediaError::InsecureContext)?;
    Reflect::get(&window.navigator(), &JsValue::from_str("mediaDevices"))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
        .map(|v| v.unchecked_into::<MediaDevices>())
        .ok_or(MediaError::InsecureContext)
}

pub(crate) async fn get_user_media(
    constraints: &MediaStreamConstraints,
) -> Result<MediaStream, MediaError> {
    let promise = media_devices()?
        .get_user_media_with_constraints(constraints)
        .map_err(|e| MediaError::from_js(&e))?;
    let stream = JsFuture::from(promise)
        .await
        .map_err(|e| MediaError::from_js(&e))?;
    stream
        .dyn_into::<MediaStream>()
        .map_err(|v| MediaError::Other {
            name: "TypeError".into(),
            message: format!("{v:?}"),
        })
}

pub(crate) fn first_track(
    stream: &MediaStream,
    kind: MediaKind,
) -> Result<MediaStreamTrack, MediaError> {
    tracks_of(stream)
        .into_iter()
        .find(|t| t.kind() == kind.as_str())
        .ok_or(MediaError::NotFound)
}

/// Every device the browser lists (`enumerateDevices`: cameras, microphones, speakers), in its
/// order.
pub(crate) async fn device_infos() -> Result<Vec<MediaDeviceInfo>, MediaError> {
    let promise = media_devices()?
        .enumerate_devices()
        .map_err(|e| MediaError::from_js(&e))?;
    let list = JsFuture::from(promise)
        .await
        .map_err(|e| MediaError::from_js(&e))?;
    Ok(js_sys::Array::from(&list)
        .iter()
        .filter_map(|d| d.dyn_into::<MediaDeviceInfo>().ok())
        .collect())
}

/// The cameras and microphones (`enumerateDevices`), in the browser's order.
pub async fn list_devices() -> Result<Vec<Device>, MediaError> {
    Ok(device_infos()
        .await?
        .into_iter()
        .filter_map(|d| {
            let kind = match d.kind() {
                MediaDeviceKind::Audioinput => MediaKind::Audio,
                MediaDeviceKind::Videoinput => MediaKind::Video,
                _ => return None,
            };
            Some(Device {
                id: d.device_id(),
                label: d.label(),
                kind,
            })
        })
        .collect())
}

/// Opens one device (`getUserMedia` with an exact `deviceId`) and returns its track.
pub async fn open_device(kind: MediaKind, id: &str) -> Result<MediaStreamTrack, MediaError> {
    let exact = js_sys::Object::new();
    let wanted = js_sys::Object::new();
    let _ = Reflect::set(&exact, &"exact".into(), &JsValue::from_str(id));
    let _ = Reflect::set(&wanted, &"deviceId".into(), &exact);
    let constraints = MediaStreamConstraints::new();
    match kind {
        MediaKind::Audio => constraints.set_audio(&wanted),
        MediaKind::Video => constraints.set_video(&wanted),
    }
    first_track(&get_user_media(&constraints).await?, kind)
}

/// Opens the camera facing `facing` (`getUserMedia` with an exact `facingMode`): on a phone,
/// the front one, or the back one the system counts as its main.
async fn open_facing(facing: Facing) -> Result<MediaStreamTrack, MediaError> {
    let exact = js_sys::Object::new();
    let wanted = js_sys::Object::new();
    let _ = Reflect::set(&exact, &"exact".into(), &JsValue::from_str(facing.as_str()));
    let _ = Reflect::set(&wanted, &"facingMode".into(), &exact);
    let constraints = MediaStreamConstraints::new();
    constraints.set_video(&wanted);
    first_track(&get_user_media(&constraints).await?, MediaKind::Video)
}

/// The `deviceId` a track comes from (empty if unknown).
fn device_of(track: &MediaStreamTrack) -> String {
    track.get_settings().get_device_id().unwrap_or_default()
}

impl LocalMedia {
    /// Which way the camera in use faces, where the browser says (phones do; webcams and
    /// Chromium's fake cameras do not).
    pub fn facing(&self) -> Option<Facing> {
        let settings = self.track(MediaKind::Video)?.get_settings();
        Reflect::get(&settings, &JsValue::from_str("facingMode"))
            .ok()
            .and_then(|mode| mode.as_string())
            .and_then(|mode| Facing::parse(&mode))
    }

    /// "Switch camera": opens the camera on the other side (a phone's front or back) or, where
    /// cameras say nothing of their side, the next of `devices` ([`next_camera`]); puts its
    /// track in the stream in place of the one in use (as a choice under Devices does, camera
    /// off staying off) and returns it, for the call to send.
    pub async fn switch_camera(
        &self,
        devices: &[Device],
    ) -> Result<MediaStreamTrack, SwitchFailed> {
        let current = self.device_id(MediaKind::Video);
        let facing = self.facing();
        let mut let_go = false;
        let opened = match open_other_camera(facing, devices, &current).await {
            // Many phones run one camera at a time: let go of this one and ask again.
            Err(MediaError::NotReadable) => {
                if let Some(old) = self.track(MediaKind::Video) {
                    old.stop();
                    let_go = true;
                }
                open_other_camera(facing, devices, &current).await
            }
            other => other,
        };
        match opened {
            Ok(track) => {
                self.swap_track(&track);
                Ok(track)
            }
            Err(error) => {
                // Let go for nothing: take it back, so the person is not left without a camera.
                let reopened = if let_go {
                    open_device(MediaKind::Video, &current).await.ok()
                } else {
                    None
                };
                if let Some(track) = &reopened {
                    self.swap_track(track);
                }
                Err(SwitchFailed { error, reopened })
            }
        }
    }
}

/// "Switch camera" did not switch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the other camera could not be started: {error}")]
pub struct SwitchFailed {
    /// Why the other camera would not start.
    pub error: MediaError,
    /// The camera in use before, opened again after it was let go for the other one (a phone
    /// that runs one camera at a time): the call should send it.
    pub reopened: Option<MediaStreamTrack>,
}

/// Opens the camera "Switch camera" turns to from `current` (its id), which faces `facing`
/// if the browser says: the other side's, else the next in the list.
async fn open_other_camera(
    facing: Option<Facing>,
    devices: &[Device],
    current: &str,
) -> Result<MediaStreamTrack, MediaError> {
    if let Some(facing) = facing {
        match open_facing(facing.opposite()).await {
            Ok(track) if device_of(&track) != current => return Ok(track),
            // The same camera again (one that turns, or a constraint not honoured): let go of
            // this second track of it and go by the list instead.
            Ok(track) => track.stop(),
            // A busy camera is worth a second try (see `switch_camera`).
            Err(MediaError::NotReadable) => return Err(MediaError::NotReadable),
            Err(e) => gloo::console::warn!(format!("no camera on the other side: {e}")),
        }
    }
    let next = next_camera(devices, current).ok_or(MediaError::NotFound)?;
    open_device(MediaKind::Video, &next.id).await
}

/// Whether this browser can share a screen (`getDisplayMedia`: phones' browsers, for one,
/// have none).
pub fn can_share_screen() -> bool {
    media_devices()
        .ok()
        .and_then(|d| Reflect::get(&d, &JsValue::from_str("getDisplayMedia")).ok())
        .is_some_and(|f| f.is_function())
}

/// Asks to capture a screen, window or tab (`getDisplayMedia`, video only) and returns its
/// track. Must run from a click: browsers require a user gesture.
pub async fn capture_screen() -> Result<MediaStreamTrack, MediaError> {
    let promise = media_devices()?
        .get_display_media()
        .map_err(|e| MediaError::from_js(&e))?;
    let stream = JsFuture::from(promise)
        .await
        .map_err(|e| MediaError::from_js(&e))?
        .dyn_into::<MediaStream>()
        .map_err(|v| MediaError::Other {
            name: "TypeError".into(),
            message: format!("{v:?}"),
        })?;
    first_track(&stream, MediaKind::Video)
}

/// Calls `on_change` when cameras or microphones come or go (`devicechange`), until dropped.
pub fn watch_devices(on_change: impl Fn() + 'static) -> Option<EventListener> {
    let devices = media_devices().ok()?;
    Some(EventListener::new(&devices, "devicechange", move |_| {
        on_change()
    }))
}

/// Calls `on_ended` when `track` ends by itself (the browser's own "Stop sharing", a device
/// unplugged), until dropped. A track stopped by this page does not fire it.
pub fn on_track_ended(track: &MediaStreamTrack, on_ended: impl Fn() + 'static) -> EventListener {
    EventListener::new(track, "ended", move |_| on_ended())
}

/// The tracks of a stream, typed.
pub(crate) fn tracks_of(stream: &MediaStream) -> Vec<MediaStreamTrack> {
    stream
        .get_tracks()
        .iter()
        .filter_map(|t| t.dyn_into::<MediaStreamTrack>().ok())
        .collect()
}

#[cfg(test)]
mod tests;
