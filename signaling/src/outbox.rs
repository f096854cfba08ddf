//! What waits for a browser that it has not taken yet, counted so that a room can tell a
//! reader that stopped from one that keeps up.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use shared::{RawSignal, ServerMsg};

/// Bytes sent to one session that it has not taken yet.
///
/// actix-web-actors keeps no bound on what waits for a WebSocket: once the browser stops
/// reading, the HTTP layer stops polling the session actor, and every message sent to it
/// (`do_send` ignores mailbox capacity) piles up in its mailbox. The room adds each delivery's
/// size here before sending it and the session takes it off on arrival, so the room sees the
/// pile-up and can drop the session long before memory runs out.
#[derive(Debug, Clone, Default)]
pub struct Outbox(Arc<AtomicUsize>);

impl Outbox {
    /// Counts `bytes` more on their way; answers the total now waiting.
    pub fn add(&self, bytes: usize) -> usize {
        self.0
            .fetch_add(bytes, Ordering::Relaxed)
            .saturating_add(bytes)
    }

    /// Counts `bytes` as taken.
    pub fn take(&self, bytes: usize) {
        // Never below zero, even if a caller miscounts.
        let _ = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(n.saturating_sub(bytes))
            });
    }

    /// Bytes waiting now.
    pub fn waiting(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// What a message for a browser weighs in an [`Outbox`]: its payload plus the envelope, an
/// estimate within a few dozen bytes of the frame sent (encoding it here just to measure
/// would double the relay's work).
pub fn queued_size(msg: &ServerMsg<RawSignal>) -> usize {
    const ENVELOPE: usize = 64;
    match msg {
        ServerMsg::Signal { signal } => signal.0.get().len() + ENVELOPE,
        _ => ENVELOPE,
    }
}
