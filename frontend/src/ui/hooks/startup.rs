//! What the app loads first: the configuration and the camera and microphone; and whether the
//! service can be reached at all.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::browser::config::Config;
use crate::browser::connection::{self, Watch};
use crate::browser::media::LocalMedia;
use crate::ui::state::{Action, AppState, Reach};

/// How long to wait before asking an unreachable service for `/config.json` again while the
/// network is up (a service that is down sends no event); offline, the browser's `online`
/// event asks again.
const CONFIG_RETRY_MS: u32 = 5_000;

/// Loads the configuration once, follows whether the service can be reached, and asks for the
/// camera and microphone on each of the person's attempts (`media_attempt`).
#[hook]
pub fn use_startup(dispatcher: UseReducerDispatcher<AppState>, media_attempt: u32) {
    // Configuration is optional and small: load it while the person answers the permission
    // prompt. Offline, the camera still works (so does the room step): only the call waits.
    {
        let dispatcher = dispatcher.clone();
        use_effect_with((), move |_| {
            let loader = Rc::new(ConfigLoader {
                dispatcher,
                loaded: Cell::new(false),
                stopped: Cell::new(false),
                retry: RefCell::new(None),
            });
            if !connection::online() {
                loader.dispatcher.dispatch(Action::Reach(Reach::Offline));
            }
            loader.load();
            let watch = {
                let loader = loader.clone();
                Watch::start(move |online| loader.connection_changed(online))
            };
            move || {
                drop(watch);
                loader.stop();
            }
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

/// Loads `/config.json` until it answers, once. The configuration is read once per visit: a
/// new one would restart the call (`use_call`), so after that the browser's connection events
/// alone say whether the page is offline.
struct ConfigLoader {
    dispatcher: UseReducerDispatcher<AppState>,
    /// Whether the configuration has been handed to the app.
    loaded: Cell<bool>,
    /// Whether the app is gone (its answers then go nowhere).
    stopped: Cell<bool>,
    /// The next attempt, while the service cannot be reached.
    retry: RefCell<Option<Timeout>>,
}

impl ConfigLoader {
    /// Asks for the configuration now (a pending retry is then not needed).
    fn load(self: &Rc<Self>) {
        drop(self.retry.borrow_mut().take());
        let this = self.clone();
        spawn_local(async move {
            let result = Config::load().await;
            if this.stopped.get() || this.loaded.get() {
                return;
            }
            match result {
                Ok(config) => {
                    this.loaded.set(true);
                    this.dispatcher
                        .dispatch(Action::ConfigLoaded(Rc::new(config)));
                    this.dispatcher
                        .dispatch(Action::Reach(Reach::answered(connection::online())));
                }
                Err(e) => {
                    gloo::console::info!(e.to_string());
                    this.dispatcher
                        .dispatch(Action::Reach(Reach::unanswered(connection::online())));
                    // Without a network, the `online` event is the time to ask again.
                    if connection::online() {
                        let again = this.clone();
                        *this.retry.borrow_mut() =
                            Some(Timeout::new(CONFIG_RETRY_MS, move || again.load()));
                    }
                }
            }
        });
    }

    /// The browser went online or offline.
    fn connection_changed(self: &Rc<Self>, online: bool) {
        if online && !self.loaded.get() {
            // Back online: the service decides, at once rather than at the next retry.
            self.load();
        } else {
            self.dispatcher
                .dispatch(Action::Reach(Reach::answered(online)));
        }
    }

    /// The app is gone: no more attempts (this also frees the retry, which holds `self`).
    fn stop(&self) {
        self.stopped.set(true);
        drop(self.retry.borrow_mut().take());
    }
}
