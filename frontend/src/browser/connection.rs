//! Whether this device has a network connection: `navigator.onLine` and its `online` and
//! `offline` events. A `false` is certain (no network at all); a `true` only means some
//! network, which is why the app also counts a failed `/config.json` as offline
//! ([`super::config::ConfigError`]).

use gloo::events::EventListener;

/// Whether the browser says it has a network connection; `true` where it cannot tell.
pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Calls back with [`online`]'s new answer whenever it changes, for as long as it is kept.
pub struct Watch {
    _online: EventListener,
    _offline: EventListener,
}

impl Watch {
    /// Starts watching; `None` without a window (a worker), where there is nothing to watch.
    pub fn start(on_change: impl Fn(bool) + 'static) -> Option<Self> {
        let window = web_sys::window()?;
        let on_change = std::rc::Rc::new(on_change);
        let listener = |name: &'static str, online: bool| {
            let on_change = on_change.clone();
            EventListener::new(&window, name, move |_| on_change(online))
        };
        Some(Self {
            _online: listener("online", true),
            _offline: listener("offline", false),
        })
    }
}
