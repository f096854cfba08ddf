//! The catalogue's shape: one field per string, so a language missing one does not compile.

use serde::Serialize;

/// Every string of the interface in one language.
#[derive(Debug, Serialize)]
#[allow(missing_docs)] // The field names say what each string is for.
pub struct Texts {
    // Frame
    pub language: &'static str,
    pub room: &'static str,
    // Waiting for media
    pub media_title: &'static str,
    pub media_waiting: &'static str,
    // Media errors
    pub media_required_title: &'static str,
    pub media_required: &'static str,
    pub media_insecure: &'static str,
    pub media_insecure_todo: &'static str,
    pub media_refused: &'static str,
    pub media_refused_todo: &'static str,
    pub media_not_found: &'static str,
    pub media_not_found_todo: &'static str,
    pub media_not_readable: &'static str,
    pub media_not_readable_todo: &'static str,
    pub media_overconstrained: &'static str,
    pub media_overconstrained_todo: &'static str,
    pub media_blocked: &'static str,
    pub media_blocked_todo: &'static str,
    pub media_aborted: &'static str,
    pub media_aborted_todo: &'static str,
    pub media_other: &'static str,
    /// `{name}`, `{message}`: the browser's words.
    pub media_other_todo: &'static str,
    pub try_again: &'static str,
    // Room dialog
    pub join_title: &'static str,
    pub join_help: &'static str,
    pub room_name: &'static str,
    pub room_placeholder: &'static str,
    pub cancel: &'static str,
    pub join: &'static str,
    pub new_private_room: &'static str,
    pub private_room_hint: &'static str,
    pub hide_address: &'static str,
    pub hide_address_hint: &'static str,
    pub hide_address_no_relay: &'static str,
    pub hide_address_always: &'static str,
    /// "Strong noise suppression" switch (room step and Devices panel).
    pub strong_noise: &'static str,
    /// What it does, under the switch.
    pub strong_noise_hint: &'static str,
    /// Why it is off: this browser cannot run it.
    pub strong_noise_unsupported: &'static str,
    /// Why it is off: it failed to load or stopped.
    pub strong_noise_failed: &'static str,
    /// The pre-call check (room step): the microphone's level meter.
    pub mic_level: &'static str,
    /// The speaker picker (room step and Devices panel).
    pub speaker: &'static str,
    pub play_test_sound: &'static str,
    /// The test sound could not play, or not on the chosen speaker.
    pub speaker_failed: &'static str,
    /// The sound controls' group (room step and Devices panel), and one hint for it.
    pub sound_controls: &'static str,
    pub sound_controls_hint: &'static str,
    pub noise_suppression: &'static str,
    pub echo_cancellation: &'static str,
    pub auto_gain: &'static str,
    /// The microphone could not be set up as chosen.
    pub sound_failed: &'static str,
    pub no_relay: &'static str,
    pub name_needed: &'static str,
    /// `{n}`, `{max}`.
    pub name_too_long: &'static str,
    pub name_control: &'static str,
    /// `{room}`.
    pub room_full: &'static str,
    pub session_replaced: &'static str,
    /// `{message}`.
    pub refused: &'static str,
    pub notice_unavailable: &'static str,
    pub notice_too_many_joins: &'static str,
    // Call status
    pub status_joining: &'static str,
    pub status_waiting: &'static str,
    pub status_connecting: &'static str,
    pub status_connected: &'static str,
    pub status_reconnecting_peer: &'static str,
    pub status_reconnecting_continues: &'static str,
    pub status_reconnecting: &'static str,
    pub status_friend_left: &'static str,
    pub status_friend_dropped: &'static str,
    // Call screen
    /// `{room}`.
    pub call_label: &'static str,
    pub local_video: &'static str,
    pub remote_video: &'static str,
    pub start_video: &'static str,
    pub friend: &'static str,
    pub friend_muted: &'static str,
    pub friend_camera_off: &'static str,
    pub you_muted_camera_off: &'static str,
    pub you_muted: &'static str,
    pub your_camera_off: &'static str,
    pub copy_link: &'static str,
    pub link_copied: &'static str,
    /// `{link}`.
    pub copy_by_hand: &'static str,
    // Phones: the room link's QR code, the front and back cameras
    pub qr_code: &'static str,
    /// The QR code image's name (contains "QR code" in English: tests find it by that).
    pub qr_code_label: &'static str,
    pub qr_code_hint: &'static str,
    pub switch_camera: &'static str,
    /// `{device}`: the camera now in use, after "Switch camera".
    pub camera_now: &'static str,
    pub picture_in_picture: &'static str,
    pub full_screen: &'static str,
    pub not_available: &'static str,
    pub share_screen: &'static str,
    pub sharing_screen: &'static str,
    pub devices: &'static str,
    pub camera: &'static str,
    pub microphone: &'static str,
    pub device_failed: &'static str,
    /// `{device}`: the camera now in use, after the one in use went away.
    pub device_switched_camera: &'static str,
    /// `{device}`: the microphone now in use, after the one in use went away.
    pub device_switched_microphone: &'static str,
    pub device_none_camera: &'static str,
    pub device_none_microphone: &'static str,
    // Toolbar
    pub controls: &'static str,
    pub mute: &'static str,
    pub unmute: &'static str,
    pub camera_off: &'static str,
    pub camera_on: &'static str,
    pub chat: &'static str,
    /// `{count}`.
    pub unread: &'static str,
    /// `{count}`: the chat button's name when messages wait.
    pub chat_unread: &'static str,
    pub shortcuts: &'static str,
    pub leave: &'static str,
    // Chat
    pub hide_chat: &'static str,
    pub messages: &'static str,
    pub chat_empty: &'static str,
    pub you: &'static str,
    pub not_sent: &'static str,
    pub message: &'static str,
    pub message_placeholder: &'static str,
    pub send: &'static str,
    // Files, in the chat
    pub send_file: &'static str,
    pub files: &'static str,
    /// `{name}`, `{max}`: a picked file over the limit.
    pub file_too_large: &'static str,
    pub file_not_connected: &'static str,
    /// `{name}`: the progress bar's name.
    pub file_sending: &'static str,
    /// `{name}`: the progress bar's name.
    pub file_receiving: &'static str,
    pub file_waiting: &'static str,
    pub file_in_progress: &'static str,
    pub file_checking: &'static str,
    pub file_sent: &'static str,
    pub file_received: &'static str,
    pub file_cancelled: &'static str,
    pub file_cancelled_by_friend: &'static str,
    pub file_damaged: &'static str,
    /// `{max}`: an offer over this side's limit.
    pub file_over_limit: &'static str,
    pub file_connection_lost: &'static str,
    pub file_unreadable: &'static str,
    /// Between a size's units and tenths ("2.5 GB", "2,5 GB").
    pub decimal_mark: &'static str,
    // Shortcuts
    pub shortcuts_intro: &'static str,
    pub shortcut_mic: &'static str,
    pub shortcut_camera: &'static str,
    pub shortcut_chat: &'static str,
    pub shortcut_leave: &'static str,
    pub shortcut_help: &'static str,
    pub close: &'static str,
    // Connection quality
    /// `{grade}`.
    pub connection: &'static str,
    pub good: &'static str,
    pub fair: &'static str,
    pub poor: &'static str,
    pub round_trip: &'static str,
    pub bitrate: &'static str,
    pub packet_loss: &'static str,
    pub resolution: &'static str,
    pub path: &'static str,
    pub path_direct: &'static str,
    pub path_relayed: &'static str,
    /// `{path}`: announced when the call's path changes.
    pub path_now: &'static str,
    // Audio only, on a thin uplink
    pub audio_only_offer: &'static str,
    pub audio_only: &'static str,
    pub audio_only_on: &'static str,
    pub video_again: &'static str,
    // Verification code
    pub verification_code: &'static str,
    pub verification_hint: &'static str,
    /// The names of the code's pictures, in [`crate::call::verification`]'s order (64).
    pub symbol_names: &'static [&'static str],
    // Private room names
    pub random_unavailable: &'static str,
    // Without JavaScript (kept in `index.html`'s `<noscript>` too; a test checks it is)
    pub noscript: &'static str,
    // What keeps a call from starting here: no WebRTC, no connection, no answer from the
    // service while the network is up
    pub no_webrtc_title: &'static str,
    pub no_webrtc_todo: &'static str,
    pub offline_title: &'static str,
    pub offline_todo: &'static str,
    pub unreachable_title: &'static str,
    pub unreachable_todo: &'static str,
}
