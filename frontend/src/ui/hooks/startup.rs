//! What the app loads first: the configuration and the camera and microphone.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::browser::config::Config;
use crate::browser::media::LocalMedia;
use crate::ui::state::{Action, AppState};

/// Loads the configuration once, and asks for the camera and microphone on each of the
/// person's attempts (`media_attempt`).
#[hook]
pub fn use_startup(dispatcher: UseReducerDispatcher<AppState>, media_attempt: u32) {
    // Configuration is optional and small: load it while the person answers the permission
    // prompt.
    {
        let dispatcher = dispatcher.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                dispatcher.dispatch(Action::ConfigLoaded(Rc::new(Config::load().await)));
            });
        });
    }
    // Media first: nothing else makes sense without the camera and microphone.
    use_effect_with(media_attempt, move |_| {
        spawn_local(async move {
            dispatcher.dispatch(match LocalMedia::acquire().await {
                Ok(media) => Action::MediaReady(media),
                Err(error) => Action::MediaFailed(error),
            });
        });
    });
}
