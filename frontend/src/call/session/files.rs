//! The session's file transfers, run against the browser: the pure [`Transfer`]s, each with
//! what it holds in the browser (its channel, the picked file, the bytes received so far, the
//! checked file's download), the sender's read-and-send loop with its backpressure, and the
//! exchange with the friend over the control channel.
//!
//! Whatever a transfer holds goes as soon as it is over: a cancel on either side, a failed
//! check or a lost connection drops the channel (closing it at both ends), the picked file and
//! the bytes received. A received file's download (its object URL) lives as long as the call:
//! the session dropped, every URL is revoked.

use std::rc::{Rc, Weak};

use wasm_bindgen_futures::spawn_local;

use super::state::Inner;
use super::transfers::Entry;
use super::view::SessionUpdate;
use crate::browser::channel::{FileDigest, PeerMessage, MAX_FILE_NAME_CHARS};
use crate::browser::file_channel::{Announced, Chunk, FileChannel, CHUNK_BYTES};
use crate::browser::files::{Incoming, PickedFile};
use crate::call::transfer::{Check, Direction, Failure, Transfer, Who};

/// How much of a picked file is read at a time (then sent in [`CHUNK_BYTES`] messages).
const READ_BYTES: u64 = 1024 * 1024;

/// Why a file was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FileRefusal {
    /// It is over the configured limit (`max` bytes).
    #[error("the file is over the limit of {max} bytes")]
    TooLarge {
        /// The limit, in bytes.
        max: u64,
    },
    /// There is no open connection to the friend.
    #[error("the connection to your friend is not open")]
    NotConnected,
}

/// Tells the interface where every transfer stands.
fn publish(inner: &Inner) {
    let views = inner
        .files
        .entries
        .borrow_mut()
        .iter_mut()
        .map(|entry| {
            entry.shown = entry.transfer.percent();
            entry.view()
        })
        .collect();
    (inner.on_update)(SessionUpdate::Files(views));
}

/// Sends a message to the friend over the control channel; whether it went.
fn tell(inner: &Inner, message: &PeerMessage) -> bool {
    inner
        .peer
        .borrow()
        .as_ref()
        .is_some_and(|(_, peer)| peer.send(message).is_ok())
}

/// Offers `file` to the friend; its bytes go once they accept.
pub(super) fn send_file(inner: &Rc<Inner>, file: PickedFile) -> Result<(), FileRefusal> {
    let max = inner.config.max_file_bytes();
    let size = file.size();
    if size > max {
        return Err(FileRefusal::TooLarge { max });
    }
    let id = inner.files.next_id.get();
    let name: String = file.name().chars().take(MAX_FILE_NAME_CHARS).collect();
    // A file picked without a name (none of the browsers here) still needs one to be offered.
    let name = if name.trim().is_empty() {
        "file".to_owned()
    } else {
        name
    };
    let offer = PeerMessage::FileOffer {
        id,
        name: name.clone(),
        size,
    };
    if !tell(inner, &offer) {
        return Err(FileRefusal::NotConnected);
    }
    inner.files.next_id.set(id.wrapping_add(1));
    let mut entry = Entry::new(Transfer::outgoing(id, &name, size));
    entry.source = Some(file);
    inner.files.entries.borrow_mut().push(entry);
    publish(inner);
    Ok(())
}

/// This person stops transfer `id` going `direction`; the friend is told, both drop it.
pub(super) fn cancel(inner: &Inner, direction: Direction, id: u32) {
    let cancelled = inner
        .files
        .with(direction, id, |entry| entry.transfer.cancel(Who::Me));
    if cancelled == Some(true) {
        let message = match direction {
            Direction::Outgoing => PeerMessage::FileCancel { id },
            Direction::Incoming => PeerMessage::FileDecline { id },
        };
        tell(inner, &message);
        publish(inner);
    }
}

