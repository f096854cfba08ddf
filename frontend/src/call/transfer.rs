//! Files sent to the friend and received from them, pure: each transfer's state, its byte
//! count and its SHA-256, with no browser object in sight, so every rule is tested on its own.
//! [`crate::call::session`] runs them against the channels, the picked file and the Blob.
//!
//! The exchange (over the call's control channel, [`PeerMessage`]):
//! - the sender offers (`file_offer`: number, name, size); the receiver accepts
//!   (`file_accept`) or declines (`file_decline`, e.g. over its limit);
//! - the bytes go over a data channel of their own; then the sender says it is done, with the
//!   SHA-256 of what it sent (`file_done`);
//! - the receiver hashes what arrives as it arrives and, once it has every byte and the
//!   sender's hash, compares the two and says so (`file_received`, intact or not). Only an
//!   intact file is ever offered for download;
//! - either side may stop at any moment: `file_cancel` from the sender, `file_decline` from the
//!   receiver; both then drop what they hold.
//!
//! [`PeerMessage`]: crate::browser::channel::PeerMessage

use sha2::{Digest, Sha256};

use crate::browser::channel::FileDigest;

/// Which way a file goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// This person sends it.
    Outgoing,
    /// The friend sends it.
    Incoming,
}

/// Who stopped a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// This person.
    Me,
    /// The friend.
    Friend,
}

/// Why a transfer failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// What arrived is not what was sent: the SHA-256 did not match, or more bytes came than
    /// offered. Nothing is kept.
    Damaged,
    /// The file is over the receiver's limit (`max` bytes).
    TooLarge {
        /// The receiver's limit, in bytes.
        max: u64,
    },
    /// The connection to the friend ended first.
    ConnectionLost,
    /// A browser could not read the file (the sender's: moved, deleted, no longer allowed) or
    /// keep it (the receiver's).
    Unreadable,
}

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Outgoing: offered, waiting for the friend's answer.
    Offered,
    /// Outgoing: `sent` bytes handed to the channel so far.
    Sending {
        /// Bytes sent.
        sent: u64,
    },
    /// Outgoing: every byte sent; waiting for the friend's check.
    Sent,
    /// Incoming: `received` bytes so far; the sender's hash once it told it.
    Receiving {
        /// Bytes received.
        received: u64,
        /// The SHA-256 the sender announced (`file_done`), once it did.
        expected: Option<FileDigest>,
    },
    /// Arrived intact (checked by the receiver).
    Done,
    /// Stopped by one side.
    Cancelled(Who),
    /// Failed.
    Failed(Failure),
}

/// What the receiver's check found, once it has every byte and the sender's hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Not yet: bytes or the sender's hash still to come.
    Pending,
    /// Every byte, and their SHA-256 matches the sender's: the file may be offered.
    Intact,
    /// The hash did not match, or too many bytes came: the file is dropped.
    Damaged,
}

/// One file on its way.
#[derive(Debug, Clone)]
pub struct Transfer {
    id: u32,
    direction: Direction,
    name: String,
    size: u64,
    phase: Phase,
    hash: Sha256,
}

impl Transfer {
    /// A file this person offers.
    pub fn outgoing(id: u32, name: &str, size: u64) -> Self {
        Self::new(id, Direction::Outgoing, name, size, Phase::Offered)
    }

    /// A file the friend offers, taken: its bytes may come.
    pub fn incoming(id: u32, name: &str, size: u64) -> Self {
        let phase = Phase::Receiving {
            received: 0,
            expected: None,
        };
        Self::new(id, Direction::Incoming, name, size, phase)
    }

    /// A file the friend offered that is over this side's limit: refused at once.
    pub fn refused(id: u32, name: &str, size: u64, max: u64) -> Self {
        let phase = Phase::Failed(Failure::TooLarge { max });
        Self::new(id, Direction::Incoming, name, size, phase)
    }

    fn new(id: u32, direction: Direction, name: &str, size: u64, phase: Phase) -> Self {
        Self {
            id,
            direction,
            name: name.to_owned(),
            size,
            phase,
            hash: Sha256::new(),
        }
    }

    /// The sender's number for it.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Which way it goes.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The file's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Where it stands.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Whether it is still under way (neither done, cancelled nor failed).
    pub fn is_active(&self) -> bool {
        matches!(
            self.phase,
            Phase::Offered | Phase::Sending { .. } | Phase::Sent | Phase::Receiving { .. }
        )
    }

    /// How far it is, 0 to 100 (a file of no bytes is all there at once).
    pub fn percent(&self) -> u8 {
        let done = match self.phase {
            Phase::Offered | Phase::Cancelled(_) | Phase::Failed(_) => 0,
            Phase::Sending { sent } => sent,
            Phase::Receiving { received, .. } => received,
            Phase::Sent | Phase::Done => return 100,
        };
        match self.size {
            0 => 100,
            size => u8::try_from(done.min(size).saturating_mul(100) / size).unwrap_or(100),
        }
    }

