//! The top component: media first, then the room, then the call.
//!
//! The app's state is one enum in a reducer ([`super::state`]); side effects (asking for
//! media, loading the configuration, running a call) are custom hooks ([`super::hooks`]) keyed
//! on the state they serve, so a call's session lives exactly as long as the screen that shows
//! it. Their callbacks stay the same from one render to the next, so a state change redraws
//! only what it changes.

use yew::prelude::*;
use yew_router::prelude::{use_navigator, use_route, BrowserRouter};

use super::components::availability::availability;
use super::components::in_call::{in_call, InCallProps};
use super::components::media_error::MediaErrorView;
use super::components::room_dialog::RoomDialog;
use super::components::top_bar::top_bar;
use super::hooks::call::use_call;
use super::hooks::controls::use_media_switches;
use super::hooks::handlers::use_handlers;
use super::hooks::join::{use_join, JoinContext};
use super::hooks::language::use_language;
use super::hooks::noise::use_noise_suppression;
use super::hooks::painted::use_painted;
use super::hooks::screen_awake::use_screen_awake;
use super::hooks::shortcuts::use_shortcuts;
use super::hooks::sound::use_sound_controls;
use super::hooks::startup::use_startup;
use super::routes::Route;
use super::state::{Action, AppState, Screen};
use super::wording::room_notice_text;
use crate::browser::{denoise, peer, storage};
use crate::call::chat::ChatLog;
use crate::call::device_fallback::MediaKind;
use crate::call::session::CallView;
use crate::call::sound::{Processing, SoundChoice};
use crate::i18n::Lang;
use shared::RoomName;

/// The whole app: the router around `Duet`, the screens.
#[function_component]
pub fn App() -> Html {
    html! {
        <BrowserRouter>
            <Duet />
        </BrowserRouter>
    }
}

