//! The chat panel: the messages (`role="log"`, so new ones are read out) and a box to write.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::use_texts;

use super::files::{FileList, SendFile};
use crate::browser::channel::MAX_CHAT_CHARS;
use crate::browser::files::PickedFile;
use crate::call::chat::{Author, ChatLog};
use crate::call::session::{FileRefusal, FileView};
use crate::call::transfer::Direction;

/// Props of [`ChatPanel`].
#[derive(Properties, PartialEq)]
pub struct ChatPanelProps {
    /// The messages.
    pub log: ChatLog,
    /// Sends a message; answers whether it went out.
    pub on_send: Callback<String, bool>,
    /// Hides the panel.
    pub on_close: Callback<()>,
    /// The files sent and received in this call.
    #[prop_or_default]
    pub files: Vec<FileView>,
    /// Offers a picked file to the friend; answers why not, if it does not go.
    pub on_send_file: Callback<PickedFile, Result<(), FileRefusal>>,
    /// Stops a file transfer.
    #[prop_or_default]
    pub on_cancel_file: Callback<(Direction, u32)>,
}

/// The chat beside (or, on a phone, over) the call.
#[function_component]
pub fn ChatPanel(props: &ChatPanelProps) -> Html {
    let input = use_node_ref();
    let failed = use_state(|| false);
    let t = use_texts();
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
                <h2 id="chat-title">{ t.chat }</h2>
                <button type="button" class="button secondary small" onclick={on_close}>
                    { t.hide_chat }
                </button>
            </div>
            <div ref={log} class="chat-log" role="log" aria-label={t.messages} tabindex="0">
                if props.log.lines().is_empty() {
                    <p class="chat-empty muted-text">
                        { t.chat_empty }
                    </p>
                }
                { for props.log.lines().iter().map(|line| {
                    let (class, who) = match line.author {
                        Author::Me => ("me", t.you),
                        Author::Friend => ("friend", t.friend),
                    };
                    html! {
                        <p class={classes!("chat-line", class)}>
                            <span class="chat-who">{ who }{ ": " }</span>
                            <span class="chat-text">{ line.text.clone() }</span>
                        </p>
                    }
                }) }
            </div>
            <FileList files={props.files.clone()} on_cancel={props.on_cancel_file.clone()} />
            if *failed {
                <p class="alert" role="alert">
                    { t.not_sent }
                </p>
            }
            <form class="chat-form" onsubmit={on_submit}>
                <label for="chat-message" class="visually-hidden">{ t.message }</label>
                <input ref={input} id="chat-message" type="text" autocomplete="off"
                    maxlength={MAX_CHAT_CHARS.to_string()} placeholder={t.message_placeholder} />
                <button type="submit" class="button primary">{ t.send }</button>
            </form>
            <SendFile on_send={props.on_send_file.clone()} />
        </aside>
    }
}
