//! The WebSocket to the signaling service: typed messages out and in, and reconnection.
//!
//! The connection is expected to drop (service restarts, network blips, a laptop waking up).
//! When it does, [`Signaling`] reports [`SignalingEvent::Lost`] and dials again after an
//! exponential backoff with jitter, until it is stopped. What to say on a fresh connection
//! (joining the room again) is the caller's business: it gets [`SignalingEvent::Open`].
//!
//! A connection may be opened before anyone listens ([`Signaling::preconnect`], while the
//! person types the room's name), so that joining costs no connection set-up; whoever
//! [`Signaling::attach`]es later learns whether it is open by then.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use shared::{ClientMsg, ErrorCode, ServerMsg};
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, WebSocket};

/// What happens on the signaling connection.
#[derive(Debug, Clone, PartialEq)]
pub enum SignalingEvent {
    /// A (new) connection is open: time to join.
    Open,
    /// A message from the service.
    Message(ServerMsg),
    /// The connection is gone; a new one is on its way.
    Lost,
}

/// A message could not be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// There is no open connection right now (it is reconnecting, or stopped).
    #[error("the signaling connection is not open")]
    NotOpen,
    /// The browser refused to send.
    #[error("the browser could not send: {0}")]
    Browser(String),
}

/// Reconnection delays: 250 ms doubling to at most 5 s, each with jitter, so that after a
/// service restart every browser does not knock at the same instant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backoff {
    attempt: u32,
}

impl Backoff {
    /// The first delay's upper bound.
    pub const BASE: Duration = Duration::from_millis(250);
    /// The largest delay.
    pub const MAX: Duration = Duration::from_secs(5);

    /// The next delay. `random` is uniform in `[0, 1)`; the delay is uniform in the upper
    /// half of the current step ("equal jitter"): never zero, never above the step.
    pub fn next_delay(&mut self, random: f64) -> Duration {
        let step = Self::BASE
            .saturating_mul(1 << self.attempt.min(8))
            .min(Self::MAX);
        self.attempt = self.attempt.saturating_add(1);
        let half = step / 2;
        half + half.mul_f64(random.clamp(0.0, 1.0))
    }

    /// Starts again from the shortest delay (after a connection proved healthy).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

/// One open (or opening) WebSocket and its listeners; dropping it closes the socket quietly.
struct Connection {
    socket: WebSocket,
    _listeners: [EventListener; 3],
    close_on_drop: bool,
}

impl Connection {
    /// Its listeners go; the socket stays open.
    fn into_socket(mut self) -> WebSocket {
        self.close_on_drop = false;
        self.socket.clone()
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // The listeners go with this struct, so the close this causes is not reported.
        if self.close_on_drop {
            let _ = self.socket.close();
        }
    }
}

/// A connection [`Signaling::refresh`] replaced, open until its successor is in the room
/// (`joined`). What the service still says on it counts (a signal it sent just before the
/// takeover), except that it was replaced: that is the point. Its closing is never reported.
struct Retiring {
    socket: WebSocket,
    _on_message: EventListener,
}

impl Retiring {
    fn new(socket: WebSocket, inner: &Rc<Inner>) -> Self {
        let weak = Rc::downgrade(inner);
        let on_message =
            EventListener::new(&socket, "message", move |event| match read_message(event) {
                Some(ServerMsg::Error {
                    code: ErrorCode::SessionReplaced,
                    ..
                })
                | None => {}
                Some(msg) => emit(&weak, SignalingEvent::Message(msg)),
            });
        Self {
            socket,
            _on_message: on_message,
        }
    }
}

impl Drop for Retiring {
    fn drop(&mut self) {
        let _ = self.socket.close();
    }
}

/// Where events go; `None` until someone [`Signaling::attach`]es.
type Listener = Rc<dyn Fn(SignalingEvent)>;

struct Inner {
    url: String,
    on_event: RefCell<Option<Listener>>,
    connection: RefCell<Option<Connection>>,
    /// The connection [`Signaling::refresh`] replaced, if it is still open.
    retiring: RefCell<Option<Retiring>>,
    retry: RefCell<Option<Timeout>>,
    backoff: RefCell<Backoff>,
    stopped: Cell<bool>,
}

/// The signaling client. Dropping it closes the connection and stops reconnecting.
pub struct Signaling {
    inner: Rc<Inner>,
    /// Dials at once when the device comes back online, instead of waiting out the backoff.
    _on_online: Option<EventListener>,
}

impl Signaling {
    /// Connects to `url` and keeps connected until dropped or [`Signaling::stop`]ped.
    /// Events arrive through `on_event`, always from a browser task (never re-entrantly from
    /// a method of this type).
    pub fn connect(url: String, on_event: impl Fn(SignalingEvent) + 'static) -> Self {
        let signaling = Self::preconnect(url);
        // Just dialled: not open yet, so `on_event` hears `Open` when it is.
        signaling.attach(on_event);
        signaling
    }

