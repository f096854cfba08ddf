//! The call's states in words: the core ([`crate::call`]) says what happened in its own
//! types, and the interface says it in the person's language.

use crate::call::status::{CallStatus, EndReason};
use crate::i18n::{fill, Texts};
use crate::ui::state::RoomNotice;

/// The status line's words (the English ones are what end-to-end tests look for).
pub fn status_text(status: &CallStatus, t: &Texts) -> &'static str {
    match status {
        CallStatus::Joining => t.status_joining,
        CallStatus::WaitingForFriend => t.status_waiting,
        CallStatus::Connecting => t.status_connecting,
        CallStatus::Connected => t.status_connected,
        CallStatus::ReconnectingPeer => t.status_reconnecting_peer,
        CallStatus::Reconnecting {
            call_continues: true,
        } => t.status_reconnecting_continues,
        CallStatus::Reconnecting {
            call_continues: false,
        } => t.status_reconnecting,
        CallStatus::FriendLeft => t.status_friend_left,
        CallStatus::FriendDropped => t.status_friend_dropped,
    }
}

/// The room dialog's alert.
pub fn room_notice_text(notice: &RoomNotice, t: &Texts) -> String {
    match notice {
        RoomNotice::Ended(EndReason::RoomFull(room)) => {
            fill(t.room_full, &[("room", room.as_str())])
        }
        RoomNotice::Ended(EndReason::SessionReplaced) => t.session_replaced.to_owned(),
        RoomNotice::Ended(EndReason::Refused(message)) => fill(t.refused, &[("message", message)]),
        RoomNotice::NoRelay => t.no_relay.to_owned(),
        RoomNotice::NoWebRtc => format!("{} {}", t.no_webrtc_title, t.no_webrtc_todo),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::EN;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn status_words_match_the_interface_contract() {
        let connected = status_text(&CallStatus::Connected, &EN);
        assert!(connected.contains("Connected"));
        assert!(status_text(&CallStatus::WaitingForFriend, &EN).contains("Waiting for your friend"));
        assert!(status_text(&CallStatus::Connecting, &EN).contains("Connecting"));
        assert!(status_text(&CallStatus::FriendLeft, &EN).contains("Your friend left"));
        assert!(status_text(&CallStatus::FriendLeft, &EN).contains("return"));
        for status in [
            CallStatus::Reconnecting {
                call_continues: true,
            },
            CallStatus::Reconnecting {
                call_continues: false,
            },
            CallStatus::ReconnectingPeer,
        ] {
            assert!(status_text(&status, &EN).contains("Reconnecting"));
        }
        // Only the connected state may say "connected" as a word.
        for status in [
            CallStatus::Joining,
            CallStatus::WaitingForFriend,
            CallStatus::Connecting,
            CallStatus::ReconnectingPeer,
            CallStatus::Reconnecting {
                call_continues: true,
            },
            CallStatus::FriendLeft,
            CallStatus::FriendDropped,
        ] {
            let text = status_text(&status, &EN).to_lowercase();
            assert!(!text
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "connected"));
        }
    }
}
