//! Choosing the camera and the microphone among this machine's devices, and keeping the call
//! going when the one in use goes away. Mounted for the whole call: the list follows devices
//! coming and going (`devicechange`), so the picker shows a newly plugged one when opened; a
//! choice opens the device and hands its track over, and the call sends it with
//! `replaceTrack` (no renegotiation). A camera or microphone lost mid-call (its track's
//! `ended`) is replaced the same way by another one, and the person is told so.

use gloo::timers::callback::Timeout;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlSelectElement, MediaStreamTrack};
use yew::prelude::*;

use super::speaker::SpeakerChoice;
use super::switch::{noise_switch, sound_switches};
use crate::browser::media::{list_devices, open_device, watch_devices, LocalMedia};
use crate::call::device_fallback::{Device, MediaKind};
use crate::call::noise::NoiseChoice;
use crate::call::sound::{Processing, SoundChoice};
use crate::i18n::{fill, use_texts, Texts};

/// How long the polite "now using…" notice stays (an error stays until things change).
const NOTICE_MS: u32 = 20_000;

/// Props of [`DevicePicker`].
#[derive(Properties, PartialEq)]
pub struct DevicePickerProps {
    /// The camera and microphone in use.
    pub media: LocalMedia,
    /// A new device's track, already in the local stream; the call should send it.
    pub on_switched: Callback<MediaStreamTrack>,
    /// Where "Strong noise suppression" stands.
    pub noise: NoiseChoice,
    /// The person flipped "Strong noise suppression".
    pub on_noise: Callback<bool>,
    /// Where the sound controls stand.
    pub sound: SoundChoice,
    /// The person flipped a sound control.
    pub on_sound: Callback<(Processing, bool)>,
    /// Counts the microphone's tracks: one put in place elsewhere (for the sound controls) is
    /// watched for an unplug too.
    pub microphone: u32,
    /// The speaker chosen; `None`: the system's default.
    pub speaker: Option<AttrValue>,
    /// The person chose a speaker.
    pub on_speaker: Callback<String>,
}

/// What happened to a device that went away.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lost {
    /// Another device (named) took over.
    Replaced(MediaKind, String),
    /// None of that kind is left (or none would start).
    NoneLeft(MediaKind),
}

impl Lost {
    fn text(&self, t: &Texts) -> String {
        match self {
            Self::Replaced(kind, name) => {
                let (template, generic) = match kind {
                    MediaKind::Video => (t.device_switched_camera, t.camera),
                    MediaKind::Audio => (t.device_switched_microphone, t.microphone),
                };
                let name = if name.is_empty() { generic } else { name };
                fill(template, &[("device", name)])
            }
            Self::NoneLeft(MediaKind::Video) => t.device_none_camera.to_owned(),
            Self::NoneLeft(MediaKind::Audio) => t.device_none_microphone.to_owned(),
        }
    }
}

/// Fetches the device list into `devices`.
fn load(devices: &UseStateHandle<Vec<Device>>) {
    let devices = devices.clone();
    spawn_local(async move {
        if let Ok(list) = list_devices().await {
            devices.set(list);
        }
    });
}

/// The machine's cameras and microphones, the whole call long (devices come and go), and
/// read again when the panel opens (`open`).
#[hook]
pub fn use_devices(open: bool) -> UseStateHandle<Vec<Device>> {
    let devices = use_state(Vec::<Device>::new);
    {
        // The whole call long, not only while the panel is open.
        let devices = devices.clone();
        use_effect_with((), move |_| {
            load(&devices);
            let listener = watch_devices(move || load(&devices));
            move || drop(listener)
        });
    }
    {
        // Labels may have changed since (a device renamed, permission granted meanwhile).
        let devices = devices.clone();
        use_effect_with(open, move |open| {
            if *open {
                load(&devices);
            }
        });
    }
    devices
}

