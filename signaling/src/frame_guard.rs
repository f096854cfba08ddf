//! Refuses an oversized WebSocket message as soon as the frame header that makes it too big
//! arrives.
//!
//! actix-http's codec (3.20) checks a frame's length against its limit only once the whole
//! frame is buffered, so a client declaring a frame of many gigabytes would make the service
//! buffer it all before being refused; and it limits frames, not messages, so a message in
//! many continuation frames could grow without bound. This wrapper around the request body
//! reads just the frame headers as bytes stream past, adds up the payloads of each data
//! message's frames, and ends the stream with an error when a header takes a message over the
//! limit. The bytes themselves go on to the codec untouched.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use futures_util::Stream;

/// Where the parser is within the stream of frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Collecting a header: `have` bytes of it so far.
    Header { have: usize },
    /// Skipping a payload.
    Payload { remaining: u64 },
    /// An oversized frame was seen; the stream is over.
    Tripped,
}

/// Tracks frame boundaries in a client-to-server WebSocket byte stream.
#[derive(Debug, Clone)]
pub struct FrameSizeCheck {
    max: u64,
    state: State,
    header: [u8; 14],
    /// Payload bytes of the data message in progress (its frames so far, FIN not yet seen).
    message: u64,
}

impl FrameSizeCheck {
    /// A check for frames of at most `max` payload bytes.
    pub fn new(max: usize) -> Self {
        Self {
            max: max as u64,
            state: State::Header { have: 0 },
            header: [0; 14],
            message: 0,
        }
    }

    /// Feeds the next bytes of the stream; `false` once a frame taking its message over the
    /// limit has begun.
    pub fn feed(&mut self, mut bytes: &[u8]) -> bool {
        while !bytes.is_empty() {
            match self.state {
                State::Tripped => return false,
                State::Payload { remaining } => {
                    let skip = remaining.min(bytes.len() as u64);
                    bytes = &bytes[skip as usize..];
                    let remaining = remaining - skip;
                    self.state = if remaining == 0 {
                        State::Header { have: 0 }
                    } else {
                        State::Payload { remaining }
                    };
                }
                State::Header { have } => {
                    self.header[have] = bytes[0];
                    bytes = &bytes[1..];
                    let have = have + 1;
                    self.state = State::Header { have };
                    if let Some(length) = self.header_complete(have) {
                        if !self.count(length) {
                            self.state = State::Tripped;
                            return false;
                        }
                        self.state = if length == 0 {
                            State::Header { have: 0 }
                        } else {
                            State::Payload { remaining: length }
                        };
                    }
                }
            }
        }
        self.state != State::Tripped
    }

    /// Counts a frame of `length` payload bytes, whose header is complete, towards its
    /// message: `false` when that takes the message over the limit. Control frames (which may
    /// come between a message's frames) are messages of their own; a text or binary frame
    /// starts a message, a continuation adds to it, and FIN ends it (RFC 6455 §5.4).
    fn count(&mut self, length: u64) -> bool {
        let opcode = self.header[0] & 0x0f;
        let fin = self.header[0] & 0x80 != 0;
        let control = opcode & 0x08 != 0;
        let before = if opcode == 0 { self.message } else { 0 };
        let total = before.saturating_add(length);
        if !control {
            self.message = if fin { 0 } else { total };
        }
        total <= self.max
    }

    /// The payload length, once `have` bytes make a whole header (RFC 6455 §5.2).
    fn header_complete(&self, have: usize) -> Option<u64> {
        if have < 2 {
            return None;
        }
        let masked = self.header[1] & 0x80 != 0;
        let short = self.header[1] & 0x7f;
        let extended = match short {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        let needed = 2 + extended + if masked { 4 } else { 0 };
        if have < needed {
            return None;
        }
        Some(match short {
            126 => u64::from(u16::from_be_bytes([self.header[2], self.header[3]])),
            127 => {
                let mut be = [0u8; 8];
                be.copy_from_slice(&self.header[2..10]);
                u64::from_be_bytes(be)
            }
            n => u64::from(n),
        })
    }
}

/// The request body of a WebSocket connection, cut off at the first oversized frame header.
pub struct FrameGuard<S> {
    inner: S,
    check: FrameSizeCheck,
    /// Raised when the guard cuts the stream, so the session can tell this from other
    /// stream errors and answer `message_too_large` / 1009.
    tripped: Arc<AtomicBool>,
}

impl<S> FrameGuard<S> {
    /// Wraps `inner`, allowing frames of at most `max` payload bytes; `tripped` is raised
    /// when one is bigger.
    pub fn new(inner: S, max: usize, tripped: Arc<AtomicBool>) -> Self {
        Self {
            inner,
            check: FrameSizeCheck::new(max),
            tripped,
        }
    }
}

impl<S> Stream for FrameGuard<S>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.check.state == State::Tripped {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                if self.check.feed(&bytes) {
                    Poll::Ready(Some(Ok(bytes)))
                } else {
                    self.tripped.store(true, Ordering::Relaxed);
                    Poll::Ready(Some(Err(PayloadError::Overflow)))
                }
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A masked client frame header (FIN + text) for a payload of `len` bytes.
    fn header(len: u64) -> Vec<u8> {
        header_with(0x81, len)
    }

