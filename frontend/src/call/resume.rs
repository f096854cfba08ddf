//! Which resume token this tab joins a room with.
//!
//! A token is a place in a room: joining with another tab's token takes that tab's place
//! (the service tells it `session_replaced`). So two tabs of one browser profile must not
//! share one, or they could never call each other; yet a reloaded tab, or a closed tab opened
//! again, should get its own place back rather than be told the room is full because of
//! itself.
//!
//! Each tab keeps its own token in `sessionStorage` (it survives a reload), and every token
//! of the profile is also kept in `localStorage` (it outlives a closed tab). While in a call,
//! the tab holds a Web Lock named after its token; the browser drops it when the tab dies. A
//! token whose lock is free belongs to no live tab, so it can be taken; one whose lock is held
//! is another tab's. Without Web Locks only the tab's own token is ever used.

use sha2::{Digest, Sha256};
use shared::{ResumeToken, RoomKey};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;

use crate::browser::locks::{self, HeldLock, Wait};
use crate::browser::storage;

/// How long a reloaded tab waits for the lock of its own token: the old page's lock goes when
/// the browser has torn that page down, which is normally long done, but need not be.
/// A duplicated tab (which copies `sessionStorage`) waits this long before joining afresh.
const OWN_TOKEN_WAIT_MS: u32 = 1_500;

/// The tokens to try, in order, and how long to wait for each one's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// No Web Locks: the tab's own token, if any, unguarded (never another tab's).
    Unguarded(Option<ResumeToken>),
    /// Try each token's lock in order; join with the first one taken, else with none.
    Guarded(Vec<(ResumeToken, Wait)>),
}

/// What to try: this tab's own token first (waiting a little for its lock, which a reload
/// may still be letting go of), then the profile's other tokens (only if free now).
pub fn plan(own: Option<ResumeToken>, shared: &[ResumeToken], locks_supported: bool) -> Plan {
    if !locks_supported {
        return Plan::Unguarded(own);
    }
    let mut tries: Vec<(ResumeToken, Wait)> = own
        .iter()
        .map(|t| (t.clone(), Wait::UpTo(OWN_TOKEN_WAIT_MS)))
        .collect();
    for token in shared {
        if own.as_ref() != Some(token) {
            tries.push((token.clone(), Wait::No));
        }
    }
    Plan::Guarded(tries)
}

