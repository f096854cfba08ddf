//! The room dialog, mounted for real: the same validation as the service, and "a room name is
//! needed" on cancel, empty and blank names.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use shared::RoomName;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::{AppHandle, Callback};

use super::{find, mount_point, text_of, until};
use crate::call::hide_address::AddressChoice;
use crate::call::noise::NoiseChoice;
use crate::call::sound::{Processing, ProcessingSet, SoundChoice};
use crate::ui::components::room_dialog::{RoomDialog, RoomDialogProps};

struct Mounted {
    root: Element,
    handle: Option<AppHandle<RoomDialog>>,
    joined: Rc<RefCell<Vec<RoomName>>>,
    /// What "Hide my address" reported, in order.
    hide: Rc<RefCell<Vec<bool>>>,
    /// What "Strong noise suppression" reported, in order.
    noise: Rc<RefCell<Vec<bool>>>,
    /// What the sound controls reported, in order.
    sound: Rc<RefCell<Vec<(Processing, bool)>>>,
}

impl Mounted {
    async fn new(notice: Option<&str>) -> Self {
        Self::with_choice(notice, AddressChoice::Open { on: false }).await
    }

    async fn with_choice(notice: Option<&str>, hide_address: AddressChoice) -> Self {
        Self::with_choices(notice, hide_address, NoiseChoice::Open { on: false }).await
    }

    async fn with_choices(
        notice: Option<&str>,
        hide_address: AddressChoice,
        noise_choice: NoiseChoice,
    ) -> Self {
        Self::with_sound(notice, hide_address, noise_choice, SoundChoice::default()).await
    }

    async fn with_sound(
        notice: Option<&str>,
        hide_address: AddressChoice,
        noise_choice: NoiseChoice,
        sound_choice: SoundChoice,
    ) -> Self {
        let root = mount_point();
        let joined = Rc::new(RefCell::new(Vec::new()));
        let on_join = {
            let joined = joined.clone();
            Callback::from(move |room: RoomName| joined.borrow_mut().push(room))
        };
        let hide = Rc::new(RefCell::new(Vec::new()));
        let on_hide_address = {
            let hide = hide.clone();
            Callback::from(move |on: bool| hide.borrow_mut().push(on))
        };
        let noise = Rc::new(RefCell::new(Vec::new()));
        let on_noise = {
            let noise = noise.clone();
            Callback::from(move |on: bool| noise.borrow_mut().push(on))
        };
        let sound = Rc::new(RefCell::new(Vec::new()));
        let on_sound = {
            let sound = sound.clone();
            Callback::from(move |choice| sound.borrow_mut().push(choice))
        };
        let props = RoomDialogProps {
            on_join,
            notice: notice.map(|n| n.to_owned().into()),
            initial: "".into(),
            local: None,
            hide_address,
            on_hide_address,
            noise: noise_choice,
            on_noise,
            sound: sound_choice,
            on_sound,
            speaker: None,
            on_speaker: Callback::noop(),
        };
        let handle = yew::Renderer::<RoomDialog>::with_root_and_props(root.clone(), props).render();
        until("the dialog", Duration::from_secs(5), || {
            find(&root, "[role=dialog]").is_some()
        })
        .await;
        Self {
            root,
            handle: Some(handle),
            joined,
            hide,
            noise,
            sound,
        }
    }

    fn switch(&self) -> HtmlInputElement {
        match find(&self.root, "input[role=switch]").and_then(|e| e.dyn_into().ok()) {
            Some(switch) => switch,
            None => panic!("no switch"),
        }
    }

    /// The switch whose label is `name`.
    fn switch_named(&self, name: &str) -> HtmlInputElement {
        let Ok(all) = self.root.query_selector_all("input[role=switch]") else {
            panic!("no switches");
        };
        (0..all.length())
            .filter_map(|i| all.item(i)?.dyn_into::<HtmlInputElement>().ok())
            .find(|s| {
                s.closest("label")
                    .ok()
                    .flatten()
                    .and_then(|l| l.text_content())
                    .is_some_and(|t| t.trim() == name)
            })
            .unwrap_or_else(|| panic!("no switch named {name}"))
    }

