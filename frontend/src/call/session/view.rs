//! What a session tells the interface: the call view, and the updates that carry it.

use web_sys::MediaStream;

use crate::browser::stats::Quality;
use crate::call::controls::MediaState;
use crate::call::status::{CallStatus, EndReason, Notice};
use crate::call::transfer::{Direction, Phase};
use crate::call::verification::VerificationCode;

/// What the call view shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CallView {
    /// The status line.
    pub status: CallStatus,
    /// The friend's stream, only while the peer connection is connected.
    pub remote: Option<MediaStream>,
    /// A problem worth telling (shown as an alert), if any.
    pub notice: Option<Notice>,
    /// Whether the friend's microphone and camera are on, as they told us over the data
    /// channel; `None` until they did (or while there is no connection).
    pub friend_media: Option<MediaState>,
    /// The connection's quality, measured every second while connected.
    pub quality: Option<Quality>,
    /// The code both people should see, while connected (see [`crate::call::verification`]).
    pub verification: Option<VerificationCode>,
    /// Whether a relay server (TURN) is at hand for this call, configured or handed out with
    /// the join; `None` until the service answered the first join.
    pub relay_offered: Option<bool>,
    /// Whether this side's uplink has been too thin for video for a while ("Audio only" is
    /// worth offering).
    pub thin_uplink: bool,
}

impl CallView {
    /// The view before anything happened.
    pub fn joining() -> Self {
        Self {
            status: CallStatus::Joining,
            remote: None,
            notice: None,
            friend_media: None,
            quality: None,
            verification: None,
            relay_offered: None,
            thin_uplink: false,
        }
    }
}

/// A file transfer, as the interface shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileView {
    /// The sender's number for it (with `direction`, what names it).
    pub id: u32,
    /// Which way it goes.
    pub direction: Direction,
    /// The file's name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Where it stands.
    pub phase: Phase,
    /// How far it is, 0 to 100.
    pub percent: u8,
    /// A received file, checked: its download URL (valid while the call lasts).
    pub url: Option<String>,
}

/// What a session tells the interface.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionUpdate {
    /// The call view changed.
    View(CallView),
    /// The call is over on this page.
    Ended(EndReason),
    /// The friend wrote in the chat.
    Chat(String),
    /// Where every file transfer of the call stands (sent whenever one changes).
    Files(Vec<FileView>),
    /// This side has made its first move in the call (joined alone, or sent its first offer
    /// or answer): the interface may draw what it held back so as not to slow those down.
    /// Sent once.
    Settled,
    /// The friend's media, as soon as its tracks arrive and this side's own offer or answer
    /// is out (before the connection is up), or `None` once it is gone: for the friend's
    /// video element to take at once, with nothing drawn (it shows the first frame the moment
    /// one is decoded, and stays hidden until [`CallView::remote`] is there).
    Incoming(Option<MediaStream>),
}
