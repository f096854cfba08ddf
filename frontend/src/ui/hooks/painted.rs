//! Work the person need not wait for, held back until the page they see has been painted.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::render::{request_animation_frame, AnimationFrame};
use yew::prelude::*;

/// The two frames being waited for (see [`use_painted`]).
type Frames = Rc<RefCell<(Option<AnimationFrame>, Option<AnimationFrame>)>>;

/// Whether the page has been painted since `shown` first held: `false` at the render that
/// shows it, `true` from two frames later, and for good after that.
#[hook]
pub fn use_painted(shown: bool) -> bool {
    let painted = use_state_eq(|| false);
    let frames: Frames = use_mut_ref(Default::default);
    {
        let painted = painted.clone();
        use_effect_with(shown, move |&shown| {
            if shown && !*painted {
                // A frame's callbacks run before it is painted, so the next frame's run after
                // this one has been. Each handle is kept until it has run (dropping it cancels).
                let next = frames.clone();
                frames.borrow_mut().0 = Some(request_animation_frame(move |_| {
                    next.borrow_mut().1 = Some(request_animation_frame(move |_| painted.set(true)));
                }));
            }
            move || *frames.borrow_mut() = (None, None)
        });
    }
    *painted
}