/// Replaces a camera or microphone that goes away mid-call, and says what happened.
#[hook]
fn use_lost_devices(
    media: &LocalMedia,
    on_switched: &Callback<MediaStreamTrack>,
    devices: &UseStateHandle<Vec<Device>>,
) -> UseStateHandle<Option<Lost>> {
    let lost = use_state(|| None::<Lost>);
    let lost_timer = use_mut_ref(|| None::<Timeout>);
    // Watches the tracks in use now; a replacement re-renders with new ids, which watches the
    // new tracks instead.
    let ids = (
        media.track_id(MediaKind::Audio),
        media.track_id(MediaKind::Video),
    );
    let media = media.clone();
    let on_switched = on_switched.clone();
    let (devices, lost_now) = (devices.clone(), lost.clone());
    use_effect_with(ids, move |_| {
        let lost = lost_now;
        let listeners = media.clone().watch_lost(move |kind, device| {
            let (media, on_switched, devices, lost, lost_timer) = (
                media.clone(),
                on_switched.clone(),
                devices.clone(),
                lost.clone(),
                lost_timer.clone(),
            );
            spawn_local(async move {
                let outcome = match media.replace_lost(kind, &device).await {
                    Ok(track) => {
                        let name = track.label();
                        on_switched.emit(track);
                        let lost = lost.clone();
                        *lost_timer.borrow_mut() =
                            Some(Timeout::new(NOTICE_MS, move || lost.set(None)));
                        Lost::Replaced(kind, name)
                    }
                    Err(e) => {
                        gloo::console::warn!(format!("no {} left: {e}", kind.as_str()));
                        lost_timer.borrow_mut().take();
                        Lost::NoneLeft(kind)
                    }
                };
                lost.set(Some(outcome));
                load(&devices);
            });
        });
        move || drop(listeners)
    });
    lost
}

/// A disclosure button opening two selects, "Camera" and "Microphone", and the notices about
/// devices lost during the call.
#[function_component]
pub fn DevicePicker(props: &DevicePickerProps) -> Html {
    let t = use_texts();
    let open = use_state(|| false);
    let devices = use_devices(*open);
    let failed = use_state(|| false);
    let lost = use_lost_devices(&props.media, &props.on_switched, &devices);
    // Bumped after a switch, so the selects show the device now in use.
    let version = use_state(|| 0u32);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let on_change = |kind: MediaKind| {
        let media = props.media.clone();
        let on_switched = props.on_switched.clone();
        let failed = failed.clone();
        let version = version.clone();
        let lost = lost.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<HtmlSelectElement>() else {
                return;
            };
            let id = select.value();
            let (media, on_switched, failed, version, lost) = (
                media.clone(),
                on_switched.clone(),
                failed.clone(),
                version.clone(),
                lost.clone(),
            );
            spawn_local(async move {
                match open_device(kind, &id).await {
                    Ok(track) => {
                        media.swap_track(&track);
                        on_switched.emit(track);
                        failed.set(false);
                        // A device chosen: what was said about a lost one is old news.
                        lost.set(None);
                    }
                    Err(_) => failed.set(true),
                }
                version.set(*version + 1);
            });
        })
    };
    let select = |kind: MediaKind, label: &'static str, id: &'static str| {
        let current = props.media.device_id(kind);
        html! {
            <div class="device-field">
                <label for={id}>{ label }</label>
                <select id={id} onchange={on_change(kind)}>
                    { for devices.iter().filter(|d| d.kind == kind).enumerate().map(|(i, d)| {
                        let name = if d.label.is_empty() {
                            format!("{label} {}", i + 1)
                        } else {
                            d.label.clone()
                        };
                        html! {
                            <option value={d.id.clone()} selected={d.id == current}>{ name }</option>
                        }
                    }) }
                </select>
            </div>
        }
    };
    let replaced = match &*lost {
        Some(notice @ Lost::Replaced(..)) => Some(notice.text(t)),
        _ => None,
    };
    html! {
        <div class="devices">
            <button type="button" class="tool" aria-expanded={(*open).to_string()}
                aria-controls="device-panel" onclick={toggle}>
                <span class="tool-icon" aria-hidden="true">{ "⚙" }</span>
                <span class="tool-label">{ t.devices }</span>
            </button>
            if *open {
                <div id="device-panel" class="device-panel" key={*version}>
                    { select(MediaKind::Video, t.camera, "device-camera") }
                    { select(MediaKind::Audio, t.microphone, "device-microphone") }
                    <SpeakerChoice id="device-speaker" chosen={props.speaker.clone()}
                        on_choose={props.on_speaker.clone()} />
                    { noise_switch(t, ("device-strong-noise", "device-strong-noise-why"), props.noise, &props.on_noise) }
                    { sound_switches(t, "device-sound", props.sound, &props.on_sound) }
                    if *failed {
                        <p class="alert" role="alert">{ t.device_failed }</p>
                    }
                </div>
            }
            // Always there, so screen readers announce what appears in it (politely: the
            // call goes on, nothing to act on).
            <p class={classes!("device-notice", replaced.is_some().then_some("shown"))}
                aria-live="polite">
                { replaced.unwrap_or_default() }
            </p>
            if let Some(notice @ Lost::NoneLeft(_)) = &*lost {
                <p class="alert device-alert" role="alert">{ notice.text(t) }</p>
            }
        </div>
    }
}