    fn input(&self) -> HtmlInputElement {
        match find(&self.root, "input").and_then(|e| e.dyn_into().ok()) {
            Some(input) => input,
            None => panic!("no text box"),
        }
    }

    /// Types as a person would: the value changes and an `input` event bubbles (which makes
    /// the component re-render; what was typed must survive that).
    fn type_text(&self, text: &str) {
        let input = self.input();
        input.set_value(text);
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        match web_sys::Event::new_with_event_init_dict("input", &init) {
            Ok(event) => {
                let _ = input.dispatch_event(&event);
            }
            Err(e) => panic!("input event: {e:?}"),
        }
    }

    fn click(&self, label: &str) {
        let buttons = self.root.query_selector_all("button").ok();
        let count = buttons.as_ref().map_or(0, |b| b.length());
        for i in 0..count {
            let button = buttons
                .as_ref()
                .and_then(|b| b.item(i))
                .and_then(|n| n.dyn_into().ok());
            if let Some(button) =
                button.filter(|b: &HtmlElement| b.text_content().as_deref() == Some(label))
            {
                button.click();
                return;
            }
        }
        panic!("no button {label:?}");
    }

    fn alert(&self) -> String {
        text_of(&self.root, "[role=alert]")
    }

    async fn alert_says(&self, what: &str) {
        until(what, Duration::from_secs(5), || self.alert().contains(what)).await;
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
    }
}

#[wasm_bindgen_test]
async fn the_dialog_is_labelled_with_a_room_name_box_and_two_buttons() {
    let dialog = Mounted::new(None).await;
    let element = find(&dialog.root, "[role=dialog]");
    let Some(element) = element else {
        panic!("no dialog")
    };
    // Not modal: the language switch outside it stays reachable.
    assert_eq!(element.get_attribute("aria-modal"), None);
    let title_id = element.get_attribute("aria-labelledby").unwrap_or_default();
    assert!(
        !text_of(&dialog.root, &format!("#{title_id}")).is_empty(),
        "labelled by its title"
    );
    // The text box's accessible name comes from its <label for=…>.
    let input = dialog.input();
    assert_eq!(
        text_of(&dialog.root, &format!("label[for={}]", input.id())),
        "Room name"
    );
    assert_eq!(input.type_(), "text");
    dialog.click("Join");
    dialog.alert_says("room name is needed").await;
}

#[wasm_bindgen_test]
async fn cancel_keeps_asking_with_a_message() {
    let dialog = Mounted::new(None).await;
    assert_eq!(dialog.alert(), "", "no alert before anything happened");
    dialog.input().set_value("half typed");
    dialog.click("Cancel");
    dialog.alert_says("A room name is needed").await;
    assert!(
        find(&dialog.root, "[role=dialog]").is_some(),
        "the dialog stays"
    );
    assert_eq!(dialog.input().value(), "");
    assert!(dialog.joined.borrow().is_empty());
}

#[wasm_bindgen_test]
async fn empty_and_blank_names_are_refused_with_a_message() {
    for typed in ["", "   ", "\u{3000}\u{a0} \t"] {
        let dialog = Mounted::new(None).await;
        dialog.input().set_value(typed);
        dialog.click("Join");
        dialog.alert_says("A room name is needed").await;
        assert!(find(&dialog.root, "[role=dialog]").is_some());
        assert_eq!(
            dialog.input().get_attribute("aria-invalid").as_deref(),
            Some("true"),
            "{typed:?}"
        );
        assert!(dialog.joined.borrow().is_empty(), "{typed:?} must not join");
    }
}

