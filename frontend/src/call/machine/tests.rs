//! The state machine's rules, one test each.

use super::*;
use crate::call::events::Opening;
// The status line's words are the interface's; these tests check a few of them too.
use crate::i18n::EN;
use crate::ui::wording::status_text;
use shared::{ErrorCode, ServerMsg};
use shared::{IceCandidate, SdpKind, SessionDescription};
use wasm_bindgen_test::wasm_bindgen_test;

fn room() -> RoomName {
    match RoomName::parse("Casa Azul") {
        Ok(room) => room,
        Err(e) => panic!("{e}"),
    }
}

fn token(byte: u8) -> ResumeToken {
    ResumeToken::from_bytes([byte; 16])
}

fn joined(role: Role, resume: ResumeToken, peer_present: bool) -> Input {
    joined_with(role, resume, peer_present, Vec::new())
}

fn joined_with(
    role: Role,
    resume: ResumeToken,
    peer_present: bool,
    ice_servers: Vec<IceServer>,
) -> Input {
    Input::Server(ServerMsg::Joined {
        room: room(),
        role,
        resume,
        peer_present,
        ice_servers,
    })
}

fn turn(username: &str) -> IceServer {
    IceServer {
        urls: vec!["turn:turn.example:3478?transport=udp".into()],
        username: Some(username.into()),
        credential: Some("secret-derived".into()),
    }
}

fn hello(live_call: bool) -> Input {
    Input::Server(ServerMsg::Signal {
        signal: Signal::Hello { live_call },
    })
}

fn sent_hello(live_call: bool) -> Command {
    Command::Send(ClientMsg::Signal {
        signal: Signal::Hello { live_call },
    })
}

fn offer() -> Signal {
    Signal::Description {
        description: SessionDescription {
            kind: SdpKind::Offer,
            sdp: "v=0".into(),
        },
    }
}

fn candidate() -> Signal {
    Signal::Candidate {
        candidate: IceCandidate {
            candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host".into(),
            sdp_mid: Some("0".into()),
            sdp_m_line_index: Some(0),
            username_fragment: None,
        },
    }
}

/// A call that joined alone and then met its friend: fresh peer, connected.
fn connected_call() -> Call {
    connected_call_as(Role::Polite)
}

/// The same, with this side in `role`.
fn connected_call_as(role: Role) -> Call {
    let mut call = Call::new(room(), None);
    call.handle(Input::SignalingOpen);
    call.handle(joined(role, token(1), false));
    call.handle(Input::Server(ServerMsg::PeerJoined));
    call.handle(hello(false));
    call.handle(Input::PeerState(PeerState::Connecting));
    call.handle(Input::PeerState(PeerState::Connected));
    assert_eq!(call.status(), CallStatus::Connected);
    call
}

#[wasm_bindgen_test]
fn opening_the_connection_joins_with_the_kept_token() {
    let mut call = Call::new(room(), Some(token(9)));
    assert_eq!(call.status(), CallStatus::Joining);
    assert_eq!(
        call.handle(Input::SignalingOpen),
        [Command::Send(ClientMsg::Join {
            room: room(),
            resume: Some(token(9))
        })]
    );
}

#[wasm_bindgen_test]
fn alone_in_the_room_it_keeps_the_token_and_waits() {
    let mut call = Call::new(room(), None);
    call.handle(Input::SignalingOpen);
    assert_eq!(
        call.handle(joined(Role::Impolite, token(1), false)),
        [Command::SaveToken(token(1))]
    );
    assert_eq!(call.status(), CallStatus::WaitingForFriend);
    assert!(!call.shows_remote());
}