/// The Web Lock that marks `token` as a live tab's (named by a hash: lock names are listed by
/// `navigator.locks.query()`, and the token is a credential).
pub fn lock_name(token: &ResumeToken) -> String {
    let digest = Sha256::digest(token.as_str().as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("duet.call.{hex}")
}

/// This tab's place in a room: the token it joins with, and the lock showing other tabs that
/// the token is taken. Dropping it (the call ended) lets the lock go; the tokens stay kept,
/// for a later reload.
pub struct Claim {
    room: RoomKey,
    token: Option<ResumeToken>,
    /// Shared with a lock request still under way for a new token.
    lock: Rc<RefCell<Option<HeldLock>>>,
}

impl Claim {
    /// Chooses the token to join `room` with (see the module's comment) and takes its lock.
    pub async fn choose(room: RoomKey) -> Self {
        let chosen = match current_plan(&room) {
            Plan::Unguarded(token) => token.map(|t| (t, None)),
            Plan::Guarded(tries) => take_first_free(tries).await,
        };
        Self::with(room, chosen)
    }

    /// The claim at once, when choosing asks no lock (this browser keeps no token for the
    /// room, or has no Web Locks); `None` when it must: then [`Claim::choose`]. A first join
    /// thus goes out without waiting for the browser's lock manager.
    pub fn ready(room: &RoomKey) -> Option<Self> {
        match current_plan(room) {
            Plan::Unguarded(token) => Some(Self::with(room.clone(), token.map(|t| (t, None)))),
            Plan::Guarded(tries) if tries.is_empty() => Some(Self::with(room.clone(), None)),
            Plan::Guarded(_) => None,
        }
    }

    fn with(room: RoomKey, chosen: Option<(ResumeToken, Option<HeldLock>)>) -> Self {
        let (token, lock) = match chosen {
            Some((token, lock)) => {
                // A token taken from the profile becomes this tab's own.
                storage::save_own_token(&room, &token);
                (Some(token), lock)
            }
            None => (None, None),
        };
        Self {
            room,
            token,
            lock: Rc::new(RefCell::new(lock)),
        }
    }

    /// The token to join with.
    pub fn token(&self) -> Option<ResumeToken> {
        self.token.clone()
    }

    /// The service gave this tab a (new) token: keep it, in place of the old one, and mark it
    /// as taken.
    pub fn keep(&mut self, token: ResumeToken) {
        storage::save_own_token(&self.room, &token);
        self.replace_in_profile(Some(&token));
        self.token = Some(token.clone());
        if !locks::supported() {
            return;
        }
        let slot = self.lock.clone();
        spawn_local(async move {
            // A fresh token is nobody else's: its lock is free.
            match locks::acquire(&lock_name(&token), Wait::No).await {
                // Replacing the old token's lock releases it.
                Ok(lock) => *slot.borrow_mut() = lock,
                Err(e) => gloo::console::warn!(format!("resume token not marked as taken: {e}")),
            }
        });
    }

    /// The service refused the token: forget it everywhere.
    pub fn forget(&mut self) {
        storage::forget_own_token(&self.room);
        self.replace_in_profile(None);
        self.token = None;
        self.lock.borrow_mut().take();
    }

    /// Puts `new` in place of this tab's current token among the profile's.
    fn replace_in_profile(&self, new: Option<&ResumeToken>) {
        let shared = storage::shared_tokens(&self.room);
        storage::save_shared_tokens(
            &self.room,
            &storage::remember(&shared, new, self.token.as_ref()),
        );
    }
}

/// What to try for `room`, from this tab's and this profile's kept tokens.
fn current_plan(room: &RoomKey) -> Plan {
    plan(
        storage::own_token(room),
        &storage::shared_tokens(room),
        locks::supported(),
    )
}

/// Takes the lock of the first token in `tries` that no live tab holds.
async fn take_first_free(
    tries: Vec<(ResumeToken, Wait)>,
) -> Option<(ResumeToken, Option<HeldLock>)> {
    for (token, wait) in tries {
        match locks::acquire(&lock_name(&token), wait).await {
            Ok(Some(lock)) => return Some((token, Some(lock))),
            Ok(None) => {}
            Err(e) => {
                // Locks stopped working: be safe, use no token another tab might hold.
                gloo::console::warn!(format!("cannot tell whose resume token it is: {e}"));
                return None;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn token(byte: u8) -> ResumeToken {
        ResumeToken::from_bytes([byte; 16])
    }

    #[wasm_bindgen_test]
    fn without_web_locks_only_the_tabs_own_token_is_used() {
        assert_eq!(
            plan(Some(token(1)), &[token(2), token(1)], false),
            Plan::Unguarded(Some(token(1)))
        );
        assert_eq!(
            plan(None, &[token(2)], false),
            Plan::Unguarded(None),
            "another tab's token is never used unguarded"
        );
    }

    #[wasm_bindgen_test]
    fn a_reloaded_tab_tries_its_own_token_first_then_free_ones() {
        assert_eq!(
            plan(Some(token(1)), &[token(2), token(1)], true),
            Plan::Guarded(vec![
                (token(1), Wait::UpTo(OWN_TOKEN_WAIT_MS)),
                (token(2), Wait::No),
            ])
        );
    }

    #[wasm_bindgen_test]
    fn a_new_tab_tries_the_profiles_tokens_without_waiting() {
        assert_eq!(
            plan(None, &[token(2), token(3)], true),
            Plan::Guarded(vec![(token(2), Wait::No), (token(3), Wait::No)])
        );
        assert_eq!(plan(None, &[], true), Plan::Guarded(vec![]));
    }

    #[wasm_bindgen_test]
    fn lock_names_differ_per_token_and_hide_it() {
        let (a, b) = (lock_name(&token(1)), lock_name(&token(2)));
        assert_ne!(a, b);
        assert_eq!(a, lock_name(&token(1)));
        assert!(!a.contains(token(1).as_str()));
    }

    #[wasm_bindgen_test]
    async fn a_token_held_by_a_live_tab_is_not_chosen_and_a_free_one_is() {
        let (busy, free) = (token(41), token(42));
        let held = locks::acquire(&lock_name(&busy), Wait::No).await;
        assert!(matches!(held, Ok(Some(_))), "{held:?}");
        let chosen =
            take_first_free(vec![(busy.clone(), Wait::No), (free.clone(), Wait::No)]).await;
        assert_eq!(chosen.as_ref().map(|(t, _)| t), Some(&free));
        assert!(
            take_first_free(vec![(busy, Wait::No)]).await.is_none(),
            "nothing free: join without a token"
        );
    }
}