    /// Connects to `url` (and keeps connected, as [`Signaling::connect`]) before anyone
    /// listens: events are dropped until [`Signaling::attach`].
    pub fn preconnect(url: String) -> Self {
        let inner = Rc::new(Inner {
            url,
            on_event: RefCell::new(None),
            connection: RefCell::new(None),
            retiring: RefCell::new(None),
            retry: RefCell::new(None),
            backoff: RefCell::new(Backoff::default()),
            stopped: Cell::new(false),
        });
        dial(&inner);
        let weak = Rc::downgrade(&inner);
        let on_online = web_sys::window().map(|window| {
            EventListener::new(&window, "online", move |_| {
                let Some(inner) = weak.upgrade() else { return };
                if inner.connection.borrow().is_none() && inner.retry.borrow_mut().take().is_some()
                {
                    inner.backoff.borrow_mut().reset();
                    dial(&inner);
                }
            })
        });
        Self {
            inner,
            _on_online: on_online,
        }
    }

    /// From now on, events go to `on_event`. Returns whether the connection is open already:
    /// then its `Open` went by before, and the caller may send at once.
    pub fn attach(&self, on_event: impl Fn(SignalingEvent) + 'static) -> bool {
        *self.inner.on_event.borrow_mut() = Some(Rc::new(on_event));
        self.inner
            .connection
            .borrow()
            .as_ref()
            .is_some_and(|c| c.socket.ready_state() == WebSocket::OPEN)
    }

    /// Sends a message on the open connection.
    pub fn send(&self, msg: &ClientMsg) -> Result<(), SendError> {
        let connection = self.inner.connection.borrow();
        let socket = match connection.as_ref() {
            Some(c) if c.socket.ready_state() == WebSocket::OPEN => &c.socket,
            _ => return Err(SendError::NotOpen),
        };
        socket
            .send_with_str(&msg.encode())
            .map_err(|e| SendError::Browser(format!("{e:?}")))
    }

    /// Drops the current connection and dials again at once (used to rejoin from scratch).
    pub fn reconnect_now(&self) {
        if self.inner.stopped.get() {
            return;
        }
        self.inner.retry.borrow_mut().take();
        self.inner.connection.borrow_mut().take();
        self.inner.retiring.borrow_mut().take();
        self.inner.backoff.borrow_mut().reset();
        let weak = Rc::downgrade(&self.inner);
        // Dial from a fresh task, so the `Open` that follows never re-enters the caller.
        *self.inner.retry.borrow_mut() = Some(Timeout::new(0, move || {
            if let Some(inner) = weak.upgrade() {
                dial(&inner);
            }
        }));
    }

    /// Opens a new connection now, in case the current one is dead without knowing it (its
    /// address is gone: TCP takes minutes to notice). Make before break: the current one stays
    /// open until the new one has joined (the caller joins on [`SignalingEvent::Open`] with its
    /// resume token), so the service hands this side's place to the newcomer and never hears
    /// it hang up; meanwhile what the service still says on the old one is heard.
    pub fn refresh(&self) {
        if self.inner.stopped.get() {
            return;
        }
        self.inner.retry.borrow_mut().take();
        let current = self.inner.connection.borrow_mut().take();
        // Refreshed twice before the first one joined: the one that holds the place stays.
        if let Some(current) = current.filter(|_| self.inner.retiring.borrow().is_none()) {
            let retiring = Retiring::new(current.into_socket(), &self.inner);
            *self.inner.retiring.borrow_mut() = Some(retiring);
        }
        self.inner.backoff.borrow_mut().reset();
        let weak = Rc::downgrade(&self.inner);
        // Dial from a fresh task, so the `Open` that follows never re-enters the caller.
        *self.inner.retry.borrow_mut() = Some(Timeout::new(0, move || {
            if let Some(inner) = weak.upgrade() {
                dial(&inner);
            }
        }));
    }