#[wasm_bindgen_test]
async fn too_long_and_control_characters_are_explained() {
    let dialog = Mounted::new(None).await;
    dialog.input().set_value(&"x".repeat(65));
    dialog.click("Join");
    dialog.alert_says("at most 64 characters").await;
    dialog.input().set_value("a\u{7}b");
    dialog.click("Join");
    dialog
        .alert_says("line breaks or invisible characters")
        .await;
    // Back to another message first, so the next one is really the zero-width space's.
    dialog.input().set_value(&"x".repeat(65));
    dialog.click("Join");
    dialog.alert_says("at most 64 characters").await;
    // A zero-width space would make "ab" look like another room's name.
    dialog.input().set_value("a\u{200B}b");
    dialog.click("Join");
    dialog.alert_says("invisible characters").await;
    assert!(dialog.joined.borrow().is_empty());
}

#[wasm_bindgen_test]
async fn a_valid_name_joins_trimmed_and_the_same_room_whatever_the_case() {
    let dialog = Mounted::new(None).await;
    dialog.click("Join");
    dialog.alert_says("room name is needed").await;
    dialog.type_text("  Casa Azul ");
    until("the alert to go", Duration::from_secs(5), || {
        dialog.alert().is_empty()
    })
    .await;
    dialog.click("Join");
    until("the join", Duration::from_secs(5), || {
        !dialog.joined.borrow().is_empty()
    })
    .await;
    let joined = dialog.joined.borrow().clone();
    assert_eq!(joined.len(), 1);
    assert_eq!(joined[0].as_str(), "Casa Azul");
    assert_eq!(
        joined[0],
        RoomName::parse("casa azul").unwrap_or_else(|e| panic!("{e}"))
    );
    assert_eq!(dialog.alert(), "");
}

#[wasm_bindgen_test]
async fn a_notice_is_shown_as_the_alert_and_a_fresh_problem_replaces_it() {
    let dialog = Mounted::new(Some("The room “Casa Azul” is full")).await;
    dialog.alert_says("is full").await;
    dialog.click("Cancel");
    dialog.alert_says("room name is needed").await;
    let alerts = dialog
        .root
        .query_selector_all("[role=alert]")
        .map(|l| l.length())
        .unwrap_or(0);
    assert_eq!(alerts, 1, "one alert at a time");
}

#[wasm_bindgen_test]
async fn hide_my_address_is_a_labelled_switch_that_reports_its_new_state() {
    let dialog = Mounted::new(None).await;
    let switch = dialog.switch();
    assert_eq!(switch.type_(), "checkbox");
    assert!(!switch.checked() && !switch.disabled());
    // Its name is the label around it; its description says what it does.
    let label = switch
        .closest("label")
        .ok()
        .flatten()
        .and_then(|l| l.text_content())
        .unwrap_or_default();
    assert_eq!(label.trim(), "Hide my address");
    let why = switch.get_attribute("aria-describedby").unwrap_or_default();
    assert!(text_of(&dialog.root, &format!("#{why}")).contains("relay server"));
    switch.click();
    until("the choice", Duration::from_secs(5), || {
        *dialog.hide.borrow() == [true]
    })
    .await;
    assert!(
        dialog.joined.borrow().is_empty(),
        "flipping it joins nothing"
    );
}

#[wasm_bindgen_test]
async fn without_a_relay_the_switch_is_off_disabled_and_says_why() {
    let dialog = Mounted::with_choice(None, AddressChoice::NoRelay).await;
    let switch = dialog.switch();
    assert!(!switch.checked() && switch.disabled());
    let why = switch.get_attribute("aria-describedby").unwrap_or_default();
    assert!(
        text_of(&dialog.root, &format!("#{why}")).contains("no relay server"),
        "{}",
        text_of(&dialog.root, &format!("#{why}"))
    );

    let always = Mounted::with_choice(None, AddressChoice::AlwaysRelayed).await;
    assert!(always.switch().checked() && always.switch().disabled());
}

