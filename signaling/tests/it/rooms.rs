//! Room semantics: create, join, relay, isolation, capacity, leaving, resuming.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use shared::{ClientMsg, ErrorCode, LeaveReason, ResumeToken, Role, ServerMsg, Signal};

use crate::support::{assert_relays, finish, pair, room, start, start_one_worker, within, Client};

#[actix_web::test]
async fn the_first_joiner_creates_the_room_and_waits_alone() {
    let server = start(&[]).await;
    let mut a = Client::connect(server.addr()).await;
    let joined = a.join("  Casa Azul ").await;
    assert_eq!(joined.role, Role::Impolite);
    assert!(!joined.peer_present);
    finish!(server, a);
}

#[actix_web::test]
async fn the_second_joiner_is_admitted_and_both_are_told_with_opposite_roles() {
    let server = start(&[]).await;
    // Names that differ only in case and surrounding spaces are one room.
    let mut a = Client::connect(server.addr()).await;
    let ja = a.join("Casa Azul").await;
    let mut b = Client::connect(server.addr()).await;
    let jb = b.join("  casa azul").await;
    a.expect(ServerMsg::PeerJoined).await;
    assert!(!ja.peer_present);
    assert!(jb.peer_present);
    assert_eq!(ja.role, jb.role.other());
    assert_ne!(ja.resume, jb.resume);
    finish!(server, a, b);
}

