//! Joining a room: the join goes out at once, and the call screen follows once the call has
//! made its first move.

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
use crate::ui::routes::Route;
use crate::ui::state::{Action, AppState};

/// How long the room step may stay after Join while the call's first steps run (see
/// [`use_join`]); longer only if the service is slow to answer.
const SHOW_CALL_WITHIN_MS: u32 = 150;

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
    // The join goes out at once. Showing the call screen (drawn ahead, but revealing it and
    // taking the room step down) keeps the page busy for tens of milliseconds, so it waits until
    // this side has made its first move in the call (joined alone, or sent its offer), or at
    // most SHOW_CALL_WITHIN_MS: the friend's answer is then on its way, and the screen is
    // drawn meanwhile (measured in docs/benchmarks.md). So does naming the room in the address
    // bar, which draws the page again too. Should the drawing outlast the answer, the friend's
    // stream still goes straight into their video, made ahead (`CallSlots::remote_video`).
    // (Drawing only once the answer was taken measured slower: the drawing then held back the
    // connection's last steps and the first frame.)
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
                return;
            }
            if shown.get() {
                dispatcher.dispatch(Action::Session(update));
                return;
            }
            let settled = matches!(update, SessionUpdate::Settled | SessionUpdate::Ended(_));
            if !matches!(update, SessionUpdate::Settled) {
                *latest.borrow_mut() = Some(update);
            }
            if settled {
                show();
            }
        }
    };
    let session = call.start(room, media.clone(), config, context.hides, on_update);
    *call.starting.borrow_mut() = Some((session, Timeout::new(SHOW_CALL_WITHIN_MS, show)));
}
