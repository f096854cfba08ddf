//! The data channel between the two browsers: call controls and chat, peer to peer.
//!
//! One `RTCDataChannel` per peer connection, *negotiated* with a pre-agreed id on both sides
//! (`negotiated: true, id: 0`) instead of announced in-band: under perfect negotiation either
//! side may be the one whose offer wins, and a pre-agreed channel exists on both sides whichever
//! it is, with no `datachannel` event to wait for. Nothing here goes through the service.
//!
//! The messages are small JSON objects ([`PeerMessage`]); anything unreadable is ignored (a
//! newer friend may say things this version does not know). A file's bytes never travel here:
//! this channel carries only its offer, answer and outcome, the bytes a channel of their own
//! ([`crate::browser::file_channel`]), so a file never holds up the chat or the controls.

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
/// The longest file name kept, in characters (most file systems stop at 255).
pub const MAX_FILE_NAME_CHARS: usize = 255;

/// A file's SHA-256, sent as 64 lower-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileDigest(pub [u8; 32]);

impl FileDigest {
    /// Reads 64 hex digits; `None` for anything else.
    pub fn parse_hex(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let digit = |c: u8| {
            char::from(c)
                .to_digit(16)
                .and_then(|d| u8::try_from(d).ok())
        };
        let mut digest = [0u8; 32];
        for (byte, pair) in digest.iter_mut().zip(bytes.chunks_exact(2)) {
            *byte = (digit(pair[0])? << 4) | digit(pair[1])?;
        }
        Some(Self(digest))
    }
}

impl Serialize for FileDigest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&shared::to_hex(&self.0))
    }
}

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
    /// The sender offers a file (its bytes follow on a channel of their own once accepted).
    FileOffer {
        /// The transfer, numbered by its sender.
        id: u32,
        /// The file's name.
        name: String,
        /// Its size in bytes.
        size: u64,
    },
    /// The receiver takes the offered file `id`: its channel for the bytes is ready.
    FileAccept {
        /// The sender's transfer number.
        id: u32,
    },
    /// The sender has sent every byte of `id`; this is their SHA-256.
    FileDone {
        /// The sender's transfer number.
        id: u32,
        /// The SHA-256 of the bytes sent.
        sha256: FileDigest,
    },
    /// The sender stops sending `id` (its person cancelled).
    FileCancel {
        /// The sender's transfer number.
        id: u32,
    },
    /// The receiver refuses or stops receiving `id` (its person cancelled, or it is over the
    /// receiver's limit). A message of its own, not [`PeerMessage::FileCancel`]: both sides
    /// number their own transfers, so a number alone would not say whose transfer it is.
    FileDecline {
        /// The sender's transfer number.
        id: u32,
    },
    /// The receiver checked every byte of `id` against the sender's SHA-256.
    FileReceived {
        /// The sender's transfer number.
        id: u32,
        /// Whether the hashes matched (if not, the file is not kept).
        intact: bool,
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
    id: Option<u32>,
    name: Option<String>,
    size: Option<u64>,
    sha256: Option<String>,
    intact: Option<bool>,
}

/// The `type` of a [`PeerMessage`].
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum PeerType {
    Media,
    Chat,
    Bye,
    Uplink,
    FileOffer,
    FileAccept,
    FileDone,
    FileCancel,
    FileDecline,
    FileReceived,
}

/// A message without a field its type needs (or with one unreadable).
#[derive(Debug, thiserror::Error)]
#[error("a peer message without a field its type needs")]
struct MissingField;

impl TryFrom<PeerFrame> for PeerMessage {
    type Error = MissingField;

