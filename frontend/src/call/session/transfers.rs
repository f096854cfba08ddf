//! What each file transfer of a session holds in the browser, beside its pure [`Transfer`]:
//! its channel, the picked file, the bytes received so far, the checked file's download. Kept
//! apart from [`super::files`], which runs them, so that the session's state can hold them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::view::FileView;
use crate::browser::file_channel::FileChannel;
use crate::browser::files::{Download, Incoming, PickedFile};
use crate::call::transfer::{Direction, Transfer};

/// One transfer and what it holds in the browser.
pub(super) struct Entry {
    pub(super) transfer: Transfer,
    pub(super) channel: Option<Rc<FileChannel>>,
    /// Outgoing: the file being read.
    pub(super) source: Option<PickedFile>,
    /// Incoming: the bytes so far.
    pub(super) incoming: Option<Incoming>,
    /// Incoming, checked: the file to download.
    pub(super) download: Option<Download>,
    /// The percentage last shown (progress is published only when it changes).
    pub(super) shown: u8,
}

impl Entry {
    pub(super) fn new(transfer: Transfer) -> Self {
        Self {
            transfer,
            channel: None,
            source: None,
            incoming: None,
            download: None,
            shown: 0,
        }
    }

    /// Drops what the transfer held, once it is over.
    pub(super) fn release(&mut self) {
        if !self.transfer.is_active() {
            // Closed now, not when the last holder lets go: the sender's loop holds it too.
            if let Some(channel) = self.channel.take() {
                channel.close();
            }
            self.source = None;
            self.incoming = None;
        }
    }

    pub(super) fn view(&self) -> FileView {
        FileView {
            id: self.transfer.id(),
            direction: self.transfer.direction(),
            name: self.transfer.name().to_owned(),
            size: self.transfer.size(),
            phase: self.transfer.phase(),
            percent: self.transfer.percent(),
            url: self.download.as_ref().map(|d| d.url().to_owned()),
        }
    }
}

impl Drop for Entry {
    /// The session is over: the channel closes now, which also ends a sender's loop waiting
    /// on it (it holds the channel too, and closing the peer connection fires no event on it).
    fn drop(&mut self) {
        if let Some(channel) = self.channel.take() {
            channel.close();
        }
    }
}

/// The transfers of one session.
#[derive(Default)]
pub(super) struct Files {
    pub(super) entries: RefCell<Vec<Entry>>,
    /// This side's number for its next file.
    pub(super) next_id: Cell<u32>,
}

impl Files {
    /// Runs `f` on the transfer `id` going `direction`, then drops what it held if it is
    /// over; `None` if there is no such transfer.
    pub(super) fn with<R>(
        &self,
        direction: Direction,
        id: u32,
        f: impl FnOnce(&mut Entry) -> R,
    ) -> Option<R> {
        let mut entries = self.entries.borrow_mut();
        let entry = entries
            .iter_mut()
            .find(|e| e.transfer.direction() == direction && e.transfer.id() == id)?;
        let result = f(entry);
        entry.release();
        Some(result)
    }
}