    /// Outgoing: the friend accepted; sending starts. `false` if it was not waiting for that.
    pub fn accept(&mut self) -> bool {
        if self.phase != Phase::Offered {
            return false;
        }
        self.phase = Phase::Sending { sent: 0 };
        true
    }

    /// Outgoing: `bytes` were handed to the channel. `false` if it is no longer sending
    /// (cancelled meanwhile): the sender stops.
    pub fn sent(&mut self, bytes: &[u8]) -> bool {
        let Phase::Sending { sent } = self.phase else {
            return false;
        };
        self.hash.update(bytes);
        self.phase = Phase::Sending {
            sent: sent.saturating_add(bytes.len() as u64),
        };
        true
    }

    /// Outgoing: every byte is out. The SHA-256 to tell the friend, if it was sending them all.
    pub fn finish_sending(&mut self) -> Option<FileDigest> {
        match self.phase {
            Phase::Sending { sent } if sent == self.size => {
                self.phase = Phase::Sent;
                Some(digest(&self.hash))
            }
            _ => None,
        }
    }

    /// Outgoing: the friend's check. `false` if it was not waiting for one.
    pub fn checked(&mut self, intact: bool) -> bool {
        if self.phase != Phase::Sent {
            return false;
        }
        self.phase = if intact {
            Phase::Done
        } else {
            Phase::Failed(Failure::Damaged)
        };
        true
    }

    /// Incoming: `bytes` arrived. [`Check::Pending`] while more is due (or while it is not
    /// receiving: a chunk still in flight after a cancel); more bytes than offered make it
    /// [`Check::Damaged`].
    pub fn receive(&mut self, bytes: &[u8]) -> Check {
        let Phase::Receiving { received, expected } = self.phase else {
            return Check::Pending;
        };
        let received = received.saturating_add(bytes.len() as u64);
        if received > self.size {
            self.phase = Phase::Failed(Failure::Damaged);
            return Check::Damaged;
        }
        self.hash.update(bytes);
        self.phase = Phase::Receiving { received, expected };
        self.check()
    }

    /// Incoming: the sender is done and announced this SHA-256.
    pub fn sender_done(&mut self, digest: FileDigest) -> Check {
        let Phase::Receiving { received, .. } = self.phase else {
            return Check::Pending;
        };
        self.phase = Phase::Receiving {
            received,
            expected: Some(digest),
        };
        self.check()
    }

    /// Compares, once every byte and the sender's hash are here.
    fn check(&mut self) -> Check {
        let Phase::Receiving {
            received,
            expected: Some(expected),
        } = self.phase
        else {
            return Check::Pending;
        };
        if received < self.size {
            return Check::Pending;
        }
        let actual = digest(&self.hash);
        if actual == expected {
            self.phase = Phase::Done;
            Check::Intact
        } else {
            self.phase = Phase::Failed(Failure::Damaged);
            Check::Damaged
        }
    }

    /// Incoming: checked, but the browser could not keep it; it fails.
    pub fn not_kept(&mut self) {
        if self.phase == Phase::Done && self.direction == Direction::Incoming {
            self.phase = Phase::Failed(Failure::Unreadable);
        }
    }

    /// Stops it (`by` whom). `false` if it was over already.
    pub fn cancel(&mut self, by: Who) -> bool {
        if !self.is_active() {
            return false;
        }
        self.phase = Phase::Cancelled(by);
        true
    }

    /// It failed (the connection ended, the file could not be read). `false` if it was over
    /// already.
    pub fn fail(&mut self, why: Failure) -> bool {
        if !self.is_active() {
            return false;
        }
        self.phase = Phase::Failed(why);
        true
    }
}