#[wasm_bindgen_test]
async fn strong_noise_suppression_is_a_labelled_switch_that_reports_its_new_state() {
    let dialog = Mounted::new(None).await;
    let switch = dialog.switch_named("Strong noise suppression");
    assert!(!switch.checked() && !switch.disabled());
    let why = switch.get_attribute("aria-describedby").unwrap_or_default();
    assert!(text_of(&dialog.root, &format!("#{why}")).contains("background noise"));
    switch.click();
    until("the choice", Duration::from_secs(5), || {
        *dialog.noise.borrow() == [true]
    })
    .await;
    assert!(
        dialog.hide.borrow().is_empty(),
        "the other switch did not move"
    );
}

#[wasm_bindgen_test]
async fn where_it_cannot_run_the_noise_switch_is_off_disabled_and_says_why() {
    for (choice, reason) in [
        (NoiseChoice::Unsupported, "AudioWorklet"),
        (NoiseChoice::Failed, "could not run"),
    ] {
        let dialog = Mounted::with_choices(None, AddressChoice::Open { on: false }, choice).await;
        let switch = dialog.switch_named("Strong noise suppression");
        assert!(!switch.checked() && switch.disabled());
        let why = switch.get_attribute("aria-describedby").unwrap_or_default();
        let text = text_of(&dialog.root, &format!("#{why}"));
        assert!(text.contains(reason), "{text}");
    }
}

#[wasm_bindgen_test]
async fn the_sound_controls_are_switches_named_exactly_that_report_their_step() {
    let choice = SoundChoice {
        wanted: ProcessingSet::ALL.with(Processing::EchoCancellation, false),
        shown: ProcessingSet::ALL,
        failed: false,
    };
    let dialog = Mounted::with_sound(
        None,
        AddressChoice::Open { on: false },
        NoiseChoice::Open { on: false },
        choice,
    )
    .await;
    let noise = dialog.switch_named("Noise suppression");
    let echo = dialog.switch_named("Echo cancellation");
    let gain = dialog.switch_named("Automatic gain");
    assert!(noise.checked() && !echo.checked() && gain.checked());
    assert_ne!(
        noise,
        dialog.switch_named("Strong noise suppression"),
        "two switches, told apart by their whole names"
    );
    // One hint for the group, which is named by its legend.
    let group = noise.closest("fieldset").ok().flatten();
    let Some(group) = group else {
        panic!("the sound controls are a group")
    };
    assert_eq!(text_of(&group, "legend"), "Microphone sound");
    let why = group.get_attribute("aria-describedby").unwrap_or_default();
    assert!(text_of(&dialog.root, &format!("#{why}")).contains("headphones"));
    echo.click();
    noise.click();
    until("the choices", Duration::from_secs(5), || {
        *dialog.sound.borrow()
            == [
                (Processing::EchoCancellation, true),
                (Processing::NoiseSuppression, false),
            ]
    })
    .await;
    assert!(
        dialog.noise.borrow().is_empty(),
        "Strong noise suppression did not move"
    );
    assert_eq!(dialog.alert(), "", "nothing failed");
}

#[wasm_bindgen_test]
async fn only_the_steps_the_browser_has_are_shown_and_a_failure_is_said() {
    let choice = SoundChoice {
        wanted: ProcessingSet::ALL,
        shown: ProcessingSet::NONE.with(Processing::AutoGain, true),
        failed: true,
    };
    let dialog = Mounted::with_sound(
        None,
        AddressChoice::Open { on: false },
        NoiseChoice::Open { on: false },
        choice,
    )
    .await;
    assert!(dialog.switch_named("Automatic gain").checked());
    let switches = dialog
        .root
        .query_selector_all("fieldset input[role=switch]")
        .map(|l| l.length())
        .unwrap_or(0);
    assert_eq!(switches, 1);
    dialog.alert_says("could not be set up").await;

    let none = Mounted::new(None).await;
    assert!(
        find(&none.root, "fieldset").is_none(),
        "no group where the browser has none"
    );
}
