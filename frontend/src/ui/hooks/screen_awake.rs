//! The screen stays on for the whole call (a phone would otherwise dim and lock while the
//! person talks without touching it), where the browser can keep it on.

use yew::prelude::*;

use crate::browser::wake_lock::KeepAwake;

/// Keeps the screen on while `in_call`, and lets it sleep again when the call ends.
#[hook]
pub fn use_screen_awake(in_call: bool) {
    use_effect_with(in_call, |in_call| {
        // Where the browser cannot, nothing to tell the person: the call works as well, only
        // the screen may sleep.
        let awake = in_call.then(KeepAwake::start).and_then(Result::ok);
        move || drop(awake)
    });
}
