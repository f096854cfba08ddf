//! The floor: a bare tokio-tungstenite relay with default settings. A client connects to
//! `/<room>`, is told `joined`, and every text frame it sends goes to the other client of the
//! same path. No protocol, no checks: the least a relay can cost, to compare servers against.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::Message;

type Outbox = mpsc::UnboundedSender<Message>;

/// Room path → the members' outboxes, with a connection id each.
type Rooms = Arc<Mutex<HashMap<String, Vec<(u64, Outbox)>>>>;

fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9100".into());
    // One worker thread, like `duet-signaling --workers 1`.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(&bind).await?;
        println!("floor listening on {}", listener.local_addr()?);
        let rooms: Rooms = Arc::default();
        let mut next_id = 0u64;
        loop {
            let (stream, _) = listener.accept().await?;
            next_id += 1;
            tokio::spawn(serve(stream, rooms.clone(), next_id));
        }
    })
}

// The handshake callback's error type is tungstenite's, not ours to shrink.
#[allow(clippy::result_large_err)]
async fn serve(stream: TcpStream, rooms: Rooms, id: u64) {
    let mut path = String::new();
    let ws = tokio_tungstenite::accept_hdr_async(stream, |req: &Request, resp: Response| {
        path = req.uri().path().to_owned();
        Ok(resp)
    })
    .await;
    let Ok(ws) = ws else { return };
    let (mut sink, mut stream) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Message>();
    {
        let mut rooms = rooms.lock().unwrap_or_else(PoisonError::into_inner);
        let members = rooms.entry(path.clone()).or_default();
        if members.len() >= 2 {
            return;
        }
        for (_, other) in members.iter() {
            let _ = other.send(Message::text("peer_joined"));
        }
        members.push((id, tx.clone()));
    }
    let _ = tx.send(Message::text("joined"));
    let writer = tokio::spawn(async move {
        while let Some(msg) = rx.recv().await {
            if sink.send(msg).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(msg)) = stream.next().await {
        if let Message::Text(_) = &msg {
            let rooms = rooms.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(members) = rooms.get(&path) {
                for (other_id, other) in members {
                    if *other_id != id {
                        let _ = other.send(msg.clone());
                    }
                }
            }
        }
    }
    {
        let mut rooms = rooms.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(members) = rooms.get_mut(&path) {
            members.retain(|(other, _)| *other != id);
            if members.is_empty() {
                rooms.remove(&path);
            }
        }
    }
    writer.abort();
}
