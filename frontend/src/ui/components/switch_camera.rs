//! "Switch camera": one tap from the front camera to the back one and back (a phone's), or to
//! the next camera where there are several. Shown only where there are two cameras or more. The
//! new camera goes to the friend the way a choice under Devices does (`replaceTrack`, no
//! renegotiation).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use web_sys::MediaStreamTrack;
use yew::prelude::*;

use super::devices::use_devices;
use crate::browser::media::LocalMedia;
use crate::call::camera_switch::can_switch;
use crate::i18n::{fill, use_texts};

/// Props of [`SwitchCamera`].
#[derive(Properties, PartialEq)]
pub struct SwitchCameraProps {
    /// The camera and microphone in use.
    pub media: LocalMedia,
    /// The new camera's track, already in the local stream; the call should send it.
    pub on_switched: Callback<MediaStreamTrack>,
}

/// What the last switch did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// This camera (its name) is in use now.
    Now(String),
    /// The other camera would not start; the one in use stays.
    Failed,
}

/// The toolbar's "Switch camera" button, with what it did read out politely (the picture
/// changes for those who see it) and a failure as an alert.
#[function_component]
pub fn SwitchCamera(props: &SwitchCameraProps) -> Html {
    let t = use_texts();
    let devices = use_devices(false);
    let outcome = use_state(|| None::<Outcome>);
    // A second tap while a camera starts would open a third one.
    let busy = use_memo((), |()| Rc::new(Cell::new(false)));
    if !can_switch(&devices) {
        return html! {};
    }
    let on_click = {
        let (media, on_switched) = (props.media.clone(), props.on_switched.clone());
        let (devices, outcome, busy) = (devices.clone(), outcome.clone(), busy.clone());
        Callback::from(move |_: MouseEvent| {
            if busy.replace(true) {
                return;
            }
            let (media, on_switched) = (media.clone(), on_switched.clone());
            let (devices, outcome, busy) = (devices.clone(), outcome.clone(), busy.clone());
            spawn_local(async move {
                outcome.set(Some(match media.switch_camera(&devices).await {
                    Ok(track) => {
                        let name = track.label();
                        on_switched.emit(track);
                        Outcome::Now(name)
                    }
                    Err(failed) => {
                        gloo::console::warn!(failed.to_string());
                        if let Some(track) = failed.reopened {
                            on_switched.emit(track);
                        }
                        Outcome::Failed
                    }
                }));
                busy.set(false);
            });
        })
    };
    let now = match &*outcome {
        Some(Outcome::Now(name)) => fill(t.camera_now, &[("device", name)]),
        _ => String::new(),
    };
    html! {
        <>
            <button type="button" class="tool" onclick={on_click}>
                <span class="tool-icon" aria-hidden="true">{ "🔄" }</span>
                <span class="tool-label">{ t.switch_camera }</span>
            </button>
            <span class="visually-hidden" aria-live="polite">{ now }</span>
            if *outcome == Some(Outcome::Failed) {
                <p class="alert device-alert" role="alert">{ t.device_failed }</p>
            }
        </>
    }
}
