//! Duet's signaling service.
//!
//! Browsers connect to `GET /ws` and speak the JSON protocol of the `shared` crate (see
//! `docs/protocol.md`). The service pairs at most two browsers per room and relays their
//! WebRTC negotiation between them; the media itself never passes through here.
//!
//! The shape follows actix's chat example: a [`lobby::Lobby`] actor maps room names to
//! [`room_actor::RoomActor`]s, which serve the [`session::Session`] actors (one per WebSocket)
//! in their room; what the actors tell each other is declared in [`messages`]. Who holds a
//! room's two seats is decided behind one interface, [`seats`]: in this process by the rules
//! of [`room::Room`], or with `--redis-url` in Redis, shared by replicas ([`cluster`]); the
//! actors stay the same. Dependencies run one way: http → session → lobby → room → seats
//! (`scripts/module-cycles.py` checks that no modules import each other in a circle).

pub mod cluster;
pub mod config;
pub mod fragments;
pub mod frame_guard;
pub mod health;
pub mod http;
pub mod ip_limits;
pub mod lobby;
pub mod messages;
pub mod metrics;
pub mod origin;
pub mod outbox;
pub mod rate_limit;
pub mod room;
pub mod room_actor;
pub mod room_hint;
pub mod seats;
pub mod session;
pub mod turn;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use actix::Addr;
use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer};

use crate::cluster::{Cluster, ClusterError};
pub use crate::config::{Command, Config, ConfigError};
use crate::http::AppState;
use crate::ip_limits::IpLimits;
use crate::lobby::Lobby;
use crate::messages::{GetStats, LobbyControl, LobbyLink, Shutdown, Stats};
use crate::metrics::Metrics;
use crate::origin::{InvalidOrigin, OriginPolicy};
use crate::room_actor::RoomSettings;
use crate::seats::in_memory::InMemory;
use crate::seats::in_redis::InRedis;
use crate::seats::Registry;
use crate::session::SessionSettings;

