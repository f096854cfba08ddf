//! Keyboard focus for modal dialogs: focus moves in when one opens, Tab and Shift+Tab go
//! round inside it (a focus trap), Escape closes it, and focus goes back to whatever had it
//! before, so a keyboard user is never lost behind the dialog nor dropped at the page's top.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

/// What can take the focus with Tab inside a dialog.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
    select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])";

/// Where a Tab (or, `backwards`, a Shift+Tab) must send the focus to stay among `count`
/// focusable elements, the focus being on the one at `current` (`None`: not on any of them).
/// `None` means the browser's own move already stays inside.
pub fn trap_step(count: usize, current: Option<usize>, backwards: bool) -> Option<usize> {
    let last = count.checked_sub(1)?;
    match current {
        None => Some(if backwards { last } else { 0 }),
        Some(0) if backwards => Some(last),
        Some(i) if !backwards && i >= last => Some(0),
        Some(_) => None,
    }
}

fn focusables(container: &HtmlElement) -> Vec<HtmlElement> {
    let Ok(list) = container.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        // Not rendered (display: none, or inside something hidden): Tab skips it too.
        .filter(|element| element.get_client_rects().length() > 0)
        .collect()
}

fn active_element() -> Option<HtmlElement> {
    web_sys::window()?
        .document()?
        .active_element()?
        .dyn_into::<HtmlElement>()
        .ok()
}

/// Makes the element behind `container` a modal dialog for the keyboard, from its first
/// render until it goes away: the focus moves to its first control, Tab stays inside,
/// Escape calls `on_escape` (if given), and on the way out the focus returns to the element
/// that had it when the dialog opened.
#[hook]
pub fn use_focus_trap(container: NodeRef, on_escape: Option<Callback<()>>) {
    use_effect_with((), move |_| {
        let opener = active_element();
        if let Some(first) = container
            .cast::<HtmlElement>()
            .and_then(|c| focusables(&c).into_iter().next())
        {
            let _ = first.focus();
        }
        // On the document, not the dialog: a Tab from wherever the focus strayed (a click on
        // the backdrop leaves it on the body) still comes back in.
        let listener = web_sys::window()
            .and_then(|w| w.document())
            .map(|document| {
                EventListener::new_with_options(
                    &document,
                    "keydown",
                    EventListenerOptions::enable_prevent_default(),
                    move |event| {
                        let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                            return;
                        };
                        match event.key().as_str() {
                            "Escape" => {
                                if let Some(on_escape) = &on_escape {
                                    event.prevent_default();
                                    event.stop_propagation();
                                    on_escape.emit(());
                                }
                            }
                            "Tab" => {
                                let Some(dialog) = container.cast::<HtmlElement>() else {
                                    return;
                                };
                                let items = focusables(&dialog);
                                let active = active_element();
                                let current = items.iter().position(|e| Some(e) == active.as_ref());
                                if items.is_empty() {
                                    event.prevent_default();
                                } else if let Some(i) =
                                    trap_step(items.len(), current, event.shift_key())
                                {
                                    event.prevent_default();
                                    if let Some(target) = items.get(i) {
                                        let _ = target.focus();
                                    }
                                }
                            }
                            _ => {}
                        }
                    },
                )
            });
        move || {
            drop(listener);
            if let Some(opener) = opener.filter(|o| o.is_connected()) {
                let _ = opener.focus();
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn tab_wraps_from_the_last_to_the_first_and_back() {
        assert_eq!(trap_step(3, Some(2), false), Some(0));
        assert_eq!(trap_step(3, Some(0), true), Some(2));
        // In the middle the browser's own move stays inside.
        assert_eq!(trap_step(3, Some(0), false), None);
        assert_eq!(trap_step(3, Some(1), true), None);
        assert_eq!(trap_step(3, Some(1), false), None);
    }

    #[wasm_bindgen_test]
    fn a_single_control_keeps_the_focus_both_ways() {
        assert_eq!(trap_step(1, Some(0), false), Some(0));
        assert_eq!(trap_step(1, Some(0), true), Some(0));
    }

    #[wasm_bindgen_test]
    fn focus_outside_the_dialog_comes_back_in_at_the_right_end() {
        assert_eq!(trap_step(4, None, false), Some(0));
        assert_eq!(trap_step(4, None, true), Some(3));
        assert_eq!(trap_step(0, None, false), None, "nothing to focus");
    }
}
