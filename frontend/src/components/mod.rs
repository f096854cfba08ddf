//! The screens' building blocks: small function components with typed props.

pub mod brand;
pub mod call_view;
pub mod media_error;
pub mod room_dialog;
pub mod video;

pub use brand::Brand;
pub use call_view::CallScreen;
pub use media_error::MediaErrorView;
pub use room_dialog::RoomDialog;
pub use video::Video;
