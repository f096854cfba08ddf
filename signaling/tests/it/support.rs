//! A real server on an ephemeral port and real WebSocket clients, with waits that time out
//! instead of sleeps.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use shared::{ClientMsg, ErrorCode, IceServer, ResumeToken, Role, RoomName, ServerMsg, Signal};
use signaling::{Config, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Longest wait for anything that should happen promptly. Generous so that a loaded CI
/// machine does not fail a test; a passing run never waits this long.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// Waits for `fut`, failing the test with `what` if it takes longer than [`PATIENCE`].
pub async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    match tokio::time::timeout(PATIENCE, fut).await {
        Ok(value) => value,
        Err(_) => panic!("timed out waiting for {what}"),
    }
}

/// The HTTP status of a refused WebSocket upgrade; panics if the upgrade was not refused.
pub fn refused_status(result: Result<Client, tungstenite::Error>) -> u16 {
    match result {
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("expected an HTTP refusal, got {e}"),
        Ok(_) => panic!("expected a refusal, the upgrade was accepted"),
    }
}

/// Starts the service on 127.0.0.1 with an OS-chosen port, plus any extra flags.
pub async fn start(extra: &[&str]) -> Server {
    let args = ["duet-signaling", "--bind", "127.0.0.1:0", "--workers", "2"];
    let config = Config::try_parse_from(args.iter().chain(extra))
        .unwrap_or_else(|e| panic!("test flags do not parse: {e}"));
    signaling::start(config)
        .await
        .unwrap_or_else(|e| panic!("server did not start: {e}"))
}

/// Starts the service with a single HTTP worker: the lobby, the rooms and every session then
/// share that worker's thread.
pub async fn start_one_worker() -> Server {
    let args = ["duet-signaling", "--bind", "127.0.0.1:0", "--workers", "1"];
    let config =
        Config::try_parse_from(args).unwrap_or_else(|e| panic!("test flags do not parse: {e}"));
    signaling::start(config)
        .await
        .unwrap_or_else(|e| panic!("server did not start: {e}"))
}

/// Parse a room name that the test knows is valid.
pub fn room(name: &str) -> RoomName {
    RoomName::parse(name).unwrap_or_else(|e| panic!("{name:?}: {e}"))
}

/// A browser stand-in.
pub struct Client {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What [`Client::join`] got back.
#[derive(Debug)]
pub struct Joined {
    pub role: Role,
    pub resume: ResumeToken,
    pub peer_present: bool,
    pub ice_servers: Vec<IceServer>,
}

impl Client {
    /// Connects to `/ws` without an `Origin` header, as a non-browser client does.
    pub async fn connect(addr: SocketAddr) -> Self {
        Self::connect_with(addr, &[])
            .await
            .unwrap_or_else(|e| panic!("connect: {e}"))
    }

    /// Connects to `/ws` with extra request headers.
    pub async fn connect_with(
        addr: SocketAddr,
        headers: &[(&str, &str)],
    ) -> Result<Self, tungstenite::Error> {
        let mut request = format!("ws://{addr}/ws").into_client_request()?;
        for (name, value) in headers {
            let value = HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{value}: {e}"));
            let name = tungstenite::http::HeaderName::from_bytes(name.as_bytes())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            request.headers_mut().insert(name, value);
        }
        let (ws, _) = within(
            "the WebSocket handshake",
            tokio_tungstenite::connect_async(request),
        )
        .await?;
        Ok(Self { ws })
    }

    /// Sends a text frame as is.
    pub async fn send_text(&mut self, text: impl Into<String>) {
        let text: String = text.into();
        within("a send", self.ws.send(Message::text(text)))
            .await
            .unwrap_or_else(|e| panic!("send: {e}"));
    }

    /// Sends a protocol message.
    pub async fn send(&mut self, msg: &ClientMsg<Signal>) {
        self.send_text(msg.encode()).await;
    }

    /// The next text frame, raw. Fails on a close or after [`PATIENCE`].
    pub async fn recv_text(&mut self) -> String {
        loop {
            match within("a message", self.ws.next()).await {
                Some(Ok(Message::Text(text))) => return text.as_str().to_owned(),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                other => panic!("expected a text frame, got {other:?}"),
            }
        }
    }

    /// The next message from the service.
    pub async fn recv(&mut self) -> ServerMsg {
        let text = self.recv_text().await;
        ServerMsg::decode(&text).unwrap_or_else(|e| panic!("undecodable {text:?}: {e}"))
    }

    /// Expects the next message to be an error with `code`.
    pub async fn expect_error(&mut self, code: ErrorCode) {
        match self.recv().await {
            ServerMsg::Error { code: got, .. } if got == code => {}
            other => panic!("expected error {code}, got {other:?}"),
        }
    }

    /// Expects the next message to be `msg`.
    pub async fn expect(&mut self, msg: ServerMsg) {
        assert_eq!(self.recv().await, msg);
    }

    /// Joins `name` and expects to be admitted.
    pub async fn join(&mut self, name: &str) -> Joined {
        self.join_with(name, None).await
    }

