//! The typed browser layer: each module wraps one web API behind typed values and errors, so
//! that nothing above it touches a raw `JsValue`.

pub mod channel;
pub mod clipboard;
pub mod config;
pub mod connection;
pub mod denoise;
pub mod file_channel;
pub mod files;
pub mod focus;
pub mod level;
pub mod locks;
pub mod media;
pub mod peer;
pub mod signaling;
pub mod sound;
pub mod speaker;
pub mod stats;
pub mod storage;
pub mod viewing;
pub mod wake_lock;