#[wasm_bindgen_test]
fn no_peer_connection_before_the_friend_is_there() {
    let mut call = Call::new(room(), None);
    call.handle(Input::SignalingOpen);
    call.handle(joined(Role::Polite, token(1), false));
    // A stray signal while alone has no connection to go to.
    assert_eq!(
        call.handle(Input::Server(ServerMsg::Signal { signal: offer() })),
        []
    );
    assert_eq!(call.handle(Input::PeerSignal(candidate())), []);
    // The friend arrives: a connection that waits for their offer, at once.
    assert_eq!(
        call.handle(Input::Server(ServerMsg::PeerJoined)),
        [
            sent_hello(false),
            Command::CreatePeer(Role::Polite, Opening::Answer),
            Command::StartConnectTimer(1)
        ]
    );
    assert_eq!(call.status(), CallStatus::Connecting);
    assert_eq!(call.handle(hello(false)), []);
    assert_eq!(
        call.handle(Input::Server(ServerMsg::Signal { signal: offer() })),
        [Command::ToPeer(offer())]
    );
    assert_eq!(
        call.handle(Input::PeerSignal(candidate())),
        [Command::Send(ClientMsg::Signal {
            signal: candidate()
        })]
    );
    call.handle(Input::PeerState(PeerState::Connected));
    assert_eq!(call.status(), CallStatus::Connected);
    assert!(call.shows_remote());
}

#[wasm_bindgen_test]
fn the_turn_servers_of_the_latest_join_are_kept_for_the_next_peer_connection() {
    let mut call = Call::new(room(), None);
    assert!(call.ice_servers().is_empty());
    call.handle(Input::SignalingOpen);
    // No peer connection yet: nothing to update; the new one is made with them.
    assert_eq!(
        call.handle(joined_with(Role::Polite, token(1), true, vec![turn("1:a")])),
        [
            Command::SaveToken(token(1)),
            sent_hello(false),
            Command::CreatePeer(Role::Polite, Opening::Offer),
            Command::StartConnectTimer(1)
        ]
    );
    assert_eq!(call.ice_servers(), [turn("1:a")]);
    assert_eq!(call.handle(hello(false)), []);
    call.handle(Input::PeerState(PeerState::Connected));
    // A rejoin after a signaling blip brings fresh credentials: the live connection gets
    // them (for a later ICE restart); the same ones again change nothing.
    call.handle(Input::SignalingLost);
    call.handle(Input::SignalingOpen);
    assert_eq!(
        call.handle(joined_with(Role::Polite, token(1), true, vec![turn("2:a")])),
        [
            Command::UpdateIceServers(vec![turn("2:a")]),
            sent_hello(true)
        ]
    );
    assert_eq!(call.ice_servers(), [turn("2:a")]);
    call.handle(Input::SignalingLost);
    call.handle(Input::SignalingOpen);
    assert_eq!(
        call.handle(joined_with(Role::Polite, token(1), true, vec![turn("2:a")])),
        [sent_hello(true)]
    );
}

#[wasm_bindgen_test]
fn joining_a_room_with_the_friend_in_it_says_hello_and_offers_at_once() {
    for role in [Role::Polite, Role::Impolite] {
        let mut call = Call::new(room(), None);
        call.handle(Input::SignalingOpen);
        assert_eq!(
            call.handle(joined(role, token(2), true)),
            [
                Command::SaveToken(token(2)),
                sent_hello(false),
                Command::CreatePeer(role, Opening::Offer),
                Command::StartConnectTimer(1)
            ]
        );
        assert_eq!(call.status(), CallStatus::Connecting);
        // The friend's hello, whatever it says, cannot change a fresh start: the
        // connection made on arrival stands.
        assert_eq!(call.handle(hello(true)), []);
        assert_eq!(
            call.handle(Input::Server(ServerMsg::Signal { signal: offer() })),
            [Command::ToPeer(offer())]
        );
    }
}

#[wasm_bindgen_test]
fn the_friend_who_was_waiting_answers_whatever_its_role() {
    for role in [Role::Polite, Role::Impolite] {
        let mut call = Call::new(room(), None);
        call.handle(Input::SignalingOpen);
        call.handle(joined(role, token(1), false));
        assert_eq!(
            call.handle(Input::Server(ServerMsg::PeerJoined)),
            [
                sent_hello(false),
                Command::CreatePeer(role, Opening::Answer),
                Command::StartConnectTimer(1)
            ]
        );
        // The friend's hello, whatever it says, changes nothing.
        assert_eq!(call.handle(hello(true)), []);
    }
}