#[actix_web::test]
async fn signals_are_relayed_both_ways_byte_for_byte() {
    let server = start(&[]).await;
    let (mut a, _, mut b, _) = pair(server.addr(), "relay").await;
    // Odd spacing and key order: the service must pass the payload on untouched.
    let offer = r#"{ "description": {"sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", "type":"offer"},"kind":"description" }"#;
    a.send_text(format!(r#"{{"type":"signal","signal":{offer}}}"#))
        .await;
    assert_eq!(
        b.recv_text().await,
        format!(r#"{{"type":"signal","signal":{offer}}}"#)
    );
    let candidate = r#"{"kind":"candidate","candidate":{"candidate":"candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host","sdpMid":"0","sdpMLineIndex":0}}"#;
    b.send_text(format!(r#"{{"type":"signal","signal":{candidate}}}"#))
        .await;
    assert_eq!(
        a.recv_text().await,
        format!(r#"{{"type":"signal","signal":{candidate}}}"#)
    );
    // And they decode as the browser's typed signals.
    a.send_text(format!(r#"{{"type":"signal","signal":{offer}}}"#))
        .await;
    assert!(matches!(
        b.recv().await,
        ServerMsg::Signal {
            signal: Signal::Description { .. }
        }
    ));
    finish!(server, a, b);
}

#[actix_web::test]
async fn two_rooms_are_isolated() {
    let server = start(&[]).await;
    let (mut a1, _, mut a2, _) = pair(server.addr(), "room one").await;
    let (mut b1, _, mut b2, _) = pair(server.addr(), "room two").await;
    a1.hello(true).await;
    b1.hello(false).await;
    // Each gets its own room's signal first; a cross-room relay would show up here.
    a2.expect(ServerMsg::Signal {
        signal: Signal::Hello { live_call: true },
    })
    .await;
    b2.expect(ServerMsg::Signal {
        signal: Signal::Hello { live_call: false },
    })
    .await;
    a2.hello(true).await;
    a1.expect(ServerMsg::Signal {
        signal: Signal::Hello { live_call: true },
    })
    .await;
    // A leaving in one room tells nobody in the other.
    a1.send(&ClientMsg::Leave).await;
    a1.expect(ServerMsg::Left).await;
    a2.expect(ServerMsg::PeerLeft {
        reason: LeaveReason::HungUp,
    })
    .await;
    assert_relays(&mut b1, &mut b2).await;
    finish!(server, a1, a2, b1, b2);
}

#[actix_web::test]
async fn a_third_joiner_is_refused_stays_connected_and_can_try_another_room() {
    let server = start(&[]).await;
    let (mut a, _, mut b, _) = pair(server.addr(), "crowded").await;
    let mut c = Client::connect(server.addr()).await;
    c.send(&ClientMsg::Join {
        room: room("CROWDED"),
        resume: None,
    })
    .await;
    c.expect_error(ErrorCode::RoomFull).await;
    // The refusal disturbed nobody.
    assert_relays(&mut a, &mut b).await;
    let elsewhere = c.join("quiet").await;
    assert!(!elsewhere.peer_present);
    finish!(server, a, b, c);
}

#[actix_web::test]
async fn a_hundred_simultaneous_joins_of_a_fresh_room_admit_exactly_two() {
    // All from one address: lift its join limit (tested on its own in `limits`).
    let server = start(&["--join-burst-per-ip", "100"]).await;
    let addr = server.addr();
    let mut clients = join_all((0..100).map(|_| Client::connect(addr))).await;
    let join = ClientMsg::Join {
        room: room("stampede"),
        resume: None,
    };
    join_all(clients.iter_mut().map(|c| c.send(&join))).await;
    let answers = join_all(clients.iter_mut().map(|c| c.recv())).await;
    let admitted: Vec<Role> = answers
        .iter()
        .filter_map(|a| match a {
            ServerMsg::Joined { role, .. } => Some(*role),
            _ => None,
        })
        .collect();
    let full = answers
        .iter()
        .filter(|a| {
            matches!(
                a,
                ServerMsg::Error {
                    code: ErrorCode::RoomFull,
                    ..
                }
            )
        })
        .count();
    assert_eq!(admitted.len(), 2, "{answers:?}");
    assert_eq!(full, 98);
    assert_eq!(admitted[0], admitted[1].other());
    finish!(server, clients);
}

#[actix_web::test]
async fn a_clean_leave_tells_the_peer_within_a_second_and_frees_the_slot() {
    let server = start(&[]).await;
    let (mut a, _, mut b, _) = pair(server.addr(), "goodbye").await;
    let sent = Instant::now();
    a.send(&ClientMsg::Leave).await;
    b.expect(ServerMsg::PeerLeft {
        reason: LeaveReason::HungUp,
    })
    .await;
    let took = sent.elapsed();
    assert!(took < Duration::from_secs(1), "peer_left took {took:?}");
    a.expect(ServerMsg::Left).await;
    // Now in no room: signalling or leaving again is refused, joining works.
    a.hello(true).await;
    a.expect_error(ErrorCode::NotInRoom).await;
    a.send(&ClientMsg::Leave).await;
    a.expect_error(ErrorCode::NotInRoom).await;
    // The slot is free: a newcomer gets in, and `b` hears of it.
    let mut c = Client::connect(server.addr()).await;
    let jc = c.join("goodbye").await;
    assert!(jc.peer_present);
    b.expect(ServerMsg::PeerJoined).await;
    assert_relays(&mut b, &mut c).await;
    finish!(server, a, b, c);
}

#[actix_web::test]
async fn a_close_frame_is_a_hang_up() {
    let server = start(&[]).await;
    let (mut a, _, mut b, _) = pair(server.addr(), "closing").await;
    let sent = Instant::now();
    within("closing", a.ws.close(None)).await.expect("close");
    b.expect(ServerMsg::PeerLeft {
        reason: LeaveReason::HungUp,
    })
    .await;
    assert!(sent.elapsed() < Duration::from_secs(1));
    finish!(server, a, b);
}

#[actix_web::test]
async fn a_dropped_tcp_connection_is_a_lost_connection() {
    let server = start(&[]).await;
    let (a, _, mut b, _) = pair(server.addr(), "dropping").await;
    // No close frame: the socket just goes away.
    drop(a);
    b.expect(ServerMsg::PeerLeft {
        reason: LeaveReason::ConnectionLost,
    })
    .await;
    finish!(server, b);
}

#[actix_web::test]
async fn a_silent_client_is_dropped_after_the_heartbeat_timeout() {
    let server = start(&["--heartbeat-interval", "50ms", "--client-timeout", "300ms"]).await;
    // Nothing from `silent` reaches the service before this instant, so it cannot be
    // dropped less than the timeout after it.
    let before = Instant::now();
    let (mut silent, _, mut b, _) = pair(server.addr(), "silence").await;
    // `silent` keeps its socket open but never reads again, so it never answers a ping;
    // `b` reads (and so answers pings) while it waits.
    b.expect(ServerMsg::PeerLeft {
        reason: LeaveReason::ConnectionLost,
    })
    .await;
    assert!(
        before.elapsed() >= Duration::from_millis(300),
        "dropped too early"
    );
    // The service closed `silent` with 1001 (going away), as docs/protocol.md says; the
    // close frame waits in its socket, after the pings it never answered.
    let (code, texts) = silent.recv_close().await;
    assert_eq!(
        code,
        Some(tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::Away),
        "{texts:?}"
    );
    drop(silent);
    // `b` itself, answering pings, is still there.
    let mut c = Client::connect(server.addr()).await;
    assert!(c.join("silence").await.peer_present);
    b.expect(ServerMsg::PeerJoined).await;
    finish!(server, b, c);
}

#[actix_web::test]
async fn a_resume_token_takes_over_a_stale_session_at_once() {
    let server = start(&[]).await;
    let (mut old, jold, mut b, _) = pair(server.addr(), "comeback").await;
    // The old connection is still open: the service has not noticed anything wrong with it.
    let mut new = Client::connect(server.addr()).await;
    let jnew = new.join_with("comeback", Some(jold.resume.clone())).await;
    assert_eq!(jnew.role, jold.role, "the slot's role comes back");
    assert_eq!(jnew.resume, jold.resume, "the slot's token stays");
    assert!(jnew.peer_present);
    // The peer is told of the new pairing (so both redo hello), never that anyone left.
    b.expect(ServerMsg::PeerJoined).await;
    // The stale connection is told and closed.
    let (code, texts) = old.recv_close().await;
    assert_eq!(
        code,
        Some(tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::Normal)
    );
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(matches!(
        ServerMsg::decode(&texts[0]),
        Ok(ServerMsg::Error {
            code: ErrorCode::SessionReplaced,
            ..
        })
    ));
    // The old connection closing does not evict its successor: relay still works, and the
    // first thing `b` hears after the close is the new session's signal, not a peer_left.
    assert_relays(&mut new, &mut b).await;
    finish!(server, old, b, new);
}

#[actix_web::test]
async fn a_resume_token_works_when_the_old_connection_was_already_dropped() {
    let server = start(&[]).await;
    let (old, jold, mut b, _) = pair(server.addr(), "reload").await;
    drop(old);
    b.expect(ServerMsg::PeerLeft {
        reason: LeaveReason::ConnectionLost,
    })
    .await;
    // The slot is gone and the token with it: coming back is a plain join, still admitted.
    let mut new = Client::connect(server.addr()).await;
    let jnew = new.join_with("reload", Some(jold.resume.clone())).await;
    assert_ne!(jnew.resume, jold.resume, "an expired token is not reissued");
    assert!(jnew.peer_present);
    b.expect(ServerMsg::PeerJoined).await;
    finish!(server, b, new);
}

#[actix_web::test]
async fn a_resume_token_is_good_for_its_own_room_only() {
    let server = start(&[]).await;
    let mut a = Client::connect(server.addr()).await;
    let ja = a.join("mine").await;
    let mut thief = Client::connect(server.addr()).await;
    thief
        .send(&ClientMsg::Join {
            room: room("theirs"),
            resume: Some(ja.resume.clone()),
        })
        .await;
    thief.expect_error(ErrorCode::InvalidResumeToken).await;
    // Still connected, and still free to join without it.
    assert!(!thief.join("theirs").await.peer_present);
    // `a` kept its place.
    let mut b = Client::connect(server.addr()).await;
    assert!(b.join("mine").await.peer_present);
    a.expect(ServerMsg::PeerJoined).await;
    finish!(server, a, thief, b);
}

#[actix_web::test]
async fn an_unknown_token_is_a_plain_join() {
    let server = start(&[]).await;
    let mut a = Client::connect(server.addr()).await;
    let stranger = ResumeToken::from_bytes([7; 16]);
    let ja = a.join_with("fresh", Some(stranger.clone())).await;
    assert_ne!(ja.resume, stranger);
    assert_eq!(ja.role, Role::Impolite);
    finish!(server, a);
}

#[actix_web::test]
async fn after_a_restart_an_old_token_is_a_plain_join() {
    let server = start(&[]).await;
    let mut a = Client::connect(server.addr()).await;
    let ja = a.join("survivor").await;
    // Stopping closes every socket with 1001 (going away). Read meanwhile, as a browser
    // would, so the close handshake completes and the stop need not wait for it.
    let (stopped, (code, _)) = tokio::join!(server.stop(), a.recv_close());
    stopped.expect("stop");
    assert_eq!(
        code,
        Some(tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::Away)
    );

    let server = start(&[]).await;
    let mut again = Client::connect(server.addr()).await;
    let jagain = again.join_with("survivor", Some(ja.resume)).await;
    assert!(!jagain.peer_present);
    finish!(server, again);
}

#[actix_web::test]
async fn joining_twice_and_leaving_while_joining_are_handled() {
    let server = start(&[]).await;
    let (mut a, _, mut b, _) = pair(server.addr(), "twice").await;
    a.send(&ClientMsg::Join {
        room: room("elsewhere"),
        resume: None,
    })
    .await;
    a.expect_error(ErrorCode::AlreadyInRoom).await;
    assert_relays(&mut a, &mut b).await;

    // A join abandoned before its answer: `leave` wins, the late answer is swallowed, and
    // the slot does not stay taken.
    let mut c = Client::connect(server.addr()).await;
    c.send(&ClientMsg::Join {
        room: room("fickle"),
        resume: None,
    })
    .await;
    c.send(&ClientMsg::Leave).await;
    // The join may or may not have got in before the leave: either way `left` ends it.
    match c.recv().await {
        ServerMsg::Left => {}
        ServerMsg::Joined { .. } => c.expect(ServerMsg::Left).await,
        other => panic!("expected joined or left, got {other:?}"),
    }
    let jc = c.join("fickle").await;
    assert!(!jc.peer_present, "the abandoned join left no ghost behind");
    finish!(server, a, b, c);
}

/// `a` then `b` leave their room; the lobby then forgets it and its tokens.
async fn both_leave_and_the_room_is_forgotten(
    server: &signaling::Server,
    a: &mut Client,
    b: &mut Client,
) {
    a.send(&ClientMsg::Leave).await;
    a.expect(ServerMsg::Left).await;
    b.expect(ServerMsg::PeerLeft {
        reason: LeaveReason::HungUp,
    })
    .await;
    b.send(&ClientMsg::Leave).await;
    b.expect(ServerMsg::Left).await;
    // The room reports itself empty to the lobby after the leaves, on its own time: ask the
    // lobby until it has forgotten the room (each question waits behind what it has to do).
    let stats = within("the lobby to forget the empty room", async {
        loop {
            let stats = server.stats().await.expect("stats");
            if stats.rooms == 0 {
                return stats;
            }
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert_eq!((stats.rooms, stats.tokens), (0, 0), "{stats:?}");
}

#[actix_web::test]
async fn rooms_are_forgotten_when_empty() {
    let server = start(&[]).await;
    let (mut a, _, mut b, _) = pair(server.addr(), "ephemeral").await;
    both_leave_and_the_room_is_forgotten(&server, &mut a, &mut b).await;
    finish!(server, a, b);
}

/// With one worker the lobby runs on that worker's thread, started only when the worker builds
/// its app: the service must answer from its first moment and keep its books as before.
#[actix_web::test]
async fn one_worker_runs_the_lobby_rooms_and_sessions_on_its_thread() {
    let server = start_one_worker().await;
    // Asked at once: should the lobby not be running yet, the question waits in its mailbox.
    let stats = within("the lobby's first answer", server.stats())
        .await
        .expect("stats");
    assert_eq!((stats.rooms, stats.sessions), (0, 0), "{stats:?}");
    let (mut a, _, mut b, _) = pair(server.addr(), "one worker").await;
    assert_relays(&mut a, &mut b).await;
    let stats = server.stats().await.expect("stats");
    assert_eq!((stats.rooms, stats.sessions), (1, 2), "{stats:?}");
    both_leave_and_the_room_is_forgotten(&server, &mut a, &mut b).await;
    finish!(server, a, b);
}
