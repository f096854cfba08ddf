//! Bad input gets a typed error or the right close code, and never disturbs other rooms.

use futures_util::SinkExt;
use shared::{ClientMsg, ErrorCode, ServerMsg, MAX_MESSAGE_BYTES};
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::Message;

use crate::support::{assert_relays, finish, pair, room, start, within, Client};
use signaling::Server;

#[actix_web::test]
async fn every_bad_frame_gets_a_typed_error_and_the_connection_stays_open() {
    let server = start(&[]).await;
    let (mut a, _, mut b, _) = pair(server.addr(), "bystanders").await;
    let mut c = Client::connect(server.addr()).await;
    let too_long = format!(r#"{{"type":"join","room":"{}"}}"#, "x".repeat(65));
    let cases: Vec<(&str, String, ErrorCode)> = vec![
        ("not JSON", "{nope".into(), ErrorCode::MalformedMessage),
        (
            "JSON but not an object",
            "[1,2,3]".into(),
            ErrorCode::MalformedMessage,
        ),
        (
            "no type",
            r#"{"room":"x"}"#.into(),
            ErrorCode::MalformedMessage,
        ),
        (
            "unknown type",
            r#"{"type":"dance"}"#.into(),
            ErrorCode::UnknownType,
        ),
        (
            "join without room",
            r#"{"type":"join"}"#.into(),
            ErrorCode::MalformedMessage,
        ),
        (
            "signal without payload",
            r#"{"type":"signal"}"#.into(),
            ErrorCode::MalformedMessage,
        ),
        (
            "blank room name",
            r#"{"type":"join","room":"   "}"#.into(),
            ErrorCode::InvalidRoomName,
        ),
        (
            "control character",
            r#"{"type":"join","room":"a\nb"}"#.into(),
            ErrorCode::InvalidRoomName,
        ),
        ("room name too long", too_long, ErrorCode::InvalidRoomName),
        (
            "malformed token",
            r#"{"type":"join","room":"a","resume":"xyz"}"#.into(),
            ErrorCode::InvalidResumeToken,
        ),
        (
            "signal in no room",
            r#"{"type":"signal","signal":{"kind":"hello","live_call":false}}"#.into(),
            ErrorCode::NotInRoom,
        ),
        (
            "leave in no room",
            r#"{"type":"leave"}"#.into(),
            ErrorCode::NotInRoom,
        ),
    ];
    for (what, frame, code) in cases {
        c.send_text(frame).await;
        match c.recv().await {
            ServerMsg::Error { code: got, message } => {
                assert_eq!(got, code, "{what}: {message}");
                assert!(!message.is_empty(), "{what}: errors explain themselves");
            }
            other => panic!("{what}: expected error {code}, got {other:?}"),
        }
        assert_relays(&mut a, &mut b).await;
    }

    within("a binary frame", c.ws.send(Message::binary(vec![1, 2, 3])))
        .await
        .expect("send");
    c.expect_error(ErrorCode::UnsupportedFrame).await;
    assert_relays(&mut a, &mut b).await;

    // After all that, the same connection still works.
    assert!(!c.join("after the storm").await.peer_present);
    finish!(server, a, b, c);
}

#[actix_web::test]
async fn a_frame_over_the_cap_is_refused_and_closed_with_1009() {
    let server = start(&[]).await;
    let (mut a, _, mut b, _) = pair(server.addr(), "bystanders").await;
    let mut c = Client::connect(server.addr()).await;
    // Exactly the cap is fine: it is decoded (and refused as unknown, being padding).
    let at_cap = format!(
        r#"{{"type":"x","pad":"{}"}}"#,
        "y".repeat(MAX_MESSAGE_BYTES - 21)
    );
    assert_eq!(at_cap.len(), MAX_MESSAGE_BYTES);
    c.send_text(at_cap).await;
    c.expect_error(ErrorCode::UnknownType).await;

    let over = format!(
        r#"{{"type":"x","pad":"{}"}}"#,
        "y".repeat(MAX_MESSAGE_BYTES - 20)
    );
    c.send_text(over).await;
    let (code, texts) = c.recv_close().await;
    assert_eq!(code, Some(CloseCode::Size));
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(matches!(
        ServerMsg::decode(&texts[0]),
        Ok(ServerMsg::Error {
            code: ErrorCode::MessageTooLarge,
            ..
        })
    ));
    assert_relays(&mut a, &mut b).await;
    finish!(server, a, b, c);
}

#[actix_web::test]
async fn a_huge_frame_is_refused_on_its_header_without_waiting_for_the_payload() {
    use tokio::io::AsyncWriteExt;
    use tokio_tungstenite::MaybeTlsStream;

    let server = start(&[]).await;
    let (mut a, _, mut b, _) = pair(server.addr(), "bystanders").await;
    let mut c = Client::connect(server.addr()).await;
    // A masked text frame header declaring 1 GiB, and a few bytes of it: written straight to
    // the socket, since a WebSocket library would insist on sending the whole gigabyte.
    let mut header = vec![0x81, 0x80 | 127];
    header.extend_from_slice(&(1u64 << 30).to_be_bytes());
    header.extend_from_slice(&[9, 9, 9, 9]);
    header.extend_from_slice(b"{\"type\":");
    let MaybeTlsStream::Plain(socket) = c.ws.get_mut() else {
        panic!("expected a plain TCP stream");
    };
    within("writing a header", socket.write_all(&header))
        .await
        .expect("write");
    let (code, texts) = c.recv_close().await;
    assert_eq!(code, Some(CloseCode::Size));
    assert!(
        texts.iter().any(|t| t.contains("message_too_large")),
        "{texts:?}"
    );
    assert_relays(&mut a, &mut b).await;
    finish!(server, a, b, c);
}

#[actix_web::test]
async fn a_fragmented_message_is_assembled_and_capped_as_a_whole() {
    let server = start(&[]).await;
    let mut c = Client::connect(server.addr()).await;
    let join = ClientMsg::<shared::Signal>::Join {
        room: room("in pieces"),
        resume: None,
    }
    .encode();
    let (first, rest) = join.split_at(10);
    send_frame(
        &mut c,
        Frame::message(first.as_bytes().to_vec(), OpCode::Data(Data::Text), false),
    )
    .await;
    send_frame(
        &mut c,
        Frame::message(rest.as_bytes().to_vec(), OpCode::Data(Data::Continue), true),
    )
    .await;
    assert!(matches!(c.recv().await, ServerMsg::Joined { .. }));

    // Pieces each under the cap, together over it.
    let half = vec![b' '; MAX_MESSAGE_BYTES / 2 + 1];
    send_frame(
        &mut c,
        Frame::message(b"{".to_vec(), OpCode::Data(Data::Text), false),
    )
    .await;
    send_frame(
        &mut c,
        Frame::message(half.clone(), OpCode::Data(Data::Continue), false),
    )
    .await;
    send_frame(
        &mut c,
        Frame::message(half, OpCode::Data(Data::Continue), true),
    )
    .await;
    let (code, texts) = c.recv_close().await;
    assert_eq!(code, Some(CloseCode::Size));
    assert!(
        texts.iter().any(|t| t.contains("message_too_large")),
        "{texts:?}"
    );
    finish!(server, c);
}

#[actix_web::test]
async fn a_fragmented_binary_message_is_capped_as_a_whole() {
    let server = start(&[]).await;
    let (mut a, _, mut b, _) = pair(server.addr(), "bystanders").await;
    let mut c = Client::connect(server.addr()).await;
    // A small one is refused as binary, once whole, and the connection stays.
    send_frame(
        &mut c,
        Frame::message(vec![1, 2], OpCode::Data(Data::Binary), false),
    )
    .await;
    send_frame(
        &mut c,
        Frame::message(vec![3], OpCode::Data(Data::Continue), true),
    )
    .await;
    c.expect_error(ErrorCode::UnsupportedFrame).await;

    // Pieces each well under the cap, together over it: refused before the last arrives.
    let piece = vec![0u8; 16 * 1024];
    send_frame(
        &mut c,
        Frame::message(piece.clone(), OpCode::Data(Data::Binary), false),
    )
    .await;
    for _ in 0..4 {
        send_frame(
            &mut c,
            Frame::message(piece.clone(), OpCode::Data(Data::Continue), false),
        )
        .await;
    }
    let (code, texts) = c.recv_close().await;
    assert_eq!(code, Some(CloseCode::Size));
    let codes = error_codes(&texts);
    assert_eq!(codes, [ErrorCode::MessageTooLarge], "{texts:?}");
    assert_relays(&mut a, &mut b).await;
    finish!(server, a, b, c);
}

/// A service with a small bucket (a burst of 5, refilling 1 a second) that closes after 3
/// refusals in a row, so a flood test reaches every stage in a few frames.
async fn start_flood_limited() -> Server {
    start(&[
        "--rate-limit-burst",
        "5",
        "--rate-limit-per-second",
        "1",
        "--rate-limit-strikes",
        "3",
    ])
    .await
}

/// Each continuation frame pays the rate limit as a text frame does: a message cut into
/// many pieces cannot slip past it, and a flood of pieces ends in 1008 like any flood.
#[actix_web::test]
async fn continuation_frames_count_against_the_rate_limit() {
    let server = start_flood_limited().await;
    let (mut a, _, mut b, _) = pair(server.addr(), "bystanders").await;
    let mut flooder = Client::connect(server.addr()).await;
    // One message in burst + strikes frames (so the service has read everything when it
    // closes): the first five are admitted, the next refused, and the message with them.
    let leave = br#"{"type":"leave"}"#;
    let frames = 5 + 3;
    let pieces = leave.chunks(2).map(<[u8]>::to_vec).collect::<Vec<_>>();
    assert_eq!(pieces.len(), frames);
    for (i, piece) in pieces.into_iter().enumerate() {
        let opcode = if i == 0 { Data::Text } else { Data::Continue };
        flooder
            .ws
            .feed(Message::Frame(Frame::message(
                piece,
                OpCode::Data(opcode),
                i + 1 == frames,
            )))
            .await
            .expect("feed");
    }
    within("the flood", flooder.ws.flush())
        .await
        .expect("flush");
    let (code, texts) = flooder.recv_close().await;
    // Never a `not_in_room`: the message was dropped, not handled.
    assert_eq!(
        error_codes(&texts),
        [ErrorCode::RateLimited; 3],
        "{texts:?}"
    );
    assert_eq!(code, Some(CloseCode::Policy));

    assert_relays(&mut a, &mut b).await;
    finish!(server, a, b, flooder);
}

/// The error codes of the service's text frames.
fn error_codes(texts: &[String]) -> Vec<ErrorCode> {
    texts
        .iter()
        .map(|t| match ServerMsg::decode(t) {
            Ok(ServerMsg::Error { code, .. }) => code,
            other => panic!("expected an error, got {other:?}"),
        })
        .collect()
}

async fn send_frame(c: &mut Client, frame: Frame) {
    within("a frame", c.ws.send(Message::Frame(frame)))
        .await
        .expect("send frame");
}

#[actix_web::test]
async fn a_flood_is_rate_limited_then_closed_with_1008() {
    let server = start_flood_limited().await;
    let (mut a, _, mut b, _) = pair(server.addr(), "bystanders").await;
    let mut flooder = Client::connect(server.addr()).await;
    // Exactly burst + strikes messages, so the service has read everything when it closes
    // (closing on unread data would reset the connection and lose the last answers).
    for _ in 0..5 + 3 {
        flooder
            .ws
            .feed(Message::text(r#"{"type":"leave"}"#))
            .await
            .expect("feed");
    }
    within("the flood", flooder.ws.flush())
        .await
        .expect("flush");
    let (code, texts) = flooder.recv_close().await;
    assert_eq!(
        error_codes(&texts),
        [
            [ErrorCode::NotInRoom; 5].as_slice(),
            [ErrorCode::RateLimited; 3].as_slice()
        ]
        .concat()
    );
    assert_eq!(code, Some(CloseCode::Policy));
    // The bystanders, with their own buckets, are unaffected.
    assert_relays(&mut a, &mut b).await;
    finish!(server, a, b, flooder);
}

#[actix_web::test]
async fn a_negotiation_burst_fits_the_default_rate_limit() {
    let server = start(&[]).await;
    let (mut a, _, mut b, _) = pair(server.addr(), "chatty").await;
    let signal = r#"{"type":"signal","signal":{"kind":"candidate","candidate":{"candidate":"candidate:1 1 udp 1 192.0.2.1 1 typ host"}}}"#;
    for _ in 0..60 {
        a.ws.feed(Message::text(signal)).await.expect("feed");
    }
    within("the burst", a.ws.flush()).await.expect("flush");
    for _ in 0..60 {
        assert_eq!(b.recv_text().await, signal);
    }
    finish!(server, a, b);
}