#[wasm_bindgen_test]
fn a_waiting_side_with_a_live_call_waits_for_the_friends_hello() {
    let mut call = connected_call();
    // The friend is back on a new connection (a resume): their hello decides.
    assert_eq!(
        call.handle(Input::Server(ServerMsg::PeerJoined)),
        [sent_hello(true)]
    );
    assert_eq!(
        call.handle(hello(false)),
        [
            Command::ClosePeer,
            Command::CreatePeer(Role::Polite, Opening::Answer),
            Command::StartConnectTimer(2)
        ]
    );
}

#[wasm_bindgen_test]
fn a_hello_before_any_pairing_event_leaves_the_offer_to_the_impolite_side() {
    for (role, opening) in [
        (Role::Impolite, Opening::Offer),
        (Role::Polite, Opening::Answer),
    ] {
        let mut call = Call::new(room(), None);
        call.handle(Input::SignalingOpen);
        call.handle(joined(role, token(1), false));
        assert_eq!(
            call.handle(hello(false)),
            [
                sent_hello(false),
                Command::CreatePeer(role, opening),
                Command::StartConnectTimer(1)
            ]
        );
    }
}

#[wasm_bindgen_test]
fn an_arrival_that_made_its_connection_early_makes_another_if_it_was_closed() {
    let mut call = Call::new(room(), None);
    call.handle(Input::SignalingOpen);
    call.handle(joined(Role::Polite, token(1), true));
    assert_eq!(
        call.handle(Input::PeerState(PeerState::Closed)),
        [Command::ClosePeer]
    );
    assert_eq!(
        call.handle(hello(false)),
        [
            Command::CreatePeer(Role::Polite, Opening::Offer),
            Command::StartConnectTimer(2)
        ]
    );
}

#[wasm_bindgen_test]
fn a_signaling_blip_leaves_the_media_alone_and_keeps_the_call_if_both_are_live() {
    let mut call = connected_call();
    assert_eq!(call.handle(Input::SignalingLost), []);
    assert_eq!(
        call.status(),
        CallStatus::Reconnecting {
            call_continues: true
        }
    );
    assert!(status_text(&call.status(), &EN).contains("Reconnecting"));
    assert!(call.shows_remote(), "media keeps flowing");
    // A candidate made meanwhile waits for the service.
    assert_eq!(call.handle(Input::PeerSignal(candidate())), []);
    assert_eq!(
        call.handle(Input::SignalingOpen),
        [Command::Send(ClientMsg::Join {
            room: room(),
            resume: Some(token(1))
        })]
    );
    assert_eq!(
        call.handle(joined(Role::Polite, token(1), true)),
        [sent_hello(true)]
    );
    // Both live: keep the connection, deliver what waited.
    assert_eq!(
        call.handle(hello(true)),
        [Command::Send(ClientMsg::Signal {
            signal: candidate()
        })]
    );
    assert_eq!(call.status(), CallStatus::Connected);
}

#[wasm_bindgen_test]
fn if_either_side_has_no_live_call_both_start_afresh() {
    let mut call = connected_call();
    call.handle(Input::SignalingLost);
    call.handle(Input::PeerSignal(candidate()));
    call.handle(Input::SignalingOpen);
    call.handle(joined(Role::Polite, token(1), true));
    // The friend reloaded: their hello says they have no call. Stale signals are dropped,
    // and this side, back in a room the friend was in, offers.
    assert_eq!(
        call.handle(hello(false)),
        [
            Command::ClosePeer,
            Command::CreatePeer(Role::Polite, Opening::Offer),
            Command::StartConnectTimer(2)
        ]
    );
    assert_eq!(call.status(), CallStatus::Connecting);
    assert!(!call.shows_remote());
}

