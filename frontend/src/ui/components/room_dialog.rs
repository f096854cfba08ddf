//! The room step: a modal dialog asking for the room's name.
//!
//! The name is checked with [`RoomName::parse`], the same rules the service applies (on the
//! browser's own Unicode data, see shared's `browser` feature), so what the dialog accepts
//! the service accepts. Cancelling, or an empty or blank name, keeps the
//! dialog open and says that a name is needed: there is nothing else to do on this page
//! without one.
//!
//! Below the name, the "Hide my address" switch ([`crate::call::hide_address`]): off, on, or fixed
//! with the reason beside it, "Strong noise suppression" and the sound controls. Under the
//! camera's preview, the pre-call check: the microphone's level, the speaker and a test sound
//! (what is chosen here is what the call uses).

use shared::{RoomName, RoomNameError, MAX_ROOM_NAME_CHARS};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{fill, use_texts, Texts};

use super::mic_level::MicLevel;
use super::speaker::SpeakerChoice;
use super::switch::{hide_address_switch, noise_switch, sound_switches};
use super::video::Video;
use crate::browser::media::LocalMedia;
use crate::call::hide_address::AddressChoice;
use crate::call::noise::NoiseChoice;
use crate::call::sound::{Processing, SoundChoice};

/// What to tell a person whose input is not a room name, in the language of `t`.
pub fn problem_text(error: &RoomNameError, t: &Texts) -> String {
    match error {
        RoomNameError::Empty => t.name_needed.to_owned(),
        RoomNameError::TooLong(n) => fill(
            t.name_too_long,
            &[
                ("n", &n.to_string()),
                ("max", &MAX_ROOM_NAME_CHARS.to_string()),
            ],
        ),
        RoomNameError::ControlCharacter => t.name_control.to_owned(),
    }
}

/// Props of [`RoomDialog`].
#[derive(Properties, PartialEq)]
pub struct RoomDialogProps {
    /// Called with a valid room name when the person joins.
    pub on_join: Callback<RoomName>,
    /// Why the dialog is back (the room was full, ...), if it is.
    #[prop_or_default]
    pub notice: Option<AttrValue>,
    /// What the input starts with (the last room tried).
    #[prop_or_default]
    pub initial: AttrValue,
    /// The person's camera, previewed in the dialog.
    #[prop_or_default]
    pub local: Option<LocalMedia>,
    /// Where "Hide my address" stands.
    #[prop_or(AddressChoice::Open { on: false })]
    pub hide_address: AddressChoice,
    /// Called with the person's new choice when they flip "Hide my address".
    #[prop_or_default]
    pub on_hide_address: Callback<bool>,
    /// Where "Strong noise suppression" stands.
    pub noise: NoiseChoice,
    /// The person flipped "Strong noise suppression".
    pub on_noise: Callback<bool>,
    /// Where the sound controls stand (none shown by default).
    #[prop_or_default]
    pub sound: SoundChoice,
    /// The person flipped a sound control.
    #[prop_or_default]
    pub on_sound: Callback<(Processing, bool)>,
    /// The speaker chosen; `None`: the system's default.
    #[prop_or_default]
    pub speaker: Option<AttrValue>,
    /// The person chose a speaker.
    #[prop_or_default]
    pub on_speaker: Callback<String>,
}

/// The room-name field's state and handlers.
struct RoomField {
    /// The text box (uncontrolled: its value is the DOM's own).
    input: NodeRef,
    /// What is wrong with what was typed, if anything.
    problem: UseStateHandle<Option<String>>,
    on_submit: Callback<SubmitEvent>,
    on_cancel: Callback<MouseEvent>,
    on_private: Callback<MouseEvent>,
    on_input: Callback<InputEvent>,
}