    /// Says goodbye (`leave`) and closes for good: the friend hears "hung up" at once rather
    /// than "connection lost" when the service notices the silence.
    pub fn hang_up(&self) {
        // Queued data goes out before the close frame, so the goodbye is not cut off.
        let _ = self.send(&ClientMsg::Leave);
        self.stop();
    }

    /// Closes the connection for good.
    pub fn stop(&self) {
        self.inner.stopped.set(true);
        self.inner.retry.borrow_mut().take();
        self.inner.connection.borrow_mut().take();
        self.inner.retiring.borrow_mut().take();
    }
}

impl Drop for Signaling {
    fn drop(&mut self) {
        self.stop();
    }
}

fn dial(inner: &Rc<Inner>) {
    if inner.stopped.get() {
        return;
    }
    let socket = match WebSocket::new(&inner.url) {
        Ok(socket) => socket,
        Err(e) => {
            gloo::console::error!(format!("cannot open the signaling WebSocket: {e:?}"));
            schedule_retry(inner);
            return;
        }
    };
    let weak = Rc::downgrade(inner);
    let on_open = EventListener::new(&socket, "open", {
        let weak = weak.clone();
        move |_| emit(&weak, SignalingEvent::Open)
    });
    let on_message = EventListener::new(&socket, "message", {
        let weak = weak.clone();
        move |event| {
            let Some(msg) = read_message(event) else {
                return;
            };
            if let Some(inner) = weak.upgrade() {
                // A message means the service is really there: short delays again.
                inner.backoff.borrow_mut().reset();
                // In the room again: the place is this connection's now, and one a refresh
                // replaced can go without sounding like a hang-up.
                if matches!(msg, ServerMsg::Joined { .. }) {
                    inner.retiring.borrow_mut().take();
                }
            }
            emit(&weak, SignalingEvent::Message(msg));
        }
    });
    // `error` is always followed by `close`, so `close` alone drives reconnection.
    let on_close = EventListener::new(&socket, "close", move |_| {
        let Some(inner) = weak.upgrade() else { return };
        inner.connection.borrow_mut().take();
        schedule_retry(&inner);
        if let Some(on_event) = listener(&inner) {
            on_event(SignalingEvent::Lost);
        }
    });
    *inner.connection.borrow_mut() = Some(Connection {
        socket,
        _listeners: [on_open, on_message, on_close],
        close_on_drop: true,
    });
}

/// The service's message in a `message` event; `None` for anything else (a malformed one is
/// logged).
fn read_message(event: &web_sys::Event) -> Option<ServerMsg> {
    let text = event
        .dyn_ref::<MessageEvent>()
        .and_then(|m| m.data().as_string())?;
    ServerMsg::decode(&text)
        .map_err(|e| gloo::console::warn!(format!("ignoring a message from the service: {e}")))
        .ok()
}

fn schedule_retry(inner: &Rc<Inner>) {
    if inner.stopped.get() {
        return;
    }
    let delay = inner
        .backoff
        .borrow_mut()
        .next_delay(js_sys::Math::random());
    let weak = Rc::downgrade(inner);
    let millis = u32::try_from(delay.as_millis()).unwrap_or(u32::MAX);
    *inner.retry.borrow_mut() = Some(Timeout::new(millis, move || {
        if let Some(inner) = weak.upgrade() {
            dial(&inner);
        }
    }));
}

/// The current listener, cloned out so that it may attach another while it runs.
fn listener(inner: &Inner) -> Option<Listener> {
    inner.on_event.borrow().clone()
}

fn emit(weak: &Weak<Inner>, event: SignalingEvent) {
    if let Some(inner) = weak.upgrade() {
        if !inner.stopped.get() {
            if let Some(on_event) = listener(&inner) {
                on_event(event);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn backoff_doubles_from_a_quarter_second_to_five_seconds_with_jitter() {
        let mut backoff = Backoff::default();
        let highs: Vec<u128> = (0..8)
            .map(|_| backoff.next_delay(1.0).as_millis())
            .collect();
        assert_eq!(highs, [250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
        let mut backoff = Backoff::default();
        let lows: Vec<u128> = (0..3)
            .map(|_| backoff.next_delay(0.0).as_millis())
            .collect();
        assert_eq!(lows, [125, 250, 500]);
        backoff.reset();
        assert_eq!(backoff.next_delay(0.5).as_millis(), 187);
        // Many failures in a row do not overflow.
        for _ in 0..100 {
            assert!(backoff.next_delay(0.99) <= Backoff::MAX);
        }
    }
}
