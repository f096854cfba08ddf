//! The signaling service end to end: a real server on an ephemeral port, real WebSocket
//! clients. One test binary (not one per file) so the suite links once.

// A test that cannot set itself up should stop right there with the error.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod bad_input;
mod cluster;
mod failover;
mod hardening;
mod healthcheck;
mod http;
mod process;
mod redis_setups;
mod redis_tls;
mod room_props;
mod rooms;
mod soak;
mod support;
mod turn;
