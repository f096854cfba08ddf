//! The interface: the app ([`app`]), its state ([`state`]) and hooks ([`hooks`]), the
//! components, and the addresses ([`routes`]).

pub mod app;
pub mod components;
pub mod hooks;
pub mod routes;
pub mod state;
pub mod wording;
