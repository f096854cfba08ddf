//! The call: its rules, pure ([`machine`] and the state it keeps, [`controls`], [`chat`],
//! [`transfer`], [`device_fallback`], [`camera_switch`], [`hide_address`], [`noise`],
//! [`sound`], [`level`], [`verification`]), and what runs them against the browser
//! ([`session`], [`resume`], [`private_room`]).

pub mod camera_switch;
pub mod chat;
pub mod controls;
pub mod device_fallback;
pub mod events;
pub mod hide_address;
pub mod level;
pub mod machine;
pub mod noise;
pub mod private_room;
pub mod resume;
pub mod session;
pub mod sound;
pub mod status;
pub mod transfer;
pub mod verification;
