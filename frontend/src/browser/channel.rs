//! The data channel between the two browsers: call controls and chat, peer to peer.
//!
//! One `RTCDataChannel` per peer connection, *negotiated* with a pre-agreed id on both sides
//! (`negotiated: true, id: 0`) instead of announced in-band: under perfect negotiation either
//! side may be the one whose offer wins, and a pre-agreed channel exists on both sides whichever
//! it is, with no `datachannel` event to wait for. Nothing here goes through the service.
//!
//! The messages are small JSON objects ([`PeerMessage`]); anything unreadable is ignored (a
//! newer friend may say things this version does not know).

use crate::browser::stats::Grade;
use gloo::events::EventListener;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use web_sys::{
    MessageEvent, RtcDataChannel, RtcDataChannelInit, RtcDataChannelState, RtcPeerConnection,
};

/// The channel's pre-agreed SCTP stream id.
const CHANNEL_ID: u16 = 0;
/// The channel's label (informational; the id is what pairs the two ends).
const CHANNEL_LABEL: &str = "duet";
/// The longest chat message kept, in characters: a message is a line in a chat, not a file.
pub const MAX_CHAT_CHARS: usize = 2_000;

/// What one browser tells the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "PeerFrame")]
pub enum PeerMessage {
    /// Whether the sender's microphone and camera are on (sent on open and on every change).
    Media {
        /// The microphone is on (not muted).
        mic: bool,
        /// The camera is on.
        camera: bool,
    },
    /// A chat message.
    Chat {
        /// What was written.
        text: String,
    },
    /// The sender hung up: it pressed Leave, or its page is going away (closed, reloaded).
    ///
    /// The service tells the friend too, but a page torn down can lose its goodbye to the
    /// service (Chromium may end the WebSocket without its close frame, and the service can
    /// then only say the connection was lost); this one goes first, peer to peer, on the
    /// connection's own ordered, reliable channel, ahead of the connection's closing.
    Bye,
    /// How well the sender can send, by its browser's estimate (sent on open and on every
    /// change): the friend's indicator shows the weaker link.
    Uplink {
        /// The sender's uplink.
        grade: Grade,
    },
}

/// A [`PeerMessage`] as it is on the wire: every type's fields, each optional, and the
/// `type`. Decoded flat because serde's decoder for a tagged enum buffers the message and
/// decodes it twice, which costs the app's download more than this does.
#[derive(Deserialize)]
struct PeerFrame {
    #[serde(rename = "type")]
    kind: PeerType,
    mic: Option<bool>,
    camera: Option<bool>,
    text: Option<String>,
    grade: Option<Grade>,
}

/// The `type` of a [`PeerMessage`].
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum PeerType {
    Media,
    Chat,
    Bye,
    Uplink,
}

/// A message without a field its type needs.
#[derive(Debug, thiserror::Error)]
#[error("a peer message without a field its type needs")]
struct MissingField;

impl TryFrom<PeerFrame> for PeerMessage {
    type Error = MissingField;

    fn try_from(frame: PeerFrame) -> Result<Self, MissingField> {
        match (frame.kind, frame.mic, frame.camera, frame.text, frame.grade) {
            (PeerType::Media, Some(mic), Some(camera), _, _) => Ok(Self::Media { mic, camera }),
            (PeerType::Chat, _, _, Some(text), _) => Ok(Self::Chat { text }),
            (PeerType::Bye, ..) => Ok(Self::Bye),
            (PeerType::Uplink, _, _, _, Some(grade)) => Ok(Self::Uplink { grade }),
            _ => Err(MissingField),
        }
    }
}

impl PeerMessage {
    /// Reads a message; `None` for anything malformed, unknown or oversized.
    pub fn parse(text: &str) -> Option<Self> {
        let message: Self = serde_json::from_str(text).ok()?;
        match &message {
            Self::Chat { text } if text.chars().count() > MAX_CHAT_CHARS => None,
            _ => Some(message),
        }
    }
}

/// What the channel reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelEvent {
    /// The channel opened: the friend can hear us now.
    Open,
    /// The friend said something.
    Message(PeerMessage),
}