    /// Joins `name` with a resume token and expects to be admitted.
    pub async fn join_with(&mut self, name: &str, resume: Option<ResumeToken>) -> Joined {
        self.send(&ClientMsg::Join {
            room: room(name),
            resume,
        })
        .await;
        match self.recv().await {
            ServerMsg::Joined {
                room: got,
                role,
                resume,
                peer_present,
                ice_servers,
            } => {
                assert_eq!(
                    got.as_str(),
                    room(name).as_str(),
                    "joined names the room as typed"
                );
                Joined {
                    role,
                    resume,
                    peer_present,
                    ice_servers,
                }
            }
            other => panic!("expected joined, got {other:?}"),
        }
    }

    /// Sends a hello signal.
    pub async fn hello(&mut self, live_call: bool) {
        self.send(&ClientMsg::Signal {
            signal: Signal::Hello { live_call },
        })
        .await;
    }

    /// Reads until the connection closes, returning the close code and any text frames
    /// received before it.
    pub async fn recv_close(&mut self) -> (Option<CloseCode>, Vec<String>) {
        let mut texts = Vec::new();
        loop {
            match within("the connection to close", self.ws.next()).await {
                Some(Ok(Message::Text(text))) => texts.push(text.as_str().to_owned()),
                Some(Ok(Message::Close(frame))) => {
                    return (frame.map(|f: CloseFrame| f.code), texts);
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => {
                    panic!("connection failed instead of closing: {e} (after {texts:?})")
                }
                None => return (None, texts),
            }
        }
    }
}

/// Pairs two clients in `name`, returning (first, second) after both are told.
pub async fn pair(addr: SocketAddr, name: &str) -> (Client, Joined, Client, Joined) {
    let mut a = Client::connect(addr).await;
    let ja = a.join(name).await;
    let mut b = Client::connect(addr).await;
    let jb = b.join(name).await;
    a.expect(ServerMsg::PeerJoined).await;
    (a, ja, b, jb)
}

/// Checks that a paired room relays both ways.
pub async fn assert_relays(a: &mut Client, b: &mut Client) {
    a.hello(true).await;
    b.expect(ServerMsg::Signal {
        signal: Signal::Hello { live_call: true },
    })
    .await;
    b.hello(false).await;
    a.expect(ServerMsg::Signal {
        signal: Signal::Hello { live_call: false },
    })
    .await;
}

/// A minimal HTTP/1.1 GET, so the tests need no HTTP client library.
pub async fn http_get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
    let mut stream = within("connecting", TcpStream::connect(addr))
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    within("sending a request", stream.write_all(request.as_bytes()))
        .await
        .unwrap_or_else(|e| panic!("write: {e}"));
    let mut raw = Vec::new();
    within("a response", stream.read_to_end(&mut raw))
        .await
        .unwrap_or_else(|e| panic!("read: {e}"));
    HttpResponse::parse(&raw)
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    fn parse(raw: &[u8]) -> Self {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no header end in {raw:?}"));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line in {head:?}"));
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Self {
            status,
            headers,
            body: raw[split + 4..].to_vec(),
        }
    }

    /// A header's value, by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Ends a test: drops the clients (as closed tabs would), then stops the server. Dropping
/// first keeps the suite fast: a graceful stop that finds a connection still open polls
/// for it once a second (actix-server's shutdown poll interval).
macro_rules! finish {
    ($server:expr $(, $client:expr)* $(,)?) => {{
        $(drop($client);)*
        $server.stop().await.expect("stop");
    }};
}
pub(crate) use finish;

/// A candidate signal with `marker` in it, as raw protocol text.
pub fn candidate(marker: &str) -> String {
    format!(
        r#"{{"type":"signal","signal":{{"kind":"candidate","candidate":{{"candidate":"{marker}","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":null}}}}}}"#
    )
}

/// Reads `client`'s messages until one holds `marker`, skipping the rest (probes sent while
/// Redis was away, `unavailable` errors), for at most `wait`. Answers whether it came.
pub async fn seen(client: &mut Client, marker: &str, wait: Duration) -> bool {
    let quoted = format!("\"{marker}\"");
    tokio::time::timeout(wait, async {
        loop {
            if client.recv_text().await.contains(&quoted) {
                return;
            }
        }
    })
    .await
    .is_ok()
}

/// Sends probe signals from `a` until one reaches `b` (each given 250 ms to cross): after an
/// outage, this returns the moment signaling between the two works again.
pub async fn first_probe_through(a: &mut Client, b: &mut Client) {
    for probe in 0u64.. {
        a.send_text(candidate(&format!("probe {probe}"))).await;
        if seen(b, &format!("probe {probe}"), Duration::from_millis(250)).await {
            return;
        }
    }
}

/// A marker each way, each awaited: an earlier probe may still be on its way, and after this
/// neither side has one left to read.
pub async fn markers_cross(a: &mut Client, b: &mut Client) {
    a.send_text(candidate("a is through")).await;
    assert!(seen(b, "a is through", Duration::from_secs(5)).await);
    b.send_text(candidate("b is through")).await;
    assert!(seen(a, "b is through", Duration::from_secs(5)).await);
}