#[wasm_bindgen_test]
fn roles_dealt_anew_after_a_service_restart_reach_the_kept_connection() {
    let mut call = connected_call();
    call.handle(Input::SignalingLost);
    call.handle(Input::SignalingOpen);
    // The restarted service does not know the token: a new one, and maybe a new role.
    assert_eq!(
        call.handle(joined(Role::Impolite, token(3), false)),
        [
            Command::SetRole(Role::Impolite),
            Command::SaveToken(token(3))
        ]
    );
    assert_eq!(
        call.status(),
        CallStatus::Connected,
        "the media never stopped"
    );
    assert_eq!(
        call.handle(Input::Server(ServerMsg::PeerJoined)),
        [sent_hello(true)]
    );
    assert_eq!(call.handle(hello(true)), []);
}

#[wasm_bindgen_test]
fn the_friend_hanging_up_clears_the_call_but_not_the_room() {
    let mut call = connected_call();
    assert_eq!(
        call.handle(Input::Server(ServerMsg::PeerLeft {
            reason: LeaveReason::HungUp
        })),
        [Command::ClosePeer]
    );
    assert_eq!(call.status(), CallStatus::FriendLeft);
    assert!(status_text(&call.status(), &EN).starts_with("Your friend left"));
    assert!(!call.shows_remote());
    // They come back: a fresh negotiation starts by itself.
    assert_eq!(
        call.handle(Input::Server(ServerMsg::PeerJoined)),
        [
            sent_hello(false),
            Command::CreatePeer(Role::Polite, Opening::Answer),
            Command::StartConnectTimer(2)
        ]
    );
    assert_eq!(call.handle(hello(false)), []);
}

#[wasm_bindgen_test]
fn a_friend_who_says_bye_has_left_at_once_whatever_the_service_says_next() {
    let mut call = connected_call();
    assert_eq!(call.handle(Input::FriendSaidBye), [Command::ClosePeer]);
    assert_eq!(call.status(), CallStatus::FriendLeft);
    // Their goodbye to the service was lost with their page: it saw a connection end.
    let lost = ServerMsg::PeerLeft {
        reason: LeaveReason::ConnectionLost,
    };
    assert_eq!(call.handle(Input::Server(lost)), []);
    assert_eq!(call.status(), CallStatus::FriendLeft);
    // Back again: a fresh call.
    assert_eq!(
        call.handle(Input::Server(ServerMsg::PeerJoined)),
        [
            sent_hello(false),
            Command::CreatePeer(Role::Polite, Opening::Answer),
            Command::StartConnectTimer(2)
        ]
    );
    assert_eq!(call.status(), CallStatus::Connecting);
}

#[wasm_bindgen_test]
fn a_bye_after_the_service_said_the_connection_was_lost_makes_it_a_hang_up() {
    let mut call = connected_call();
    let lost = ServerMsg::PeerLeft {
        reason: LeaveReason::ConnectionLost,
    };
    assert_eq!(call.handle(Input::Server(lost)), [], "the media is kept");
    assert_eq!(call.status(), CallStatus::FriendDropped);
    assert_eq!(call.handle(Input::FriendSaidBye), [Command::ClosePeer]);
    assert_eq!(call.status(), CallStatus::FriendLeft);
}

#[wasm_bindgen_test]
fn a_lost_friend_keeps_the_media_until_the_connection_fails() {
    let mut call = connected_call();
    let left = ServerMsg::PeerLeft {
        reason: LeaveReason::ConnectionLost,
    };
    assert_eq!(call.handle(Input::Server(left)), []);
    assert_eq!(call.status(), CallStatus::FriendDropped);
    assert!(call.shows_remote());
    assert_eq!(
        call.handle(Input::PeerState(PeerState::Failed)),
        [Command::ClosePeer]
    );
    assert!(!call.shows_remote());
    assert_eq!(call.status(), CallStatus::FriendDropped);
}