/// A file message from the friend.
pub(super) fn on_message(inner: &Rc<Inner>, message: PeerMessage) {
    match message {
        PeerMessage::FileOffer { id, name, size } => offered(inner, id, &name, size),
        PeerMessage::FileAccept { id } => accepted(inner, id),
        PeerMessage::FileDone { id, sha256 } => sender_done(inner, id, sha256),
        PeerMessage::FileCancel { id } => stopped(inner, Direction::Incoming, id),
        PeerMessage::FileDecline { id } => stopped(inner, Direction::Outgoing, id),
        PeerMessage::FileReceived { id, intact } => {
            let changed = inner.files.with(Direction::Outgoing, id, |entry| {
                entry.transfer.checked(intact)
            });
            if changed == Some(true) {
                publish(inner);
            }
        }
        PeerMessage::Media { .. }
        | PeerMessage::Chat { .. }
        | PeerMessage::Bye
        | PeerMessage::Uplink { .. } => {}
    }
}

/// The friend offers a file: taken, unless it is over this side's limit or a repeat.
fn offered(inner: &Rc<Inner>, id: u32, name: &str, size: u64) {
    let repeat = inner.files.with(Direction::Incoming, id, |_| ()).is_some();
    if repeat {
        return;
    }
    let max = inner.config.max_file_bytes();
    let mut entry = if size > max {
        tell(inner, &PeerMessage::FileDecline { id });
        Entry::new(Transfer::refused(id, name, size, max))
    } else {
        let mut entry = Entry::new(Transfer::incoming(id, name, size));
        entry.incoming = Some(Incoming::default());
        if !tell(inner, &PeerMessage::FileAccept { id }) {
            entry.transfer.fail(Failure::ConnectionLost);
        }
        entry
    };
    entry.release();
    inner.files.entries.borrow_mut().push(entry);
    publish(inner);
}

/// The friend took this side's file `id`: its channel opens and its bytes go.
fn accepted(inner: &Rc<Inner>, id: u32) {
    let channel = inner
        .peer
        .borrow()
        .as_ref()
        .map(|(_, peer)| peer.open_file_channel(id));
    let started = inner.files.with(Direction::Outgoing, id, |entry| {
        if !entry.transfer.accept() {
            return Ok(None);
        }
        match (channel, entry.source.clone()) {
            (Some(Ok(channel)), Some(file)) => {
                let channel = Rc::new(channel);
                entry.channel = Some(channel.clone());
                Ok(Some((file, channel)))
            }
            _ => {
                entry.transfer.fail(Failure::ConnectionLost);
                Err(())
            }
        }
    });
    match started {
        Some(Ok(Some((file, channel)))) => {
            spawn_local(send_bytes(Rc::downgrade(inner), id, file, channel));
        }
        Some(Err(())) => {
            tell(inner, &PeerMessage::FileCancel { id });
        }
        Some(Ok(None)) | None => return,
    }
    publish(inner);
}

/// Reads `file` a slice at a time and sends it in chunks, never more than the channel's high
/// water mark ahead of the network; then tells the friend the bytes' SHA-256.
async fn send_bytes(weak: Weak<Inner>, id: u32, file: PickedFile, channel: Rc<FileChannel>) {
    let size = file.size();
    let mut offset = 0;
    while offset < size {
        let end = (offset + READ_BYTES).min(size);
        let bytes = match file.read(offset, end).await {
            Ok(bytes) => bytes,
            Err(e) => {
                gloo::console::warn!(e.to_string());
                if let Some(inner) = weak.upgrade() {
                    let failed = inner.files.with(Direction::Outgoing, id, |entry| {
                        entry.transfer.fail(Failure::Unreadable)
                    });
                    if failed == Some(true) {
                        tell(&inner, &PeerMessage::FileCancel { id });
                        publish(&inner);
                    }
                }
                return;
            }
        };
        for chunk in bytes.chunks(CHUNK_BYTES) {
            // Closed: cancelled by either side or the connection gone; that path says so.
            if channel.ready().await.is_err() || channel.send(chunk).is_err() {
                return;
            }
        }
        let Some(inner) = weak.upgrade() else { return };
        let progress = inner.files.with(Direction::Outgoing, id, |entry| {
            let sending = entry.transfer.sent(&bytes);
            (sending, entry.transfer.percent() != entry.shown)
        });
        match progress {
            Some((true, moved)) => {
                if moved {
                    publish(&inner);
                }
            }
            _ => return,
        }
        offset = end;
    }
    let Some(inner) = weak.upgrade() else { return };
    let digest = inner
        .files
        .with(Direction::Outgoing, id, |entry| {
            entry.transfer.finish_sending()
        })
        .flatten();
    if let Some(sha256) = digest {
        tell(&inner, &PeerMessage::FileDone { id, sha256 });
        publish(&inner);
    }
}

