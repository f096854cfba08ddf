//! Web Locks (`navigator.locks`): a named lock this tab holds until the handle is dropped.
//!
//! The browser releases a tab's locks by itself when the tab goes away (closed, reloaded,
//! crashed), so "is this lock held?" answers "is another live tab of this browser profile
//! using this?" without any clean-up that a dying tab could miss.
//!
//! web-sys binds `LockManager` only behind `web_sys_unstable_apis`, so the one method needed is
//! bound here and nowhere else.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`.
    #[wasm_bindgen(extends = Object)]
    type LockManager;

    /// `LockManager.request(name, options, callback)`: calls `callback` with the lock (or
    /// `null` when `ifAvailable` and it is taken) and holds the lock until the promise the
    /// callback returned settles.
    #[wasm_bindgen(method, catch)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &Object,
        callback: &Function,
    ) -> Result<Promise, JsValue>;
}

/// Why a lock could not be asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    /// This browser, or this page (not a secure context), has no Web Locks.
    #[error("this browser offers no Web Locks here")]
    Unsupported,
    /// The browser refused the request.
    #[error("the lock request failed: {0}")]
    Failed(String),
}

/// How long to wait for a lock someone else holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Not at all (`ifAvailable`): take it only if it is free now.
    No,
    /// Up to this many milliseconds, then give up.
    UpTo(u32),
}

/// A lock held by this tab; dropping it releases it.
#[derive(Debug)]
pub struct HeldLock {
    release: Function,
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        let _ = self.release.call0(&JsValue::UNDEFINED);
    }
}

fn manager() -> Result<LockManager, LockError> {
    let window = web_sys::window().ok_or(LockError::Unsupported)?;
    Reflect::get(&window.navigator(), &JsValue::from_str("locks"))
        .ok()
        .filter(JsValue::is_object)
        .map(JsCast::unchecked_into)
        .ok_or(LockError::Unsupported)
}

/// Whether this page can use Web Locks.
pub fn supported() -> bool {
    manager().is_ok()
}

/// A promise and the function that resolves it.
fn deferred() -> Result<(Promise, Function, Function), LockError> {
    let mut ends = None;
    let promise = Promise::new(&mut |resolve, reject| ends = Some((resolve, reject)));
    let (resolve, reject) =
        ends.ok_or_else(|| LockError::Failed("the promise executor did not run".into()))?;
    Ok((promise, resolve, reject))
}

/// Takes the lock `name`: `Ok(Some)` once this tab holds it, `Ok(None)` if another tab holds
/// it (now, or still after the wait).
pub async fn acquire(name: &str, wait: Wait) -> Result<Option<HeldLock>, LockError> {
    let manager = manager()?;
    let (held, release, _) = deferred()?;
    let (granted, grant, fail) = deferred()?;
    // Whether the answer is given: the callback or the deadline, whichever comes first.
    let decided = Rc::new(Cell::new(false));
    let callback = {
        let (decided, grant) = (decided.clone(), grant.clone());
        Closure::once_into_js(move |lock: JsValue| -> JsValue {
            if decided.replace(true) {
                // Granted after the wait was given up: let go at once.
                return JsValue::UNDEFINED;
            }
            let ours = !lock.is_null() && !lock.is_undefined();
            let _ = grant.call1(&JsValue::UNDEFINED, &JsValue::from_bool(ours));
            if ours {
                held.into()
            } else {
                JsValue::UNDEFINED
            }
        })
    };
    let options = Object::new();
    if let Wait::UpTo(ms) = wait {
        let (decided, grant) = (decided.clone(), grant.clone());
        let give_up = Closure::once_into_js(move || {
            if !decided.replace(true) {
                let _ = grant.call1(&JsValue::UNDEFINED, &JsValue::FALSE);
            }
        });
        let window = web_sys::window().ok_or(LockError::Unsupported)?;
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                give_up.unchecked_ref(),
                i32::try_from(ms).unwrap_or(i32::MAX),
            )
            .map_err(|e| LockError::Failed(format!("{e:?}")))?;
    } else {
        Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE)
            .map_err(|e| LockError::Failed(format!("{e:?}")))?;
    }
    let request = manager
        .request(name, &options, callback.unchecked_ref())
        .map_err(|e| LockError::Failed(format!("{e:?}")))?;
    // The request's own promise settles when the lock is released, or rejects if the browser
    // refused the request: then the answer is that error.
    spawn_local(async move {
        if let Err(e) = JsFuture::from(request).await {
            if !decided.replace(true) {
                let _ = fail.call1(&JsValue::UNDEFINED, &e);
            }
        }
    });
    let ours = JsFuture::from(granted)
        .await
        .map_err(|e| LockError::Failed(format!("{e:?}")))?;
    Ok((ours.as_bool() == Some(true)).then_some(HeldLock { release }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn name(test: &str) -> String {
        format!("duet.test.{test}.{}", js_sys::Math::random())
    }

    #[wasm_bindgen_test]
    async fn a_held_lock_is_not_available_until_dropped() -> Result<(), LockError> {
        let name = name("held");
        let first = acquire(&name, Wait::No).await?;
        assert!(first.is_some(), "a free lock is granted");
        assert!(
            acquire(&name, Wait::No).await?.is_none(),
            "a held lock is not granted without waiting"
        );
        // Releasing takes a moment (the browser's lock manager hears of it asynchronously).
        drop(first);
        assert!(
            acquire(&name, Wait::UpTo(5_000)).await?.is_some(),
            "a released lock is granted again"
        );
        Ok(())
    }

    #[wasm_bindgen_test]
    async fn a_wait_gives_up_or_gets_the_lock_once_released() -> Result<(), LockError> {
        let name = name("wait");
        let first = acquire(&name, Wait::No).await?;
        assert!(first.is_some());
        assert!(
            acquire(&name, Wait::UpTo(100)).await?.is_none(),
            "still held when the wait ends"
        );
        // A lock given up after the wait is not kept by the abandoned request: once the
        // first holder lets go, it is free for anyone.
        drop(first);
        let again = acquire(&name, Wait::UpTo(5_000)).await?;
        assert!(again.is_some(), "granted once released");
        drop(again);
        assert!(acquire(&name, Wait::UpTo(5_000)).await?.is_some());
        Ok(())
    }
}