/// The app's screens, under the router.
#[function_component]
fn Duet() -> Html {
    let state = use_reducer(|| AppState {
        hide_address: storage::hide_address(),
        relay_offered: storage::relay_offered(),
        strong_noise: storage::strong_noise(),
        noise_supported: denoise::supported(),
        sound: storage::sound().0,
        sound_chosen: storage::sound().1,
        sound_shown: crate::browser::sound::supported(),
        speaker: storage::speaker(),
        webrtc: peer::supported(),
        ..AppState::default()
    });
    let dispatcher = state.dispatcher();
    let (lang, set_lang) = use_language();
    let t = lang.texts();
    let route = use_route::<Route>().unwrap_or(Route::Home);
    let navigator = use_navigator();
    use_startup(dispatcher.clone(), state.media_attempt);
    let call = use_call(&state, dispatcher.clone(), t.remote_video);
    use_media_switches(
        &call,
        state.local_state,
        state.media.clone(),
        state.audio_only,
    );
    let noise = state.noise_choice();
    use_noise_suppression(
        &call,
        noise.runs() && matches!(state.screen, Screen::InCall { .. }),
        state.media.clone(),
        dispatcher.clone(),
    );
    use_screen_awake(matches!(state.screen, Screen::InCall { .. }));
    let handlers = use_handlers(&call, &dispatcher, &set_lang);
    // The steps the person set as set, the others as the microphone does them now (asked for
    // as they are: Chromium's defaults for one follow another's).
    let mic = state.media.as_ref().and_then(|m| m.track(MediaKind::Audio));
    let wanted = Processing::ALL.into_iter().fold(state.sound, |set, step| {
        let does = mic
            .as_ref()
            .and_then(|mic| crate::browser::sound::does(mic, step));
        match (state.sound_chosen.contains(step), does) {
            (true, _) => set,
            // Not reported (or no microphone yet): the browsers' default, on.
            (false, on) => set.with(step, on.unwrap_or(true)),
        }
    });
    let sound = SoundChoice {
        wanted,
        shown: state.sound_shown,
        failed: use_sound_controls(
            wanted,
            state.sound_shown,
            state.media.clone(),
            state.microphone,
            &handlers.controls.on_switched,
        ),
    };
    let speaker = state.speaker.clone().map(AttrValue::from);
    use_shortcuts(
        matches!(state.screen, Screen::InCall { .. }),
        state.help_open,
        dispatcher.clone(),
        handlers.controls.on_leave.clone(),
    );
    let join_context = JoinContext {
        media: state.media.clone(),
        config: state.config.clone(),
        hides: state.address_choice().hides(),
        navigator,
        route: route.clone(),
    };
    let on_join = use_join(join_context, &call, dispatcher.clone());
    // Without WebRTC a call could only fail later: a join goes straight to the reducer, which
    // answers it with the reason (`RoomNotice::NoWebRtc`).
    let on_join = if state.webrtc {
        on_join
    } else {
        dispatcher.to_callback().reform(Action::Join)
    };
    // What the service said about a relay outlives the visit: the switch is right next time.
    use_effect_with(state.relay_offered, |offered| {
        if let Some(offered) = offered {
            storage::save_relay_offered(*offered);
        }
    });
    // The dialog offers the last room tried, else the room of the link that opened the page.
    let initial = state
        .last_room
        .as_ref()
        .map(|r| AttrValue::from(r.to_string()))
        .or_else(|| route.room().map(|r| AttrValue::from(r.to_owned())))
        .unwrap_or_default();
    // The call screen is drawn ahead, hidden in the room step's place (`.call.ahead`), and
    // Join only reveals it: drawing a whole screen takes the page tens of milliseconds, which
    // at Join would hold back the friend's answer and the connection's last steps (measured
    // in docs/benchmarks.md). While ahead it knows no room and shows no chat nor dialog.
    // Without WebRTC no call will start: nothing is drawn.
    let call_screen = |room: Option<RoomName>, view: CallView| {
        let Some(local) = state.media.as_ref().filter(|_| state.webrtc) else {
            return html! {};
        };
        let in_room = room.is_some();
        // What belongs to a call: nothing yet while drawn ahead (the last call's chat stays
        // out of it).
        let (chat, files) = if in_room {
            (state.chat.clone(), state.files.clone())
        } else {
            (ChatLog::default(), Vec::new())
        };
        in_call(InCallProps {
            room,
            view,
            local: local.clone(),
            local_state: state.local_state,
            sharing: state.sharing,
            audio_only: state.audio_only,
            noise,
            sound,
            microphone: state.microphone,
            speaker: speaker.clone(),
            help_open: in_room && state.help_open,
            chat,
            files,
            remote_video: call.remote_video.clone(),
            handlers: &handlers,
        })
    };
    // Ahead only once the room step has been painted: the step the person came for comes
    // first, as soon as it can.
    let room_step_painted = use_painted(matches!(state.screen, Screen::AskingRoom { .. }));
    let body = match &state.screen {
        Screen::AcquiringMedia => html! {
            <section class="card notice-card" aria-labelledby="acquiring-title">
                <div class="spinner" aria-hidden="true" />
                <h1 id="acquiring-title">{ t.media_title }</h1>
                <p class="muted-text" role="status">{ t.media_waiting }</p>
            </section>
        },
        Screen::MediaFailed(error) => html! {
            <MediaErrorView error={error.clone()} on_retry={handlers.switches.retry_media.clone()} />
        },
        // Two children in both: the call screen keeps its place from one to the other.
        Screen::AskingRoom { notice } => html! {
            <>
                <RoomDialog
                    on_join={on_join}
                    notice={notice.as_ref().map(|n| AttrValue::from(room_notice_text(n, t)))}
                    initial={initial}
                    local={state.media.clone()}
                    hide_address={state.address_choice()}
                    on_hide_address={handlers.switches.hide_address.clone()}
                    noise={noise}
                    on_noise={handlers.switches.strong_noise.clone()}
                    sound={sound}
                    on_sound={handlers.switches.sound.clone()}
                    speaker={speaker.clone()}
                    on_speaker={handlers.switches.speaker.clone()}
                />
                { if room_step_painted { call_screen(None, CallView::joining()) } else { html! {} } }
            </>
        },
        Screen::InCall { room, view } => html! {
            <>
                <></>
                { call_screen(Some(room.clone()), view.clone()) }
            </>
        },
    };
    let room = match &state.screen {
        Screen::InCall { room, .. } => Some(room),
        _ => None,
    };

    html! {
        <ContextProvider<Lang> context={lang}>
            <div class="app">
                { top_bar(room, lang, handlers.on_language.clone()) }
                { availability(state.webrtc, state.reach, t) }
                <main class="main">{ body }</main>
            </div>
        </ContextProvider<Lang>>
    }
}
