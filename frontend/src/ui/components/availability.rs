//! What keeps this page from making a call before one starts: a browser without WebRTC, or
//! no way to the service (offline, or the service not answering). Each is said at once, above every screen, with what to do
//! about it; the camera preview and the room step still work meanwhile.

use yew::prelude::*;

use crate::i18n::Texts;
use crate::ui::state::Reach;

/// The notices for a browser without WebRTC (`!webrtc`) and for a page that cannot reach the
/// service (`reach`); nothing when neither. A view function: it has no state of its own.
pub fn availability(webrtc: bool, reach: Reach, t: &Texts) -> Html {
    html! {
        <>
            if !webrtc {
                { notice("no-webrtc-title", t.no_webrtc_title, t.no_webrtc_todo) }
            }
            {
                match reach {
                    Reach::Reachable => Html::default(),
                    Reach::Offline => notice("offline-title", t.offline_title, t.offline_todo),
                    Reach::ServiceDown => {
                        notice("unreachable-title", t.unreachable_title, t.unreachable_todo)
                    }
                }
            }
        </>
    }
}

/// One notice: an alert named by its `title`, then what to do.
fn notice(id: &'static str, title: &'static str, todo: &'static str) -> Html {
    html! {
        <div class="availability" role="alert" aria-labelledby={id}>
            <p id={id} class="availability-title">{ title }</p>
            <p>{ todo }</p>
        </div>
    }
}
