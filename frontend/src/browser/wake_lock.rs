//! Keeping the screen on during a call (the Screen Wake Lock API, `navigator.wakeLock`): a
//! phone left on a table would otherwise dim and lock mid-sentence.
//!
//! The browser drops a screen wake lock by itself whenever the page is hidden (another tab,
//! the phone locked), so [`KeepAwake`] takes it again each time the page is visible once more.
//! web-sys binds the API only behind `web_sys_unstable_apis`, so the two calls needed are bound
//! here and nowhere else.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::events::EventListener;
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Document, EventTarget};

#[wasm_bindgen]
extern "C" {
    /// `navigator.wakeLock`.
    #[wasm_bindgen(extends = Object)]
    type WakeLock;

    /// `WakeLock.request(type)`: resolves to a sentinel once the lock is held.
    #[wasm_bindgen(method, catch)]
    fn request(this: &WakeLock, kind: &str) -> Result<Promise, JsValue>;

    /// A held wake lock.
    #[wasm_bindgen(extends = EventTarget)]
    type WakeLockSentinel;

    /// Whether the lock was let go (by `release()` or by the browser, e.g. on hiding).
    #[wasm_bindgen(method, getter)]
    fn released(this: &WakeLockSentinel) -> bool;

    /// Lets the lock go.
    #[wasm_bindgen(method)]
    fn release(this: &WakeLockSentinel) -> Promise;
}

/// Why the screen could not be kept on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WakeLockError {
    /// This browser, or this page (not a secure context), has no Screen Wake Lock.
    #[error("this browser cannot keep the screen on from a web page")]
    Unsupported,
    /// The browser refused: the page is hidden, a permissions policy forbids it, or the
    /// system saves battery (`NotAllowedError`).
    #[error("the browser would not keep the screen on: {0}")]
    Refused(String),
}

fn wake_lock() -> Result<WakeLock, WakeLockError> {
    let window = web_sys::window().ok_or(WakeLockError::Unsupported)?;
    Reflect::get(&window.navigator(), &JsValue::from_str("wakeLock"))
        .ok()
        .filter(JsValue::is_object)
        .map(JsCast::unchecked_into)
        .ok_or(WakeLockError::Unsupported)
}

/// Whether this page can keep the screen on.
pub fn supported() -> bool {
    wake_lock().is_ok()
}

fn refused(error: &JsValue) -> WakeLockError {
    let field = |key: &str| {
        Reflect::get(error, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    WakeLockError::Refused(format!("{}: {}", field("name"), field("message")))
}

/// Asks for a screen wake lock.
async fn request() -> Result<WakeLockSentinel, WakeLockError> {
    let promise = wake_lock()?.request("screen").map_err(|e| refused(&e))?;
    JsFuture::from(promise)
        .await
        .map(JsCast::unchecked_into)
        .map_err(|e| refused(&e))
}

fn document() -> Option<Document> {
    web_sys::window().and_then(|w| w.document())
}

/// What a [`KeepAwake`] and its visibility listener share.
#[derive(Default)]
struct Awake {
    /// The lock now held (or last held: the browser may have let it go since).
    held: RefCell<Option<WakeLockSentinel>>,
    /// A request is on its way (so a second one is not sent meanwhile).
    asking: Cell<bool>,
    /// The [`KeepAwake`] was dropped: a lock granted afterwards is let go at once.
    ended: Cell<bool>,
}

impl Awake {
    /// Takes the lock unless it is held or being asked for, or the page is hidden (the browser
    /// refuses then; the page's becoming visible asks again).
    fn take(self: &Rc<Self>) {
        let holding = self.held.borrow().as_ref().is_some_and(|s| !s.released());
        let hidden = document().is_none_or(|d| d.hidden());
        if holding || hidden || self.asking.replace(true) {
            return;
        }
        let awake = self.clone();
        spawn_local(async move {
            let outcome = request().await;
            awake.asking.set(false);
            match outcome {
                Ok(sentinel) if awake.ended.get() => drop(sentinel.release()),
                Ok(sentinel) => *awake.held.borrow_mut() = Some(sentinel),
                Err(e) => gloo::console::warn!(e.to_string()),
            }
        });
    }
}

/// Keeps the screen on for as long as it lives, taking the lock again whenever the page
/// becomes visible; dropping it lets the screen sleep again.
pub struct KeepAwake {
    awake: Rc<Awake>,
    _visibility: EventListener,
}

impl KeepAwake {
    /// Starts keeping the screen on; [`WakeLockError::Unsupported`] where the browser cannot.
    /// A refusal now (a hidden page) is no error: the lock is asked for again on showing.
    pub fn start() -> Result<Self, WakeLockError> {
        wake_lock()?;
        let document = document().ok_or(WakeLockError::Unsupported)?;
        let awake = Rc::new(Awake::default());
        let visibility = {
            let awake = awake.clone();
            EventListener::new(&document, "visibilitychange", move |_| awake.take())
        };
        awake.take();
        Ok(Self {
            awake,
            _visibility: visibility,
        })
    }
}

impl Drop for KeepAwake {
    fn drop(&mut self) {
        self.awake.ended.set(true);
        if let Some(sentinel) = self.awake.held.borrow_mut().take() {
            drop(sentinel.release());
        }
    }
}
