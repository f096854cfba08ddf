//! The "Keyboard shortcuts" dialog: what each key does in a call.

use yew::prelude::*;

use crate::i18n::{use_texts, Texts};

use crate::browser::focus::use_focus_trap;
use crate::call::controls::Shortcut;

/// What a shortcut does, in words.
fn describe(shortcut: Shortcut, t: &Texts) -> &'static str {
    match shortcut {
        Shortcut::ToggleMic => t.shortcut_mic,
        Shortcut::ToggleCamera => t.shortcut_camera,
        Shortcut::ToggleChat => t.shortcut_chat,
        Shortcut::Leave => t.shortcut_leave,
        Shortcut::Help => t.shortcut_help,
    }
}

/// Props of [`ShortcutsHelp`].
#[derive(Properties, PartialEq)]
pub struct ShortcutsHelpProps {
    /// Closes the dialog.
    pub on_close: Callback<()>,
}

/// The list of keyboard shortcuts, as a modal dialog: the focus moves to "Close", Tab stays
/// inside, Escape or "Close" closes it and the focus goes back to what opened it.
#[function_component]
pub fn ShortcutsHelp(props: &ShortcutsHelpProps) -> Html {
    let dialog = use_node_ref();
    let t = use_texts();
    use_focus_trap(dialog.clone(), Some(props.on_close.clone()));
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="help-backdrop">
            <div ref={dialog} class="card dialog help" role="dialog" aria-modal="true" aria-labelledby="help-title">
                <h2 id="help-title">{ t.shortcuts }</h2>
                <p class="muted-text">{ t.shortcuts_intro }</p>
                <dl class="shortcuts">
                    { for Shortcut::ALL.iter().map(|(shortcut, key)| html! {
                        <div class="shortcut">
                            <dt><kbd>{ *key }</kbd></dt>
                            <dd>{ describe(*shortcut, t) }</dd>
                        </div>
                    }) }
                </dl>
                <div class="actions">
                    <button type="button" class="button primary" onclick={on_close}>
                        { t.close }
                    </button>
                </div>
            </div>
        </div>
    }
}