#[wasm_bindgen_test]
fn ice_failure_restarts_ice_and_then_rejoins() {
    let mut call = connected_call_as(Role::Impolite);
    assert_eq!(
        call.handle(Input::ConnectTimeout(1)),
        [],
        "connected in time"
    );
    assert_eq!(
        call.handle(Input::PeerState(PeerState::Failed)),
        [Command::RestartIce, Command::StartConnectTimer(2)]
    );
    assert_eq!(call.status(), CallStatus::ReconnectingPeer);
    // A second `failed` does not stack restarts.
    assert_eq!(call.handle(Input::PeerState(PeerState::Failed)), []);
    assert_eq!(call.handle(Input::ConnectTimeout(1)), [], "a stale timer");
    assert_eq!(
        call.handle(Input::ConnectTimeout(2)),
        [Command::ClosePeer, Command::Reconnect]
    );
    assert_eq!(
        call.handle(Input::SignalingOpen),
        [Command::Send(ClientMsg::Join {
            room: room(),
            resume: Some(token(1))
        })]
    );
}

#[wasm_bindgen_test]
fn stalled_media_replaces_the_signaling_connection_then_restarts_ice_once_paired() {
    let mut call = connected_call_as(Role::Impolite);
    assert_eq!(
        call.handle(Input::MediaStalled),
        [Command::RefreshSignaling]
    );
    assert_eq!(
        call.status(),
        CallStatus::Reconnecting {
            call_continues: true
        }
    );
    assert_eq!(call.handle(Input::MediaStalled), [], "once per stall");
    // The peer connection's own signals wait for the new connection.
    assert_eq!(call.handle(Input::PeerSignal(candidate())), []);
    call.handle(Input::SignalingOpen);
    assert_eq!(
        call.handle(joined(Role::Impolite, token(1), true)),
        [sent_hello(true)]
    );
    // Both kept the call: the kept signal goes out, then the ICE restart.
    assert_eq!(
        call.handle(hello(true)),
        [
            Command::Send(ClientMsg::Signal {
                signal: candidate()
            }),
            Command::RestartIce,
            Command::StartConnectTimer(2)
        ]
    );
    call.handle(Input::PeerState(PeerState::Connected));
    call.handle(Input::MediaFlowing);
    assert_eq!(call.status(), CallStatus::Connected);
}

#[wasm_bindgen_test]
fn media_back_by_itself_needs_no_ice_restart() {
    let mut call = connected_call();
    call.handle(Input::MediaStalled);
    call.handle(Input::PeerState(PeerState::Disconnected));
    call.handle(Input::PeerState(PeerState::Connected));
    call.handle(Input::MediaFlowing);
    call.handle(Input::SignalingOpen);
    call.handle(joined(Role::Polite, token(1), true));
    assert_eq!(call.handle(hello(true)), [], "the call is kept as it is");
    assert_eq!(call.status(), CallStatus::Connected);
}

#[wasm_bindgen_test]
fn a_stall_without_a_live_connection_changes_nothing() {
    let mut call = Call::new(room(), None);
    call.handle(Input::SignalingOpen);
    call.handle(joined(Role::Polite, token(1), false));
    assert_eq!(call.handle(Input::MediaStalled), []);
    assert_eq!(call.status(), CallStatus::WaitingForFriend);
}

#[wasm_bindgen_test]
fn the_polite_side_waits_for_the_impolite_sides_restart_under_the_same_deadline() {
    let mut call = connected_call_as(Role::Polite);
    assert_eq!(
        call.handle(Input::PeerState(PeerState::Failed)),
        [Command::StartConnectTimer(2)],
        "no offer of its own: two restart offers at once collide"
    );
    assert_eq!(call.status(), CallStatus::ReconnectingPeer);
    assert_eq!(
        call.handle(Input::ConnectTimeout(2)),
        [Command::ClosePeer, Command::Reconnect]
    );
}

#[wasm_bindgen_test]
fn a_successful_ice_restart_cancels_the_rejoin() {
    let mut call = connected_call();
    call.handle(Input::PeerState(PeerState::Failed));
    call.handle(Input::PeerState(PeerState::Connected));
    assert_eq!(call.handle(Input::ConnectTimeout(2)), []);
    assert_eq!(call.status(), CallStatus::Connected);
}

