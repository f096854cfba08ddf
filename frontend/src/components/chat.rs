//! The chat panel: the messages (`role="log"`, so new ones are read out) and a box to write.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::channel::MAX_CHAT_CHARS;
use crate::chat::{Author, ChatLog};

/// Props of [`ChatPanel`].
#[derive(Properties, PartialEq)]
pub struct ChatPanelProps {
    /// The messages.
    pub log: ChatLog,
    /// Sends a message; answers whether it went out.
    pub on_send: Callback<String, bool>,
    /// Hides the panel.
    pub on_close: Callback<()>,
}

/// The chat beside (or, on a phone, over) the call.
#[function_component]
pub fn ChatPanel(props: &ChatPanelProps) -> Html {
    let input = use_node_ref();
    let failed = use_state(|| false);
    let log = use_node_ref();

    // Keep the newest message in view.
    {
        let log = log.clone();
        use_effect_with(props.log.lines().len(), move |_| {
            if let Some(element) = log.cast::<web_sys::Element>() {
                element.set_scroll_top(element.scroll_height());
            }
        });
    }
    // The box gets the cursor when the panel opens.
    {
        let input = input.clone();
        use_effect_with((), move |_| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                let _ = input.focus();
            }
        });
    }

    let on_submit = {
        let input = input.clone();
        let failed = failed.clone();
        let on_send = props.on_send.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let text = field.value();
            if text.trim().is_empty() {
                return;
            }
            let sent = on_send.emit(text);
            failed.set(!sent);
            if sent {
                field.set_value("");
            }
        })
    };
    let on_close = props.on_close.reform(|_: MouseEvent| ());

    html! {
        <aside id="chat-panel" class="chat" aria-labelledby="chat-title">
            <div class="chat-head">
                <h2 id="chat-title">{ "Chat" }</h2>
                <button type="button" class="button secondary small" onclick={on_close}>
                    { "Hide chat" }
                </button>
            </div>
            <ol ref={log} class="chat-log" role="log" aria-label="Messages" tabindex="0">
                if props.log.lines().is_empty() {
                    <li class="chat-empty muted-text">
                        { "Messages go straight to your friend, never through our server." }
                    </li>
                }
                { for props.log.lines().iter().map(|line| {
                    let (class, who) = match line.author {
                        Author::Me => ("me", "You"),
                        Author::Friend => ("friend", "Friend"),
                    };
                    html! {
                        <li class={classes!("chat-line", class)}>
                            <span class="chat-who">{ who }{ ": " }</span>
                            <span class="chat-text">{ line.text.clone() }</span>
                        </li>
                    }
                }) }
            </ol>
            if *failed {
                <p class="alert" role="alert">
                    { "Not sent: you are not connected to your friend right now." }
                </p>
            }
            <form class="chat-form" onsubmit={on_submit}>
                <label for="chat-message" class="visually-hidden">{ "Message" }</label>
                <input ref={input} id="chat-message" type="text" autocomplete="off"
                    maxlength={MAX_CHAT_CHARS.to_string()} placeholder="Write a message" />
                <button type="submit" class="button primary">{ "Send" }</button>
            </form>
        </aside>
    }
}
