//! The app's custom hooks, each holding one of [`super::app`]'s side effects (the language,
//! the configuration and media, a running call, the tracks' switches, the keyboard shortcuts),
//! and the handlers the components get: made once ([`handlers`]: the switches, the call's
//! controls, screen sharing, the language switch), so that a state change redraws only the
//! components whose props changed.

pub mod call;
pub mod controls;
pub mod handlers;
pub mod join;
pub mod language;
pub mod noise;
pub mod painted;
pub mod screen_awake;
pub mod screen_share;
pub mod shortcuts;
pub mod sound;
pub mod startup;
pub mod switches;