/// The friend opened the channel for the bytes of their file: it is this side's to read.
pub(super) fn on_channel(inner: &Rc<Inner>, announced: Announced) {
    let Some(mut channel) = FileChannel::announced(announced) else {
        return;
    };
    let id = channel.id();
    let weak = Rc::downgrade(inner);
    channel.on_chunk(move |chunk| {
        if let Some(inner) = weak.upgrade() {
            on_chunk(&inner, id, &chunk);
        }
    });
    // Kept only by a transfer waiting for it; any other is dropped here, which closes it.
    inner.files.with(Direction::Incoming, id, |entry| {
        if entry.transfer.is_active() && entry.channel.is_none() {
            entry.channel = Some(Rc::new(channel));
        }
    });
}

/// Bytes of the friend's file `id` arrived.
fn on_chunk(inner: &Inner, id: u32, chunk: &Chunk) {
    let step = inner.files.with(Direction::Incoming, id, |entry| {
        if !entry.transfer.is_active() {
            return None;
        }
        let check = entry.transfer.receive(&chunk.to_vec());
        if check != Check::Damaged {
            if let Some(incoming) = entry.incoming.as_mut() {
                incoming.push(chunk);
            }
        }
        let moved = entry.transfer.percent() != entry.shown;
        Some((finish(entry, check), moved))
    });
    if let Some(Some((check, moved))) = step {
        conclude(inner, id, check);
        if moved || check != Check::Pending {
            publish(inner);
        }
    }
}

/// The friend sent every byte of `id`, with their SHA-256.
fn sender_done(inner: &Inner, id: u32, sha256: FileDigest) {
    let check = inner.files.with(Direction::Incoming, id, |entry| {
        let check = entry.transfer.sender_done(sha256);
        finish(entry, check)
    });
    if let Some(check) = check {
        conclude(inner, id, check);
        if check != Check::Pending {
            publish(inner);
        }
    }
}

/// Makes the checked file downloadable, or drops damaged bytes.
fn finish(entry: &mut Entry, check: Check) -> Check {
    match check {
        Check::Intact => match entry.incoming.take().map(Incoming::into_download) {
            Some(Ok(download)) => {
                entry.download = Some(download);
                Check::Intact
            }
            _ => {
                entry.transfer.not_kept();
                Check::Damaged
            }
        },
        Check::Damaged => {
            entry.incoming = None;
            Check::Damaged
        }
        Check::Pending => Check::Pending,
    }
}

/// Tells the friend how the check of `id` went.
fn conclude(inner: &Inner, id: u32, check: Check) {
    let intact = match check {
        Check::Pending => return,
        Check::Intact => true,
        Check::Damaged => false,
    };
    tell(inner, &PeerMessage::FileReceived { id, intact });
}

/// The friend stopped transfer `id` going `direction`.
fn stopped(inner: &Inner, direction: Direction, id: u32) {
    let changed = inner
        .files
        .with(direction, id, |entry| entry.transfer.cancel(Who::Friend));
    if changed == Some(true) {
        publish(inner);
    }
}

/// The peer connection is gone (replaced, closed, the call over): every transfer under way
/// fails, and drops what it held.
pub(super) fn connection_gone(inner: &Inner) {
    let mut changed = false;
    for entry in inner.files.entries.borrow_mut().iter_mut() {
        changed |= entry.transfer.fail(Failure::ConnectionLost);
        entry.release();
    }
    if changed {
        publish(inner);
    }
}
