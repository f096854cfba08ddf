//! Sharing the screen: the friend gets it instead of the camera (replaceTrack); stopping, here
//! or in the browser's own bar, brings the camera back.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::call::CallHandles;
use crate::browser::media::{capture_screen, on_track_ended};
use crate::ui::state::{Action, AppState};

/// The share button's handler: starts sharing, or stops it when `sharing`.
#[hook]
pub fn use_screen_share(
    call: &CallHandles,
    dispatcher: UseReducerDispatcher<AppState>,
    sharing: bool,
) -> Callback<()> {
    (*use_memo(
        (call.clone(), dispatcher, sharing),
        |(call, dispatcher, sharing)| {
            let stop_sharing = {
                let (call, dispatcher) = (call.clone(), dispatcher.clone());
                Callback::from(move |()| {
                    if let Some((track, _)) = call.screen.borrow_mut().take() {
                        track.stop();
                    }
                    call.with_session(|session| session.set_screen(None));
                    dispatcher.dispatch(Action::Sharing(false));
                })
            };
            if *sharing {
                return stop_sharing;
            }
            let (call, dispatcher) = (call.clone(), dispatcher.clone());
            Callback::from(move |()| {
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
            })
        },
    ))
    .clone()
}
