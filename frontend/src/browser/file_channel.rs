//! A file's bytes, peer to peer: one `RTCDataChannel` per transfer (binary, ordered,
//! reliable), beside the call's control channel ([`crate::browser::channel`]), never through
//! the service.
//!
//! Announced in-band (`pc.createDataChannel` by the sender; the receiver gets a `datachannel`
//! event), not negotiated with a pre-agreed id like the control channel. In-band, the browser
//! picks the SCTP stream id by the connection's DTLS role (even on one side, odd on the other,
//! RFC 8832), so both people may start sending files at the same moment without ever picking
//! the same id; pre-agreed ids would need a rule of our own for who takes which, and the
//! perfect-negotiation roles that could decide it may be dealt anew after a service restart
//! while the connection lives on. Opening one needs no renegotiation (the connection's SCTP
//! association exists from the control channel, made with the first offer), so it cannot
//! collide with an offer; an ICE restart keeps the DTLS and SCTP association, and with it
//! every channel; a new peer connection ends every transfer of the old one. The channel is
//! only made once the receiver has accepted the offer, so its `datachannel` event never comes
//! before the offer it belongs to.
//!
//! Backpressure: the sender hands the channel at most [`HIGH_WATER_BYTES`] more than it has
//! sent, then waits for `bufferedamountlow` (the buffer down to [`LOW_WATER_BYTES`]), so a
//! 2 GB file never sits in the browser's send buffer.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use js_sys::{ArrayBuffer, Function, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MessageEvent, RtcDataChannel, RtcDataChannelEvent, RtcDataChannelInit, RtcDataChannelState,
    RtcDataChannelType, RtcPeerConnection,
};

use crate::browser::channel::ChannelError;

/// The bytes of one message: small enough for every browser's data channel (Chromium takes
/// 256 KiB, older Safari and Firefox builds less), big enough to keep the per-message cost low.
pub const CHUNK_BYTES: usize = 64 * 1024;
/// `bufferedAmountLowThreshold`: sending resumes once the buffer is down to this.
pub const LOW_WATER_BYTES: u32 = 256 * 1024;
/// The most the sender lets wait in the channel's buffer.
pub const HIGH_WATER_BYTES: u32 = 1024 * 1024;
/// A file channel's label: this, then the sender's transfer number.
const LABEL_PREFIX: &str = "duet-file-";

/// A channel the friend opened (a `datachannel` event), not taken yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announced(RtcDataChannel);

impl Announced {
    /// The channel of a `datachannel` event.
    pub(crate) fn from_event(event: &web_sys::Event) -> Option<Self> {
        event
            .dyn_ref::<RtcDataChannelEvent>()
            .map(|e| Self(e.channel()))
    }
}

/// One received message's bytes, as the browser holds them.
pub struct Chunk(Uint8Array);

impl Chunk {
    /// A copy of the bytes in this program's memory (to hash them).
    pub fn to_vec(&self) -> Vec<u8> {
        self.0.to_vec()
    }

    /// The browser's own array, for a Blob to take without a copy through wasm.
    pub(crate) fn array(&self) -> &Uint8Array {
        &self.0
    }
}

/// A data channel carrying one file. Dropping it (or [`FileChannel::close`]) closes it, on
/// both sides.
pub struct FileChannel {
    channel: RtcDataChannel,
    id: u32,
    /// Resolves [`FileChannel::ready`]'s wait: called when the channel opens, drains or closes.
    waker: Rc<RefCell<Option<Function>>>,
    listeners: Vec<EventListener>,
}

impl FileChannel {
    /// Opens the channel for this side's transfer `id` on `pc`.
    pub(crate) fn open(pc: &RtcPeerConnection, id: u32) -> Self {
        let init = RtcDataChannelInit::new();
        init.set_ordered(true);
        let label = format!("{LABEL_PREFIX}{id}");
        Self::wrap(
            pc.create_data_channel_with_data_channel_dict(&label, &init),
            id,
        )
    }

    /// The channel the friend opened, with the friend's transfer number its label carries;
    /// `None` for any other channel (closed at once).
    pub fn announced(announced: Announced) -> Option<Self> {
        let channel = announced.0;
        let id = channel
            .label()
            .strip_prefix(LABEL_PREFIX)
            .and_then(|n| n.parse().ok());
        match id {
            Some(id) => Some(Self::wrap(channel, id)),
            None => {
                channel.close();
                None
            }
        }
    }

    fn wrap(channel: RtcDataChannel, id: u32) -> Self {
        channel.set_binary_type(RtcDataChannelType::Arraybuffer);
        channel.set_buffered_amount_low_threshold(LOW_WATER_BYTES);
        let waker: Rc<RefCell<Option<Function>>> = Rc::default();
        let listeners = ["open", "bufferedamountlow", "close", "error"]
            .into_iter()
            .map(|name| {
                let waker = waker.clone();
                EventListener::new(&channel, name, move |_| wake(&waker))
            })
            .collect();
        Self {
            channel,
            id,
            waker,
            listeners,
        }
    }

    /// The sender's transfer number.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Calls `on_chunk` with each binary message that arrives.
    pub fn on_chunk(&mut self, on_chunk: impl Fn(Chunk) + 'static) {
        self.listeners
            .push(EventListener::new(&self.channel, "message", move |event| {
                let bytes = event
                    .dyn_ref::<MessageEvent>()
                    .and_then(|e| e.data().dyn_into::<ArrayBuffer>().ok());
                if let Some(buffer) = bytes {
                    on_chunk(Chunk(Uint8Array::new(&buffer)));
                }
            }));
    }

    /// Waits until the channel is open and its buffer has room ([`HIGH_WATER_BYTES`]); an
    /// error once it is closing or closed.
    pub async fn ready(&self) -> Result<(), ChannelError> {
        loop {
            match self.channel.ready_state() {
                RtcDataChannelState::Closing | RtcDataChannelState::Closed => {
                    return Err(ChannelError::NotOpen)
                }
                RtcDataChannelState::Open if self.channel.buffered_amount() <= HIGH_WATER_BYTES => {
                    return Ok(())
                }
                _ => {}
            }
            let waker = self.waker.clone();
            let wait = Promise::new(&mut |resolve, _| *waker.borrow_mut() = Some(resolve));
            let _ = JsFuture::from(wait).await;
        }
    }

    /// Bytes handed to the channel and not sent yet (`bufferedAmount`).
    pub fn buffered(&self) -> u32 {
        self.channel.buffered_amount()
    }

    /// Whether the channel is closed (by either end).
    pub fn is_closed(&self) -> bool {
        self.channel.ready_state() == RtcDataChannelState::Closed
    }

    /// Sends one chunk (at most [`CHUNK_BYTES`]).
    pub fn send(&self, bytes: &[u8]) -> Result<(), ChannelError> {
        if self.channel.ready_state() != RtcDataChannelState::Open {
            return Err(ChannelError::NotOpen);
        }
        self.channel
            .send_with_u8_array(bytes)
            .map_err(|e| ChannelError::Browser(format!("{e:?}")))
    }

    /// Closes the channel (the friend's end closes too); a [`FileChannel::ready`] waiting
    /// returns its error.
    pub fn close(&self) {
        self.channel.close();
        wake(&self.waker);
    }
}

impl Drop for FileChannel {
    fn drop(&mut self) {
        self.close();
    }
}

fn wake(waker: &RefCell<Option<Function>>) {
    if let Some(resolve) = waker.borrow_mut().take() {
        let _ = resolve.call0(&JsValue::UNDEFINED);
    }
}
