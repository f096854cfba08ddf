//! The screens' building blocks: small function components with typed props.

pub mod audio_only;
pub mod brand;
pub mod call_view;
pub mod chat;
pub mod copy_link;
pub mod devices;
pub mod media_error;
pub mod quality;
pub mod room_dialog;
pub mod shortcuts_help;
pub mod toolbar;
pub mod video;
pub mod viewing_buttons;

pub use audio_only::AudioOnly;
pub use brand::Brand;
pub use call_view::CallScreen;
pub use chat::ChatPanel;
pub use copy_link::CopyLink;
pub use devices::DevicePicker;
pub use media_error::MediaErrorView;
pub use quality::QualityIndicator;
pub use room_dialog::RoomDialog;
pub use shortcuts_help::ShortcutsHelp;
pub use toolbar::Toolbar;
pub use video::{put_stream, Video};
pub use viewing_buttons::ViewingButtons;