    fn try_from(frame: PeerFrame) -> Result<Self, MissingField> {
        let id = frame.id.ok_or(MissingField);
        Ok(match frame.kind {
            PeerType::Media => Self::Media {
                mic: frame.mic.ok_or(MissingField)?,
                camera: frame.camera.ok_or(MissingField)?,
            },
            PeerType::Chat => Self::Chat {
                text: frame.text.ok_or(MissingField)?,
            },
            PeerType::Bye => Self::Bye,
            PeerType::Uplink => Self::Uplink {
                grade: frame.grade.ok_or(MissingField)?,
            },
            PeerType::FileOffer => Self::FileOffer {
                id: id?,
                name: frame.name.ok_or(MissingField)?,
                size: frame.size.ok_or(MissingField)?,
            },
            PeerType::FileAccept => Self::FileAccept { id: id? },
            PeerType::FileDone => Self::FileDone {
                id: id?,
                sha256: frame
                    .sha256
                    .as_deref()
                    .and_then(FileDigest::parse_hex)
                    .ok_or(MissingField)?,
            },
            PeerType::FileCancel => Self::FileCancel { id: id? },
            PeerType::FileDecline => Self::FileDecline { id: id? },
            PeerType::FileReceived => Self::FileReceived {
                id: id?,
                intact: frame.intact.ok_or(MissingField)?,
            },
        })
    }
}

impl PeerMessage {
    /// Reads a message; `None` for anything malformed, unknown or oversized.
    pub fn parse(text: &str) -> Option<Self> {
        let message: Self = serde_json::from_str(text).ok()?;
        match &message {
            Self::Chat { text } if text.chars().count() > MAX_CHAT_CHARS => None,
            Self::FileOffer { name, .. }
                if name.trim().is_empty() || name.chars().count() > MAX_FILE_NAME_CHARS =>
            {
                None
            }
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
    fn file_messages_round_trip_as_json() {
        let digest = FileDigest([0xab; 32]);
        let cases = [
            (
                PeerMessage::FileOffer {
                    id: 7,
                    name: "notes.pdf".into(),
                    size: 20_000_000_000,
                },
                r#"{"type":"file_offer","id":7,"name":"notes.pdf","size":20000000000}"#.to_owned(),
            ),
            (
                PeerMessage::FileAccept { id: 7 },
                r#"{"type":"file_accept","id":7}"#.to_owned(),
            ),
            (
                PeerMessage::FileDone {
                    id: 7,
                    sha256: digest,
                },
                format!(
                    r#"{{"type":"file_done","id":7,"sha256":"{}"}}"#,
                    "ab".repeat(32)
                ),
            ),
            (
                PeerMessage::FileCancel { id: 7 },
                r#"{"type":"file_cancel","id":7}"#.to_owned(),
            ),
            (
                PeerMessage::FileDecline { id: 7 },
                r#"{"type":"file_decline","id":7}"#.to_owned(),
            ),
            (
                PeerMessage::FileReceived {
                    id: 7,
                    intact: false,
                },
                r#"{"type":"file_received","id":7,"intact":false}"#.to_owned(),
            ),
        ];
        for (message, wire) in cases {
            assert_eq!(serde_json::to_string(&message).unwrap_or_default(), wire);
            assert_eq!(PeerMessage::parse(&wire), Some(message));
        }
    }

    #[wasm_bindgen_test]
    fn malformed_file_messages_are_ignored() {
        for wire in [
            r#"{"type":"file_offer","id":1,"name":"a.txt"}"#.to_owned(),
            r#"{"type":"file_offer","id":1,"name":"   ","size":3}"#.to_owned(),
            r#"{"type":"file_offer","id":-1,"name":"a.txt","size":3}"#.to_owned(),
            r#"{"type":"file_offer","id":1,"name":"a.txt","size":-3}"#.to_owned(),
            format!(
                r#"{{"type":"file_offer","id":1,"name":"{}","size":3}}"#,
                "x".repeat(MAX_FILE_NAME_CHARS + 1)
            ),
            r#"{"type":"file_accept"}"#.to_owned(),
            r#"{"type":"file_done","id":1,"sha256":"abc"}"#.to_owned(),
            format!(
                r#"{{"type":"file_done","id":1,"sha256":"{}"}}"#,
                "zz".repeat(32)
            ),
            r#"{"type":"file_received","id":1}"#.to_owned(),
        ] {
            assert_eq!(PeerMessage::parse(&wire), None, "{wire}");
        }
        assert_eq!(
            FileDigest::parse_hex(&"0F".repeat(32)),
            Some(FileDigest([0x0f; 32]))
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
