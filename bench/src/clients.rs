//! The clients: WebSocket connections from many source addresses, joining a room and relaying
//! timestamped messages in each server's own protocol (Duet's, the bare relay's, matchbox's and
//! PeerJS's).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::cli::Kind;

/// A client's WebSocket.
pub type Ws = WebSocketStream<TcpStream>;

/// Microseconds since the tool started: the timestamp carried in relayed messages.
pub fn now_us(epoch: Instant) -> u64 {
    epoch.elapsed().as_micros() as u64
}

/// Where clients connect, and how they speak.
#[derive(Clone, Copy)]
pub struct ServerRef {
    pub kind: Kind,
    pub port: u16,
}

/// Connects a client from 127.0.0.`source` and joins `room`; answers the socket and the
/// time from connect to admitted.
pub async fn join(
    server: ServerRef,
    room: &str,
    who: &str,
    source: u8,
) -> std::io::Result<(Ws, Duration)> {
    let started = Instant::now();
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from(([127, 0, 0, source.max(1)], 0)))?;
    let stream = socket
        .connect(SocketAddr::from(([127, 0, 0, 1], server.port)))
        .await?;
    stream.set_nodelay(true)?;
    let url = match server.kind {
        Kind::Duet => format!("ws://127.0.0.1:{}/ws", server.port),
        Kind::Floor | Kind::Matchbox => format!("ws://127.0.0.1:{}/{room}", server.port),
        // PeerJS has no rooms: each client picks its id, and the tool pairs `<room>-a` with
        // `<room>-b`.
        Kind::Peerjs => format!(
            "ws://127.0.0.1:{}/peerjs?key=peerjs&id={room}-{who}&token=t",
            server.port
        ),
    };
    let (mut ws, _) = tokio_tungstenite::client_async(url, stream)
        .await
        .map_err(std::io::Error::other)?;
    if server.kind == Kind::Duet {
        let join = format!(r#"{{"type":"join","room":"{room}"}}"#);
        ws.send(Message::text(join))
            .await
            .map_err(std::io::Error::other)?;
    }
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => {
                let text = text.as_str();
                if text == "joined"
                    || text.starts_with(r#"{"type":"joined""#)
                    || text.starts_with(r#"{"IdAssigned""#)
                    || text == r#"{"type":"OPEN"}"#
                {
                    return Ok((ws, started.elapsed()));
                }
                if text.contains("error") {
                    return Err(std::io::Error::other(text.to_owned()));
                }
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(std::io::Error::other(e)),
            None => return Err(std::io::Error::other("closed while joining")),
        }
    }
}

/// A relayed message stamped with `t` microseconds, padded with `pad`, for peer `to` (only
/// matchbox addresses messages; it names peers by the id in its `NewPeer` event).
pub fn stamped(kind: Kind, to: &str, t: u64, pad: &str) -> Message {
    Message::text(match kind {
        Kind::Duet => format!(r#"{{"type":"signal","signal":{{"t":{t},"p":"{pad}"}}}}"#),
        Kind::Floor => format!(r#"{{"t":{t},"p":"{pad}"}}"#),
        Kind::Matchbox => {
            format!(r#"{{"Signal":{{"receiver":"{to}","data":{{"t":{t},"p":"{pad}"}}}}}}"#)
        }
        Kind::Peerjs => {
            format!(r#"{{"type":"OFFER","dst":"{to}","payload":{{"t":{t},"p":"{pad}"}}}}"#)
        }
    })
}

/// Whether `text` tells the first client that the second arrived; with matchbox, the
/// newcomer's id (empty for the others, which need none).
pub fn peer_arrived(text: &str) -> Option<String> {
    if text == "peer_joined" || text.starts_with(r#"{"type":"peer_joined""#) {
        return Some(String::new());
    }
    let id = text.strip_prefix(r#"{"NewPeer":""#)?;
    Some(id.trim_end_matches(['"', '}']).to_owned())
}

/// Reads `stream` until the second client's arrival; answers its id (see [`peer_arrived`]).
/// PeerJS tells nobody of arrivals: there, B's id is known (`<room>-b`) and B is there once
/// it has been told `OPEN`.
pub async fn await_peer(
    kind: Kind,
    room: &str,
    stream: &mut SplitStream<Ws>,
) -> std::io::Result<String> {
    if kind == Kind::Peerjs {
        return Ok(format!("{room}-b"));
    }
    while let Some(msg) = stream.next().await {
        if let Message::Text(text) = msg.map_err(std::io::Error::other)? {
            if let Some(id) = peer_arrived(text.as_str()) {
                return Ok(id);
            }
        }
    }
    Err(std::io::Error::other("closed before the peer came"))
}

/// The stamp of a relayed message, if it is one.
pub fn stamp_of(text: &str) -> Option<u64> {
    let at = text.find(r#""t":"#)? + 4;
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Reads a client's socket to the end (pings, joins, stray messages), so it never stalls.
pub fn drain(mut stream: SplitStream<Ws>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} })
}

/// Two clients in a room: `a` sends, `b` receives.
pub struct Pair {
    pub a: SplitSink<Ws, Message>,
    /// B's id, for matchbox.
    pub to: String,
    pub a_reader: tokio::task::JoinHandle<()>,
    pub b: SplitStream<Ws>,
    pub _b_sink: SplitSink<Ws, Message>,
}

/// `count` rooms of two, joined 64 at a time from `sources` source addresses; answers them and
/// every join's time (ns).
pub async fn pairs(
    server: ServerRef,
    count: usize,
    sources: u8,
    prefix: &str,
) -> (Vec<Pair>, Vec<u64>) {
    let limit = Arc::new(Semaphore::new(64));
    let mut tasks = Vec::new();
    for i in 0..count {
        let limit = limit.clone();
        let room = format!("{prefix}{i}");
        let src_a = (1 + (2 * i) % sources as usize) as u8;
        let src_b = (1 + (2 * i + 1) % sources as usize) as u8;
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.expect("semaphore");
            let (a, ta) = join(server, &room, "a", src_a).await?;
            let (b, tb) = join(server, &room, "b", src_b).await?;
            let (a, mut a_stream) = a.split();
            let to = await_peer(server.kind, &room, &mut a_stream).await?;
            let (b_sink, b) = b.split();
            Ok::<_, std::io::Error>((
                Pair {
                    a,
                    to,
                    a_reader: drain(a_stream),
                    b,
                    _b_sink: b_sink,
                },
                [ta.as_nanos() as u64, tb.as_nanos() as u64],
            ))
        }));
    }
    let mut out = Vec::new();
    let mut joins = Vec::new();
    for task in tasks {
        let (pair, times) = task.await.expect("task").expect("pair");
        out.push(pair);
        joins.extend(times);
    }
    (out, joins)
}