    /// A masked client frame header with first byte `first` (FIN bit and opcode).
    fn header_with(first: u8, len: u64) -> Vec<u8> {
        let mut h = vec![first];
        if len < 126 {
            h.push(0x80 | len as u8);
        } else if len <= u64::from(u16::MAX) {
            h.push(0x80 | 126);
            h.extend_from_slice(&(len as u16).to_be_bytes());
        } else {
            h.push(0x80 | 127);
            h.extend_from_slice(&len.to_be_bytes());
        }
        h.extend_from_slice(&[1, 2, 3, 4]);
        h
    }

    fn frame(len: usize) -> Vec<u8> {
        frame_with(0x81, len)
    }

    fn frame_with(first: u8, len: usize) -> Vec<u8> {
        let mut f = header_with(first, len as u64);
        f.extend(std::iter::repeat_n(b'x', len));
        f
    }

    /// First bytes: a text frame without FIN, a continuation without and with it, a ping.
    const TEXT_MORE: u8 = 0x01;
    const CONTINUE_MORE: u8 = 0x00;
    const CONTINUE_LAST: u8 = 0x80;
    const PING: u8 = 0x89;

    #[test]
    fn frames_within_the_limit_pass_in_any_chunking() {
        let stream: Vec<u8> = [
            frame(0),
            frame(5),
            frame(125),
            frame(126),
            frame(1000),
            frame(1000),
        ]
        .concat();
        for chunk in [1, 2, 3, 7, 64, 4096] {
            let mut check = FrameSizeCheck::new(1000);
            assert!(
                stream.chunks(chunk).all(|c| check.feed(c)),
                "chunk size {chunk}"
            );
            assert_eq!(check.state, State::Header { have: 0 });
        }
    }

    #[test]
    fn an_oversized_frame_trips_on_its_header_alone() {
        for len in [1001, 70_000, u64::MAX >> 1] {
            let mut check = FrameSizeCheck::new(1000);
            assert!(check.feed(&frame(10)));
            let h = header(len);
            assert!(
                check.feed(&h[..h.len() - 1]),
                "not yet: the header is incomplete"
            );
            assert!(!check.feed(&h[h.len() - 1..]), "{len}");
            assert!(!check.feed(b"more"));
        }
    }

    #[test]
    fn an_oversized_frame_after_others_in_one_chunk_trips() {
        let stream = [frame(3), frame(1001)].concat();
        let mut check = FrameSizeCheck::new(1000);
        assert!(!check.feed(&stream));
    }

    #[test]
    fn a_message_in_pieces_is_limited_as_a_whole() {
        // 400 + 400 + 200 = 1000 fits, with a ping between its pieces counted apart; then a
        // new message starts from nothing.
        let fits = [
            frame_with(TEXT_MORE, 400),
            frame_with(CONTINUE_MORE, 400),
            frame_with(PING, 100),
            frame_with(CONTINUE_LAST, 200),
            frame_with(TEXT_MORE, 1000),
            frame_with(CONTINUE_LAST, 0),
        ]
        .concat();
        let mut check = FrameSizeCheck::new(1000);
        assert!(check.feed(&fits));
        // One byte more trips on the header of the piece that brings it.
        let mut check = FrameSizeCheck::new(1000);
        assert!(check.feed(&[frame_with(TEXT_MORE, 600), frame_with(CONTINUE_MORE, 400)].concat()));
        let h = header_with(CONTINUE_LAST, 1);
        assert!(
            check.feed(&h[..h.len() - 1]),
            "not yet: the header is incomplete"
        );
        assert!(!check.feed(&h[h.len() - 1..]));
    }
}
