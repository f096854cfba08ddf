//! Choosing the camera and the microphone among this machine's devices. The list follows
//! devices coming and going (`devicechange`); a choice opens the device and hands its track
//! over, and the call sends it with `replaceTrack` (no renegotiation).

use gloo::events::EventListener;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlSelectElement, MediaStreamTrack};
use yew::prelude::*;

use crate::i18n::use_texts;
use crate::media::{list_devices, open_device, watch_devices, Device, LocalMedia, MediaKind};

/// Props of [`DevicePicker`].
#[derive(Properties, PartialEq)]
pub struct DevicePickerProps {
    /// The camera and microphone in use.
    pub media: LocalMedia,
    /// A new device's track, already in the local stream; the call should send it.
    pub on_switched: Callback<MediaStreamTrack>,
}

/// The `deviceId` the track of `kind` comes from.
fn current_device(media: &LocalMedia, kind: MediaKind) -> String {
    media
        .track(kind)
        .and_then(|t| t.get_settings().get_device_id())
        .unwrap_or_default()
}

/// A disclosure button opening two selects, "Camera" and "Microphone".
#[function_component]
pub fn DevicePicker(props: &DevicePickerProps) -> Html {
    let t = use_texts();
    let open = use_state(|| false);
    let devices = use_state(Vec::<Device>::new);
    let failed = use_state(|| false);
    // Bumped after a switch, so the selects show the device now in use.
    let version = use_state(|| 0u32);
    {
        let devices = devices.clone();
        use_effect_with(*open, move |open| {
            let listener: Option<EventListener> = if *open {
                let load = move || {
                    let devices = devices.clone();
                    spawn_local(async move {
                        if let Ok(list) = list_devices().await {
                            devices.set(list);
                        }
                    });
                };
                load();
                watch_devices(load)
            } else {
                None
            };
            move || drop(listener)
        });
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let on_change = |kind: MediaKind| {
        let media = props.media.clone();
        let on_switched = props.on_switched.clone();
        let failed = failed.clone();
        let version = version.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<HtmlSelectElement>() else {
                return;
            };
            let id = select.value();
            let (media, on_switched, failed, version) = (
                media.clone(),
                on_switched.clone(),
                failed.clone(),
                version.clone(),
            );
            spawn_local(async move {
                match open_device(kind, &id).await {
                    Ok(track) => {
                        media.swap_track(&track);
                        on_switched.emit(track);
                        failed.set(false);
                    }
                    Err(_) => failed.set(true),
                }
                version.set(*version + 1);
            });
        })
    };
    let select = |kind: MediaKind, label: &'static str, id: &'static str| {
        let current = current_device(&props.media, kind);
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
                    if *failed {
                        <p class="alert" role="alert">{ t.device_failed }</p>
                    }
                </div>
            }
        </div>
    }
}