/// The SHA-256 of what `hash` has seen so far.
fn digest(hash: &Sha256) -> FileDigest {
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&hash.clone().finalize());
    FileDigest(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn digest_of(bytes: &[u8]) -> FileDigest {
        let mut hash = Sha256::new();
        hash.update(bytes);
        digest(&hash)
    }

    #[wasm_bindgen_test]
    fn an_outgoing_file_is_offered_sent_in_chunks_and_confirmed() {
        let file: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let mut transfer = Transfer::outgoing(1, "a.bin", 1000);
        assert_eq!(transfer.phase(), Phase::Offered);
        assert!(
            !transfer.sent(&file[..10]),
            "nothing goes before the friend accepts"
        );
        assert_eq!(transfer.finish_sending(), None);
        assert!(transfer.accept());
        assert!(!transfer.accept(), "accepted once");
        for chunk in file.chunks(300) {
            assert!(transfer.sent(chunk));
        }
        assert_eq!(transfer.percent(), 100);
        assert_eq!(transfer.finish_sending(), Some(digest_of(&file)));
        assert_eq!(transfer.phase(), Phase::Sent);
        assert!(transfer.is_active(), "until the friend has checked it");
        assert!(transfer.checked(true));
        assert_eq!(transfer.phase(), Phase::Done);
        assert!(!transfer.cancel(Who::Me), "over already");
    }

    #[wasm_bindgen_test]
    fn the_sender_learns_when_the_friend_found_it_damaged() {
        let mut transfer = Transfer::outgoing(1, "a.bin", 3);
        assert!(transfer.accept());
        assert!(transfer.sent(b"abc"));
        assert!(transfer.finish_sending().is_some());
        assert!(transfer.checked(false));
        assert_eq!(transfer.phase(), Phase::Failed(Failure::Damaged));
    }

    #[wasm_bindgen_test]
    fn an_incoming_file_is_offered_only_when_its_hash_matches() {
        let file = b"the quick brown fox".to_vec();
        // Bytes first, then the hash...
        let mut transfer = Transfer::incoming(3, "fox.txt", file.len() as u64);
        assert_eq!(transfer.receive(&file[..4]), Check::Pending);
        assert_eq!(transfer.percent(), 21);
        assert_eq!(transfer.receive(&file[4..]), Check::Pending, "no hash yet");
        assert_eq!(transfer.sender_done(digest_of(&file)), Check::Intact);
        assert_eq!(transfer.phase(), Phase::Done);
        // ...or the hash first (it travels on another channel, and may overtake the bytes).
        let mut transfer = Transfer::incoming(4, "fox.txt", file.len() as u64);
        assert_eq!(transfer.sender_done(digest_of(&file)), Check::Pending);
        assert_eq!(transfer.receive(&file), Check::Intact);
    }

    #[wasm_bindgen_test]
    fn wrong_bytes_fail_the_check_and_nothing_is_offered() {
        let sent = b"the quick brown fox".to_vec();
        let mut corrupted = sent.clone();
        corrupted[7] ^= 0x01;
        let mut transfer = Transfer::incoming(5, "fox.txt", sent.len() as u64);
        assert_eq!(transfer.receive(&corrupted), Check::Pending);
        assert_eq!(transfer.sender_done(digest_of(&sent)), Check::Damaged);
        assert_eq!(transfer.phase(), Phase::Failed(Failure::Damaged));
        assert!(!transfer.is_active());
        // Nothing more changes it.
        assert_eq!(transfer.receive(b"x"), Check::Pending);
        assert!(!transfer.cancel(Who::Friend));
        assert_eq!(transfer.phase(), Phase::Failed(Failure::Damaged));
    }

    #[wasm_bindgen_test]
    fn more_bytes_than_offered_are_damage() {
        let mut transfer = Transfer::incoming(6, "a.bin", 4);
        assert_eq!(transfer.receive(b"abc"), Check::Pending);
        assert_eq!(transfer.receive(b"de"), Check::Damaged);
        assert_eq!(transfer.phase(), Phase::Failed(Failure::Damaged));
    }

    #[wasm_bindgen_test]
    fn an_empty_file_needs_only_the_hash() {
        let mut transfer = Transfer::incoming(7, "empty", 0);
        assert_eq!(transfer.percent(), 100);
        assert_eq!(transfer.sender_done(digest_of(b"")), Check::Intact);
        let mut outgoing = Transfer::outgoing(7, "empty", 0);
        assert!(outgoing.accept());
        assert_eq!(outgoing.finish_sending(), Some(digest_of(b"")));
    }

    #[wasm_bindgen_test]
    fn either_side_may_cancel_while_it_is_under_way() {
        let mut sending = Transfer::outgoing(1, "a.bin", 10);
        assert!(sending.accept());
        assert!(sending.sent(b"abcde"));
        assert!(sending.cancel(Who::Friend));
        assert_eq!(sending.phase(), Phase::Cancelled(Who::Friend));
        assert!(!sending.sent(b"fghij"), "the sender stops");
        assert_eq!(sending.finish_sending(), None);
        assert!(!sending.checked(true));

        let mut receiving = Transfer::incoming(1, "a.bin", 10);
        assert_eq!(receiving.receive(b"abc"), Check::Pending);
        assert!(receiving.cancel(Who::Me));
        assert_eq!(
            receiving.receive(b"defghij"),
            Check::Pending,
            "late chunks are dropped"
        );
        assert_eq!(
            receiving.sender_done(digest_of(b"abcdefghij")),
            Check::Pending
        );
        assert_eq!(receiving.phase(), Phase::Cancelled(Who::Me));
        assert_eq!(receiving.percent(), 0);

        let mut lost = Transfer::incoming(2, "b.bin", 10);
        assert!(lost.fail(Failure::ConnectionLost));
        assert!(!lost.fail(Failure::Unreadable), "the first reason stays");
        assert_eq!(lost.phase(), Phase::Failed(Failure::ConnectionLost));
    }

    #[wasm_bindgen_test]
    fn an_offer_over_the_limit_is_refused_as_it_comes() {
        let refused = Transfer::refused(9, "huge.iso", 5_000_000_000, 2_000_000_000);
        assert_eq!(
            refused.phase(),
            Phase::Failed(Failure::TooLarge { max: 2_000_000_000 })
        );
        assert!(!refused.is_active());
    }
}