/// A message could not be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// The channel is not open (not connected yet, or already closed).
    #[error("the connection to your friend is not open")]
    NotOpen,
    /// The browser refused to send.
    #[error("the browser could not send: {0}")]
    Browser(String),
}

/// The data channel of one peer connection. Dropping it stops listening.
pub struct DataChannel {
    channel: RtcDataChannel,
    _listeners: [EventListener; 2],
}

impl DataChannel {
    /// Creates the pre-agreed channel on `pc`; `on_event` hears it open and receive.
    pub fn open(pc: &RtcPeerConnection, on_event: impl Fn(ChannelEvent) + 'static) -> Self {
        let init = RtcDataChannelInit::new();
        init.set_negotiated(true);
        init.set_id(CHANNEL_ID);
        let channel = pc.create_data_channel_with_data_channel_dict(CHANNEL_LABEL, &init);
        let on_event = std::rc::Rc::new(on_event);
        let on_open = EventListener::new(&channel, "open", {
            let on_event = on_event.clone();
            move |_| on_event(ChannelEvent::Open)
        });
        let on_message = EventListener::new(&channel, "message", move |event| {
            let text = event
                .dyn_ref::<MessageEvent>()
                .and_then(|e| e.data().as_string());
            if let Some(message) = text.as_deref().and_then(PeerMessage::parse) {
                on_event(ChannelEvent::Message(message));
            }
        });
        Self {
            channel,
            _listeners: [on_open, on_message],
        }
    }

    /// Whether messages can be sent now.
    pub fn is_open(&self) -> bool {
        self.channel.ready_state() == RtcDataChannelState::Open
    }

    /// Sends a message to the friend.
    pub fn send(&self, message: &PeerMessage) -> Result<(), ChannelError> {
        if !self.is_open() {
            return Err(ChannelError::NotOpen);
        }
        let text =
            serde_json::to_string(message).map_err(|e| ChannelError::Browser(e.to_string()))?;
        self.channel
            .send_with_str(&text)
            .map_err(|e| ChannelError::Browser(format!("{e:?}")))
    }
}

impl Drop for DataChannel {
    fn drop(&mut self) {
        self.channel.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn messages_round_trip_as_json() {
        let media = PeerMessage::Media {
            mic: false,
            camera: true,
        };
        let text = serde_json::to_string(&media).unwrap_or_default();
        assert_eq!(text, r#"{"type":"media","mic":false,"camera":true}"#);
        assert_eq!(PeerMessage::parse(&text), Some(media));
        let chat = PeerMessage::Chat {
            text: "hola".into(),
        };
        let text = serde_json::to_string(&chat).unwrap_or_default();
        assert_eq!(PeerMessage::parse(&text), Some(chat));
        let bye = serde_json::to_string(&PeerMessage::Bye).unwrap_or_default();
        assert_eq!(bye, r#"{"type":"bye"}"#);
        assert_eq!(PeerMessage::parse(&bye), Some(PeerMessage::Bye));
        let uplink = PeerMessage::Uplink { grade: Grade::Poor };
        let text = serde_json::to_string(&uplink).unwrap_or_default();
        assert_eq!(text, r#"{"type":"uplink","grade":"poor"}"#);
        assert_eq!(PeerMessage::parse(&text), Some(uplink));
        assert_eq!(
            PeerMessage::parse(r#"{"type":"uplink","grade":"awful"}"#),
            None
        );
    }

    #[wasm_bindgen_test]
    fn unknown_malformed_or_oversized_messages_are_ignored() {
        assert_eq!(PeerMessage::parse(r#"{"type":"dance"}"#), None);
        assert_eq!(PeerMessage::parse("not json"), None);
        assert_eq!(PeerMessage::parse(r#"{"type":"media","mic":true}"#), None);
        assert_eq!(PeerMessage::parse(r#"{"type":"chat","mic":true}"#), None);
        let long = "x".repeat(MAX_CHAT_CHARS + 1);
        let text = serde_json::to_string(&PeerMessage::Chat { text: long }).unwrap_or_default();
        assert_eq!(PeerMessage::parse(&text), None);
    }
}