#[wasm_bindgen_test]
fn a_connection_that_never_connects_is_rebuilt_from_a_fresh_join() {
    let mut call = Call::new(room(), None);
    call.handle(Input::SignalingOpen);
    call.handle(joined(Role::Polite, token(1), true));
    call.handle(hello(false));
    call.handle(Input::PeerState(PeerState::Connecting));
    assert_eq!(
        call.handle(Input::ConnectTimeout(1)),
        [Command::ClosePeer, Command::Reconnect]
    );
    assert_eq!(
        call.status(),
        CallStatus::Reconnecting {
            call_continues: false
        }
    );
}

#[wasm_bindgen_test]
fn a_full_room_ends_the_attempt_naming_the_room() {
    let mut call = Call::new(room(), None);
    call.handle(Input::SignalingOpen);
    let full = ServerMsg::Error {
        code: ErrorCode::RoomFull,
        message: "full".into(),
    };
    assert_eq!(
        call.handle(Input::Server(full)),
        [Command::End(EndReason::RoomFull(room()))]
    );
    assert!(call.is_ended());
    assert_eq!(
        call.handle(Input::SignalingLost),
        [],
        "nothing happens after the end"
    );
}

#[wasm_bindgen_test]
fn a_newer_tab_takes_the_call_over() {
    let mut call = connected_call();
    let replaced = ServerMsg::Error {
        code: ErrorCode::SessionReplaced,
        message: "".into(),
    };
    assert_eq!(
        call.handle(Input::Server(replaced)),
        [Command::ClosePeer, Command::End(EndReason::SessionReplaced)]
    );
}

#[wasm_bindgen_test]
fn a_refused_token_is_forgotten_and_the_join_retried_without_it() {
    let mut call = Call::new(room(), Some(token(4)));
    call.handle(Input::SignalingOpen);
    let bad = ServerMsg::Error {
        code: ErrorCode::InvalidResumeToken,
        message: "".into(),
    };
    assert_eq!(
        call.handle(Input::Server(bad)),
        [
            Command::ForgetToken,
            Command::Send(ClientMsg::Join {
                room: room(),
                resume: None
            })
        ]
    );
}

#[wasm_bindgen_test]
fn other_errors_become_a_notice_and_the_call_goes_on() {
    let mut call = connected_call();
    let limited = ServerMsg::Error {
        code: ErrorCode::RateLimited,
        message: "slow down".into(),
    };
    assert_eq!(call.handle(Input::Server(limited)), []);
    assert_eq!(call.notice(), Some(&Notice::Service("slow down".into())));
    assert_eq!(call.status(), CallStatus::Connected);
}

#[wasm_bindgen_test]
fn too_many_joins_waits_then_joins_again() {
    let mut call = Call::new(room(), None);
    let join = Command::Send(ClientMsg::Join {
        room: room(),
        resume: None,
    });
    assert_eq!(
        call.handle(Input::SignalingOpen),
        std::slice::from_ref(&join)
    );
    let refused = ServerMsg::Error {
        code: ErrorCode::TooManyJoins,
        message: "too many joins".into(),
    };
    assert_eq!(
        call.handle(Input::Server(refused)),
        [Command::StartJoinRetryTimer(JOIN_RETRY_MS)]
    );
    assert_eq!(call.notice(), Some(&Notice::TooManyJoins));
    assert_eq!(call.status(), CallStatus::Joining);
    assert_eq!(call.handle(Input::RetryJoin), [join]);
    // Joined meanwhile (a reconnection): a late timer does nothing.
    call.handle(Input::Server(ServerMsg::Joined {
        room: room(),
        role: Role::Impolite,
        resume: ResumeToken::from_bytes([1; 16]),
        peer_present: false,
        ice_servers: Vec::new(),
    }));
    assert_eq!(call.notice(), None);
    assert_eq!(call.handle(Input::RetryJoin), []);
}

#[wasm_bindgen_test]
fn an_unavailable_registry_is_a_notice_until_the_reconnection_joins() {
    let mut call = connected_call();
    let unavailable = ServerMsg::Error {
        code: ErrorCode::Unavailable,
        message: "the service cannot reach its room registry".into(),
    };
    assert_eq!(call.handle(Input::Server(unavailable)), []);
    assert_eq!(call.notice(), Some(&Notice::Unavailable));
}
