//! The app's custom hooks: each holds one of [`super::app`]'s side effects (a browser resource,
//! a listener, a running call) and hands back stable callbacks, so that a state change redraws
//! only the components whose props changed.

pub mod call;
pub mod controls;
pub mod handlers;
pub mod join;
pub mod language;
pub mod noise;
pub mod screen_share;
pub mod shortcuts;
pub mod startup;
pub mod switches;
