//! The app's event handlers, made once: everything they act on (the reducer's dispatcher, the
//! call's handles, the language's setter) stays the same for the app's whole life, so the
//! components they are handed to see equal props and skip redrawing.

use std::rc::Rc;

use yew::prelude::*;

use super::call::CallHandles;
use super::controls::CallControls;
use super::language::language_switch;
use super::screen_share::ScreenShare;
use super::switches::Switches;
use crate::i18n::Lang;
use crate::ui::state::AppState;

/// Every stable handler of the app.
pub struct Handlers {
    /// The switches that only change the app's state.
    pub switches: Switches,
    /// The controls that act on the running call.
    pub controls: CallControls,
    /// Screen sharing.
    pub screen_share: ScreenShare,
    /// The language switch.
    pub on_language: Callback<Event>,
}

/// The handlers, made on the first render and kept.
#[hook]
pub fn use_handlers(
    call: &CallHandles,
    dispatcher: &UseReducerDispatcher<AppState>,
    set_lang: &UseStateSetter<Lang>,
) -> Rc<Handlers> {
    let made = (call.clone(), dispatcher.clone(), set_lang.clone());
    use_memo((), move |()| {
        let (call, dispatcher, set_lang) = made;
        Handlers {
            switches: Switches::new(&dispatcher),
            controls: CallControls::new(&call, &dispatcher),
            screen_share: ScreenShare::new(&call, &dispatcher),
            on_language: language_switch(set_lang),
        }
    })
}
