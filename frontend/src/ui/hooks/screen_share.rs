//! Sharing the screen: the friend gets it instead of the camera (replaceTrack); stopping, here
//! or in the browser's own bar, brings the camera back.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::call::CallHandles;
use crate::browser::media::{capture_screen, on_track_ended};
use crate::ui::state::{Action, AppState};

/// Starting and stopping a screen share.
pub struct ScreenShare {
    /// Asks for a screen, window or tab, and sends it instead of the camera.
    pub start: Callback<()>,
    /// Stops sharing: the camera again.
    pub stop: Callback<()>,
}

impl ScreenShare {
    /// The handlers, acting on `call`.
    pub fn new(call: &CallHandles, dispatcher: &UseReducerDispatcher<AppState>) -> Self {
        let stop = {
            let (call, dispatcher) = (call.clone(), dispatcher.clone());
            Callback::from(move |()| {
                if let Some((track, _)) = call.screen.borrow_mut().take() {
                    track.stop();
                }
                call.with_session(|session| session.set_screen(None));
                dispatcher.dispatch(Action::Sharing(false));
            })
        };
        let (call, dispatcher, stop_sharing) = (call.clone(), dispatcher.clone(), stop.clone());
        let start = Callback::from(move |()| {
            let (call, dispatcher, stop_sharing) =
                (call.clone(), dispatcher.clone(), stop_sharing.clone());
            spawn_local(async move {
                // A cancelled picker is an error too: nothing to do then.
                let Ok(track) = capture_screen().await else {
                    return;
                };
                if call.session.borrow().is_none() {
                    // The call ended while the picker was open.
                    track.stop();
                    return;
                }
                let ended = on_track_ended(&track, move || stop_sharing.emit(()));
                call.with_session(|session| session.set_screen(Some(Clone::clone(&track))));
                *call.screen.borrow_mut() = Some((track, ended));
                dispatcher.dispatch(Action::Sharing(true));
            });
        });
        Self { start, stop }
    }

    /// The share button's handler: stops sharing when `sharing`, else starts.
    pub fn button(&self, sharing: bool) -> Callback<()> {
        if sharing {
            self.stop.clone()
        } else {
            self.start.clone()
        }
    }
}
