//! The screens' building blocks: small function components with typed props.

pub mod audio_only;
pub mod availability;
pub mod brand;
pub mod call_view;
pub mod chat;
pub mod copy_link;
pub mod devices;
pub mod files;
pub mod in_call;
pub mod media_error;
pub mod mic_level;
pub mod qr_code;
pub mod quality;
pub mod room_dialog;
pub mod shortcuts_help;
pub mod speaker;
pub mod switch;
pub mod switch_camera;
pub mod toolbar;
pub mod top_bar;
pub mod video;
pub mod viewing_buttons;