/// The room-name field: starts with `initial`, checks the name on submit and hands a valid
/// one to `on_join`.
#[hook]
fn use_room_field(initial: &AttrValue, on_join: &Callback<RoomName>) -> RoomField {
    let input = use_node_ref();
    let problem = use_state(|| None::<String>);
    let t = use_texts();

    // The text box is the only thing to do here: put the cursor in it. Its value is the
    // DOM's own (an uncontrolled input), so re-renders never overwrite what is typed; the
    // initial text is put in once.
    {
        let input = input.clone();
        use_effect_with(initial.clone(), move |initial| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                input.set_value(initial);
                let _ = input.focus();
                input.select();
            }
        });
    }

    let on_submit = {
        let input = input.clone();
        let problem = problem.clone();
        let on_join = on_join.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            match RoomName::parse(&field.value()) {
                Ok(name) => {
                    if problem.is_some() {
                        problem.set(None);
                    }
                    on_join.emit(name);
                }
                Err(error) => {
                    problem.set(Some(problem_text(&error, t)));
                    let _ = field.focus();
                }
            }
        })
    };
    let on_cancel = {
        let input = input.clone();
        let problem = problem.clone();
        Callback::from(move |_: MouseEvent| {
            problem.set(Some(t.name_needed.to_owned()));
            if let Some(field) = input.cast::<HtmlInputElement>() {
                field.set_value("");
                let _ = field.focus();
            }
        })
    };
    let on_private = {
        let input = input.clone();
        let problem = problem.clone();
        Callback::from(
            move |_: MouseEvent| match crate::call::private_room::generate() {
                Ok(name) => {
                    problem.set(None);
                    if let Some(field) = input.cast::<HtmlInputElement>() {
                        field.set_value(&name);
                        let _ = field.focus();
                    }
                }
                Err(e) => {
                    // The browser's own words are for the console; the person gets theirs.
                    gloo::console::warn!(e.to_string());
                    problem.set(Some(t.random_unavailable.to_owned()));
                }
            },
        )
    };
    let on_input = {
        let problem = problem.clone();
        Callback::from(move |_: InputEvent| problem.set(None))
    };
    RoomField {
        input,
        problem,
        on_submit,
        on_cancel,
        on_private,
        on_input,
    }
}

/// The room-name dialog.
#[function_component]
pub fn RoomDialog(props: &RoomDialogProps) -> Html {
    let t = use_texts();
    let field = use_room_field(&props.initial, &props.on_join);
    // One alert at a time: the input's problem, else the reason the dialog is back.
    let message = field
        .problem
        .as_ref()
        .map(|p| AttrValue::from(p.clone()))
        .or(props.notice.clone());
    let invalid = field.problem.is_some();

    html! {
        <div class="backdrop">
            // Not aria-modal: it is the page's main step, not a layer over one, and the
            // language switch beside it must stay reachable (by Tab and by screen readers).
            <div class="card dialog" role="dialog"
                aria-labelledby="room-dialog-title" aria-describedby="room-dialog-help">
                if let Some(local) = &props.local {
                    <div class="preview">
                        <Video class="mirror" label={t.local_video} stream={Some(local.shared_stream())}
                            muted=true />
                        <MicLevel media={local.clone()} />
                    </div>
                    <SpeakerChoice id="speaker" chosen={props.speaker.clone()}
                        on_choose={props.on_speaker.clone()} />
                }
                <h1 id="room-dialog-title">{ t.join_title }</h1>
                <p id="room-dialog-help" class="muted-text">
                    { t.join_help }
                </p>
                <form class="room-form" onsubmit={field.on_submit} novalidate=true>
                    <label for="room-name">{ t.room_name }</label>
                    <input
                        ref={field.input}
                        id="room-name"
                        name="room"
                        type="text"
                        placeholder={t.room_placeholder}
                        autocomplete="off"
                        autocapitalize="off"
                        spellcheck="false"
                        enterkeyhint="go"
                        aria-invalid={if invalid { "true" } else { "false" }}
                        oninput={field.on_input}
                    />
                    <button type="button" class="link-button" onclick={field.on_private}>
                        { t.new_private_room }
                    </button>
                    <span class="muted-text hint">
                        { t.private_room_hint }
                    </span>
                    { hide_address_switch(t, props.hide_address, &props.on_hide_address) }
                    { noise_switch(t, ("strong-noise", "strong-noise-why"), props.noise, &props.on_noise) }
                    { sound_switches(t, "sound", props.sound, &props.on_sound) }
                    if let Some(message) = message {
                        <p class="alert" role="alert">{ message }</p>
                    }
                    <div class="actions">
                        <button type="button" class="button secondary" onclick={field.on_cancel}>
                            { t.cancel }
                        </button>
                        <button type="submit" class="button primary">{ t.join }</button>
                    </div>
                </form>
            </div>
        </div>
    }
}
