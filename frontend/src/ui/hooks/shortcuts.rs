//! The keyboard shortcuts of the call screen, listened for on the whole window, and never
//! while the person types.

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::call::controls::{KeyPress, Shortcut};
use crate::ui::state::{Action, AppState};

/// Whether keys pressed on `target` are its own (so no shortcut may take them): any form
/// control (a text field, a drop-down such as the camera chooser, where letters pick an
/// option), editable text, and anything inside a dialog.
pub fn takes_keys(target: &web_sys::EventTarget) -> bool {
    let Some(element) = target.dyn_ref::<web_sys::Element>() else {
        return false;
    };
    let form_control = element.dyn_ref::<web_sys::HtmlInputElement>().is_some()
        || element.dyn_ref::<web_sys::HtmlTextAreaElement>().is_some()
        || element.dyn_ref::<web_sys::HtmlSelectElement>().is_some();
    let editable = element
        .dyn_ref::<web_sys::HtmlElement>()
        .is_some_and(web_sys::HtmlElement::is_content_editable);
    let in_dialog = element
        .closest("dialog, [role=dialog], [role=alertdialog], [role=textbox], [role=combobox], [role=listbox]")
        .ok()
        .flatten()
        .is_some();
    form_control || editable || in_dialog
}

/// Listens for the shortcuts while `in_call` and the shortcuts' own dialog is not open
/// (`help_open`).
#[hook]
pub fn use_shortcuts(
    in_call: bool,
    help_open: bool,
    dispatcher: UseReducerDispatcher<AppState>,
    on_leave: Callback<()>,
) {
    use_effect_with((in_call, help_open), move |&(in_call, help_open)| {
        let listener = (in_call && !help_open)
            .then(web_sys::window)
            .flatten()
            .map(|window| {
                EventListener::new(&window, "keydown", move |event| {
                    let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    let press = KeyPress {
                        key: &event.key(),
                        focus_takes_keys: event.target().is_some_and(|t| takes_keys(&t)),
                        ctrl_alt_meta: event.ctrl_key() || event.alt_key() || event.meta_key(),
                        repeat: event.repeat(),
                        composing: event.is_composing(),
                    };
                    let Some(shortcut) = Shortcut::for_press(&press) else {
                        return;
                    };
                    event.prevent_default();
                    match shortcut {
                        Shortcut::ToggleMic => dispatcher.dispatch(Action::ToggleMic),
                        Shortcut::ToggleCamera => dispatcher.dispatch(Action::ToggleCamera),
                        Shortcut::ToggleChat => dispatcher.dispatch(Action::ToggleChat),
                        Shortcut::Help => dispatcher.dispatch(Action::SetHelp(true)),
                        Shortcut::Leave => on_leave.emit(()),
                    }
                })
            });
        move || drop(listener)
    });
}
