//! Joining a room: the join goes out at once, and the call screen follows once the call's
//! first exchange is done.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use shared::RoomName;
use yew::prelude::*;
use yew_router::prelude::Navigator;

use super::call::CallHandles;
use crate::browser::config::Config;
use crate::browser::media::LocalMedia;
use crate::call::session::SessionUpdate;
use crate::call::status::CallStatus;
use crate::ui::routes::Route;
use crate::ui::state::{Action, AppState};

/// How long the room step may stay after Join while the call's first exchange runs (see
/// [`join`]): under the 0.4 s or so at which people notice a wait. A friend who takes longer
/// to answer (a slow network) no longer holds the call screen back.
const SHOW_CALL_WITHIN_MS: u32 = 300;

/// What joining needs to know, as it stands at this render.
pub struct JoinContext {
    /// The camera and microphone, once granted.
    pub media: Option<LocalMedia>,
    /// The configuration, once loaded.
    pub config: Option<Rc<Config>>,
    /// Whether the call is to use relayed candidates only.
    pub hides: bool,
    /// To name the room in the address bar.
    pub navigator: Option<Navigator>,
    /// The address shown now.
    pub route: Route,
}

/// The room dialog's Join handler (made at each render: what it needs, the media, the
/// configuration and the address, changes with the state).
#[hook]
pub fn use_join(
    context: JoinContext,
    call: &CallHandles,
    dispatcher: UseReducerDispatcher<AppState>,
) -> Callback<RoomName> {
    let call = call.clone();
    Callback::from(move |room: RoomName| join(room, &context, &call, &dispatcher))
}

fn join(
    room: RoomName,
    context: &JoinContext,
    call: &CallHandles,
    dispatcher: &UseReducerDispatcher<AppState>,
) {
    // The address bar names the room, so it can be shared (and reopened).
    let name_in_address_bar = {
        let (navigator, current) = (context.navigator.clone(), context.route.clone());
        Rc::new(move |room: &RoomName| {
            let target = Route::Room {
                room: room.to_string(),
            };
            if let Some(navigator) = &navigator {
                if current != target {
                    navigator.replace(&target);
                }
            }
        })
    };
    // The join goes out at once. Drawing the call screen (taking the room step down, the
    // videos, the controls) keeps the page busy for up to 100 ms, and whatever arrives then
    // waits: so it waits until the call's first exchange is done (joined alone; or this side's
    // answer sent; or the friend's answer to this side's offer taken, their stream already in
    // the friend's video, made beforehand), or at most SHOW_CALL_WITHIN_MS. What remains then
    // (connecting, the first frame) runs off the page's main thread, beside the drawing
    // (measured in docs/benchmarks.md). So does naming the room in the address bar, which
    // draws the page again too.
    let (Some(media), Some(config)) = (&context.media, &context.config) else {
        // Not ready to call yet: the call starts with the configuration (`use_call`).
        dispatcher.dispatch(Action::Join(room.clone()));
        name_in_address_bar(&room);
        return;
    };
    let shown = Rc::new(Cell::new(false));
    let latest = Rc::new(RefCell::new(None::<SessionUpdate>));
    let show = {
        let (dispatcher, room) = (dispatcher.clone(), room.clone());
        let (shown, latest) = (shown.clone(), latest.clone());
        move || {
            if !shown.replace(true) {
                dispatcher.dispatch(Action::Join(room.clone()));
                if let Some(update) = latest.borrow_mut().take() {
                    dispatcher.dispatch(Action::Session(update));
                }
                name_in_address_bar(&room);
            }
        }
    };
    let on_update = {
        let (dispatcher, show, handles) = (dispatcher.clone(), show.clone(), call.clone());
        move |update: SessionUpdate| {
            if handles.take_update(&update) {
                // The friend's stream: their answer (or offer) is taken.
                if matches!(update, SessionUpdate::Incoming(Some(_))) {
                    show();
                }
                return;
            }
            if shown.get() {
                dispatcher.dispatch(Action::Session(update));
                return;
            }
            // This side's first move is made; an offer's answer is still to come.
            let offered = matches!(
                &*latest.borrow(),
                Some(SessionUpdate::View(view)) if view.status == CallStatus::Connecting
            );
            let done = match update {
                SessionUpdate::Settled => !offered,
                SessionUpdate::Ended(_) => true,
                _ => false,
            };
            if !matches!(update, SessionUpdate::Settled) {
                *latest.borrow_mut() = Some(update);
            }
            if done {
                show();
            }
        }
    };
    let session = call.start(room, media.clone(), config, context.hides, on_update);
    *call.starting.borrow_mut() = Some((session, Timeout::new(SHOW_CALL_WITHIN_MS, show)));
}
