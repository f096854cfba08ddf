//! The "Keyboard shortcuts" dialog: what each key does in a call.

use yew::prelude::*;

use crate::controls::Shortcut;

/// What a shortcut does, in words.
fn describe(shortcut: Shortcut) -> &'static str {
    match shortcut {
        Shortcut::ToggleMic => "Mute or unmute the microphone",
        Shortcut::ToggleCamera => "Turn the camera off or on",
        Shortcut::ToggleChat => "Show or hide the chat",
        Shortcut::Leave => "Leave the call",
        Shortcut::Help => "Show this list",
    }
}

/// Props of [`ShortcutsHelp`].
#[derive(Properties, PartialEq)]
pub struct ShortcutsHelpProps {
    /// Closes the dialog.
    pub on_close: Callback<()>,
}

/// The list of keyboard shortcuts, as a modal dialog; Escape or "Close" closes it.
#[function_component]
pub fn ShortcutsHelp(props: &ShortcutsHelpProps) -> Html {
    let close = use_node_ref();
    {
        let close = close.clone();
        use_effect_with((), move |_| {
            if let Some(button) = close.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    let on_key = {
        let on_close = props.on_close.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                event.stop_propagation();
                on_close.emit(());
            }
        })
    };
    html! {
        <div class="help-backdrop" onkeydown={on_key}>
            <div class="card dialog help" role="dialog" aria-modal="true" aria-labelledby="help-title">
                <h2 id="help-title">{ "Keyboard shortcuts" }</h2>
                <p class="muted-text">{ "In a call, when you are not typing in a text box:" }</p>
                <dl class="shortcuts">
                    { for Shortcut::ALL.iter().map(|(shortcut, key)| html! {
                        <div class="shortcut">
                            <dt><kbd>{ *key }</kbd></dt>
                            <dd>{ describe(*shortcut) }</dd>
                        </div>
                    }) }
                </dl>
                <div class="actions">
                    <button ref={close} type="button" class="button primary" onclick={on_close}>
                        { "Close" }
                    </button>
                </div>
            </div>
        </div>
    }
}