/// Why the service could not start or stopped with a failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Settings that make no sense together.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An `--allowed-origin` that is not an origin.
    #[error("--allowed-origin: {0}")]
    Origin(#[from] InvalidOrigin),
    /// `--static-dir` is not a directory with an `index.html`.
    #[error("--static-dir {}: {reason}", path.display())]
    StaticDir {
        /// The directory given.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: io::Error,
    },
    /// The HTTP server failed while running.
    #[error("HTTP server failed: {0}")]
    Serve(#[source] io::Error),
    /// The stop signals could not be listened for.
    #[error("cannot listen for SIGINT/SIGTERM: {0}")]
    Signal(#[source] io::Error),
    /// `--redis-url` or `--redis-sentinel` was given and Redis could not be reached at start.
    #[error("cannot use Redis (--redis-url, --redis-sentinel): {0}")]
    Redis(#[source] ClusterError),
    /// An actor went away unexpectedly.
    #[error("internal error: the lobby is gone")]
    LobbyGone,
}

/// How long connections get to finish after the service is asked to stop.
const SHUTDOWN_TIMEOUT_SECS: u64 = 5;

/// A running service.
pub struct Server {
    addr: SocketAddr,
    handle: ServerHandle,
    lobby: LobbyControl,
    task: tokio::task::JoinHandle<io::Result<()>>,
}

/// Starts the service and returns once it is listening. Must run inside an actix system
/// (`#[actix_web::main]`, `#[actix_web::test]`).
pub async fn start(config: Config) -> Result<Server, Error> {
    config.validate()?;
    let origins = OriginPolicy::new(&config.allowed_origins)?;
    if let Some(dir) = &config.static_dir {
        if !dir.join("index.html").is_file() {
            return Err(Error::StaticDir {
                path: dir.clone(),
                reason: "no index.html in it".into(),
            });
        }
    }
    let turn = config.turn();
    match &turn {
        Some(relay) => tracing::info!(
            urls = ?config.turn_urls(),
            ttl = %humantime::format_duration(relay.ttl()),
            "TURN credentials on"
        ),
        None => tracing::info!("TURN credentials off (no --turn-url)"),
    }
    let metrics = Arc::new(Metrics::default());
    let rooms = RoomSettings {
        turn: turn.map(Arc::new),
        metrics: metrics.clone(),
        max_queued_bytes: config.max_queued_bytes(),
        slow_reader_grace: config.client_timeout,
    };
    let (lobby, control, lobby_start) = match config.redis() {
        None => open_lobby(lobby_mailbox(), InMemory, rooms),
        Some(endpoint) => {
            // The lobby's address exists before the lobby runs (see `LobbyStart`), so that the
            // Redis bus, which delivers to it, can be set up first and handed to its rooms.
            let (address, receiver) = lobby_mailbox::<InRedis>();
            let cluster = Cluster::connect(
                &endpoint,
                &config.redis_tls(),
                config.client_timeout,
                address.clone().recipient(),
                metrics.redis_failovers.clone(),
            )
            .await
            .map_err(Error::Redis)?;
            let registry = InRedis::new(
                Arc::new(cluster),
                metrics.clone(),
                config.heartbeat_interval,
            );
            open_lobby((address, receiver), registry, rooms)
        }
    };
    let state = AppState {
        lobby,
        stats: control.stats.clone(),
        origins,
        session: SessionSettings {
            heartbeat_interval: config.heartbeat_interval,
            client_timeout: config.client_timeout,
            rate_limit: config.rate_limit(),
        },
        metrics: metrics.clone(),
        ip_limits: IpLimits::new(config.ip_limit()),
        trust_x_forwarded_for: config.trust_x_forwarded_for,
    };
    // The kernel's abort is the backstop for a reader nobody writes to. A reader someone does
    // write to is its room's to drop (the friend is told, the eviction counted) one grace
    // period (the client timeout) after its backlog overflows, which follows the window's
    // closing closely; giving the kernel one more client timeout keeps the room's judgement
    // first even when a loaded machine fills the buffers slowly.
    let user_timeout = config.client_timeout.saturating_mul(2);
    let static_dir = config.static_dir.clone();
    let mut server = HttpServer::new(move || {
        lobby_start.run_here_once();
        let state = state.clone();
        let static_dir = static_dir.clone();
        App::new()
            .wrap(actix_web::middleware::Compress::default())
            .configure(move |cfg| http::routes(cfg, state, static_dir.as_deref()))
    })
    // Signals are handled in `run`, which closes the WebSockets before stopping the server:
    // a graceful stop alone would wait for long-lived sockets until the timeout.
    .disable_signals()
    .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS)
    // A browser that stops reading stops its session actor too (actix-web-actors runs the
    // actor only while the response body is polled), so no heartbeat can close it: the
    // kernel does, once data sent has waited twice --client-timeout to be taken (on Linux
    // this covers a zero receive window too).
    .on_connect(move |connection, _| tune_socket(connection, user_timeout));
    if config.workers > 0 {
        server = server.workers(config.workers);
    }
    let server = server.bind(config.bind).map_err(|source| Error::Bind {
        addr: config.bind,
        source,
    })?;
    let addr = server.addrs().first().copied().ok_or_else(|| Error::Bind {
        addr: config.bind,
        source: io::Error::other("no address bound"),
    })?;
    let server = server.run();
    let handle = server.handle();
    let task = actix_web::rt::spawn(server);
    tracing::info!("listening on http://{addr}");
    Ok(Server {
        addr,
        handle,
        lobby: control,
        task,
    })
}

/// The lobby's mailbox: its address exists now, and [`LobbyStart`] runs the lobby on it on the
/// first HTTP worker thread to build its app.
fn lobby_mailbox<R: Registry>() -> (Addr<Lobby<R>>, LobbyReceiver<R>) {
    // 16: the capacity `Actor::start` gives a mailbox (actix's `DEFAULT_CAPACITY`, not
    // exported). `do_send` ignores it anyway; it bounds only `send`/`try_send`.
    let (sender, receiver) = actix::dev::channel::channel(16);
    (Addr::new(sender), receiver)
}

type LobbyReceiver<R> = actix::dev::channel::AddressReceiver<Lobby<R>>;

/// A lobby whose rooms keep their seats in `registry`, to run on `mailbox`: how sessions and
/// the server reach it, and how to start it.
fn open_lobby<R: Registry>(
    (address, receiver): (Addr<Lobby<R>>, LobbyReceiver<R>),
    registry: R,
    rooms: RoomSettings,
) -> (Arc<LobbyLink>, LobbyControl, LobbyStart) {
    let link = Arc::new(LobbyLink::new(&address));
    let control = LobbyControl::new(&address);
    let lobby = Lobby::new(registry, rooms);
    let start = LobbyStart::new(move || {
        actix::Context::with_receiver(receiver).run(lobby);
    });
    (link, control, start)
}

/// The lobby actor, waiting for a thread. It runs on an HTTP worker's arbiter rather than on the
/// main one, so that with one worker (the bench's setting) a connection's messages to the
/// lobby and its rooms never cross threads: measured, every join cost ~10 context switches
/// and ~6 cross-thread wake-ups when the lobby sat on the main arbiter. Messages sent before
/// it runs wait in its mailbox. A worker that restarts its services (same thread) keeps it.
#[derive(Clone)]
struct LobbyStart(Arc<std::sync::Mutex<Option<StartLobby>>>);

type StartLobby = Box<dyn FnOnce() + Send>;

impl LobbyStart {
    /// `run` starts the lobby on the current arbiter.
    fn new(run: impl FnOnce() + Send + 'static) -> Self {
        Self(Arc::new(std::sync::Mutex::new(Some(Box::new(run)))))
    }

    /// Starts the lobby on the current arbiter, if no worker has yet.
    fn run_here_once(&self) {
        let pending = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(run) = pending {
            run();
        }
    }
}

/// Sets up a new connection's socket: TCP_NODELAY, and TCP_USER_TIMEOUT where the platform
/// has it.
fn tune_socket(connection: &dyn std::any::Any, timeout: std::time::Duration) {
    let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() else {
        return;
    };
    // Signaling is small messages in quick succession (`joined` then a relayed signal):
    // with Nagle's algorithm the second waits for the browser's delayed ACK, 40 ms on Linux
    // (measured: join → peer's first signal p50 went from 43 ms to under 1 ms).
    if let Err(e) = stream.set_nodelay(true) {
        tracing::warn!("cannot set TCP_NODELAY: {e}");
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Err(e) = socket2::SockRef::from(stream).set_tcp_user_timeout(Some(timeout)) {
        tracing::warn!("cannot set TCP_USER_TIMEOUT: {e}");
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = timeout;
}

impl Server {
    /// The address the service listens on (with the real port when port 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The lobby's bookkeeping: rooms, live tokens and sessions.
    pub async fn stats(&self) -> Result<Stats, Error> {
        self.lobby
            .stats
            .send(GetStats)
            .await
            .map_err(|_| Error::LobbyGone)
    }

    /// Closes every WebSocket (code 1001), then stops the HTTP server gracefully.
    pub async fn stop(self) -> Result<(), Error> {
        match self.lobby.shutdown.send(Shutdown).await {
            Ok(sessions) => tracing::info!(sessions, "shutting down"),
            Err(_) => tracing::warn!("shutting down without the lobby"),
        }
        self.handle.stop(true).await;
        match self.task.await {
            Ok(result) => result.map_err(Error::Serve),
            // The server task cannot be cancelled from outside; a panic in it is a bug.
            Err(e) => Err(Error::Serve(io::Error::other(e))),
        }
    }
}

/// Runs the service until SIGINT or SIGTERM, then shuts it down gracefully.
pub async fn run(config: Config) -> Result<(), Error> {
    // Listen for the signals before announcing the address: a script that sends SIGTERM as
    // soon as it reads "listening on" must not kill the process outright.
    let mut stop_signals = StopSignals::new()?;
    let mut server = start(config).await?;
    tokio::select! {
        name = stop_signals.recv() => tracing::info!("{name} received"),
        result = &mut server.task => {
            // The server ended by itself, which only an error does.
            return match result {
                Ok(result) => result.map_err(Error::Serve),
                Err(e) => Err(Error::Serve(io::Error::other(e))),
            };
        }
    }
    server.stop().await
}

/// SIGINT and SIGTERM.
struct StopSignals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn new() -> Result<Self, Error> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt()).map_err(Error::Signal)?,
            terminate: signal(SignalKind::terminate()).map_err(Error::Signal)?,
        })
    }

    /// Waits for either signal and names it.
    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}
