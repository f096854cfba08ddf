//! Duet's load tool. Starts each server in turn (pinned to one core with `taskset`, the load
//! on the other), drives rooms of two WebSocket clients over loopback from many 127.0.0.x
//! source addresses, and prints one table per scenario with the servers side by side.
//!
//! ```sh
//! cargo build --release -p duet-signaling -p bench
//! cargo run -p bench --release -- --servers duet,floor
//! ```
//!
//! Server CPU is read from `/proc/<pid>/stat` (user + system time, 10 ms ticks) and memory
//! from `/proc/<pid>/status` (VmRSS); the tool's own CPU is reported too, since on two cores
//! it may be the bottleneck: compare servers by CPU per message then, not by messages/s.

// A load tool: a failure to set up is reported and ends the run.
#![allow(clippy::expect_used, clippy::unwrap_used, missing_docs)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

mod cluster;
mod plot;
use plot::{Bar, Chart};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Kind {
    /// duet-signaling, built next to this tool.
    Duet,
    /// The bare tokio-tungstenite relay (`floor`, built next to this tool).
    Floor,
    /// matchbox_server from crates.io, installed by `bench/install-peers.sh`.
    Matchbox,
    /// The PeerJS server (npm `peer`), installed by `bench/install-peers.sh`.
    Peerjs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    /// Relay latency at a steady rate.
    Latency,
    /// Saturation throughput and CPU per message, 1 KiB and 6 KiB.
    Saturation,
    /// Idle sessions held, RSS each.
    Idle,
    /// Join/leave churn: join → peer's first signal.
    Churn,
    /// Duet alone: one process without Redis, then Redis mode with `--replicas` replicas.
    Cluster,
}

#[derive(Debug, Parser)]
struct Args {
    #[arg(long, value_delimiter = ',', default_value = "duet,floor")]
    servers: Vec<Kind>,
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "latency,saturation,idle,churn"
    )]
    scenarios: Vec<Scenario>,
    /// Seconds each timed phase runs.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Rooms in the latency scenario.
    #[arg(long, default_value_t = 1000)]
    rooms: usize,
    /// Messages per second in the latency scenario, all rooms together.
    #[arg(long, default_value_t = 1000)]
    rate: u64,
    /// Rooms in the saturation scenario.
    #[arg(long, default_value_t = 100)]
    saturation_rooms: usize,
    /// Messages in flight per room in the saturation scenario.
    #[arg(long, default_value_t = 8)]
    window: usize,
    /// Sessions held in the idle scenario (this tool holds as many sockets: under 20,000).
    #[arg(long, default_value_t = 10_000)]
    idle_sessions: usize,
    /// Joins per second in the churn scenario (two per room).
    #[arg(long, value_delimiter = ',', default_value = "1000,4000")]
    churn_rates: Vec<u64>,
    /// Core the server runs on; the tool takes the others.
    #[arg(long, default_value_t = 0)]
    server_cpu: usize,
    /// Source addresses 127.0.0.1..=N spread the client sockets.
    #[arg(long, default_value_t = 64)]
    sources: u8,
    #[arg(long, default_value_t = 9300)]
    port: u16,
    /// The matchbox_server binary (bench/install-peers.sh puts it here).
    #[arg(long, default_value = "bench/peers/bin/matchbox_server")]
    matchbox_bin: PathBuf,
    /// The PeerJS server's command (bench/install-peers.sh puts it here).
    #[arg(long, default_value = "bench/peers/node_modules/.bin/peerjs")]
    peerjs_bin: PathBuf,
    /// More flags for duet-signaling, space-separated (e.g. `--heartbeat-interval 60s
    /// --client-timeout 180s`, to measure what the heartbeat costs).
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    duet_args: String,
    /// Replica counts in the cluster scenario (Redis mode, two people of a room on two replicas).
    #[arg(long, value_delimiter = ',', default_value = "1,2,3")]
    replicas: Vec<usize>,
    /// The Redis server the cluster scenario starts (Debian's `redis-server`).
    #[arg(long, default_value = "redis-server")]
    redis_server: PathBuf,
    /// Writes one SVG bar chart per measured quantity into this directory, every server
    /// side by side (docs/benchmarks.md shows them from docs/bench/).
    #[arg(long)]
    plots: Option<PathBuf>,
    /// Runs the Rust servers under `valgrind --tool=callgrind` and reports the server's
    /// user-space instructions per relayed message (saturation) and per join (churn): counts
    /// that do not move with the machine's load, unlike CPU time. Slow (the server runs ~50×
    /// slower), so use it with `--scenarios saturation` or churn at a low `--churn-rates`.
    #[arg(long)]
    callgrind: bool,
    /// Counts the server's system calls and context switches per relayed message
    /// (saturation) and per join (churn) with `perf stat` (software counters and tracepoints: they work in
    /// a VM without hardware counters, and do not move with the machine's load either).
    #[arg(long)]
    perf: bool,
}

/// One server's measurements in one scenario, for the charts: (chart, group, value).
type Points = Vec<(Chart, String, f64)>;

type Ws = WebSocketStream<TcpStream>;

/// Microseconds since the tool started: the timestamp carried in relayed messages.
fn now_us(epoch: Instant) -> u64 {
    epoch.elapsed().as_micros() as u64
}

/// Where clients connect, and how they speak.
#[derive(Clone, Copy)]
struct ServerRef {
    kind: Kind,
    port: u16,
}

/// A running server process.
struct Server {
    kind: Kind,
    child: tokio::process::Child,
    pid: u32,
    port: u16,
    /// Running under callgrind (`--callgrind`).
    callgrind: bool,
}

/// Adds duet-signaling, as every scenario runs it, to `cmd`: one worker, and the limits lifted
/// (every message and join of the tool must pass).
fn duet_command(cmd: &mut tokio::process::Command, bind: &str, extra: &str) {
    cmd.arg(sibling("duet-signaling"))
        .args([
            "--bind",
            bind,
            "--workers",
            "1",
            "--rate-limit-burst",
            "1000000",
            "--rate-limit-per-second",
            "1000000",
            "--max-connections-per-ip",
            "100000",
            "--join-burst-per-ip",
            "1000000",
            "--joins-per-second-per-ip",
            "1000000",
        ])
        .args(extra.split_whitespace())
        .env("RUST_LOG", "warn");
}

fn sibling(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    exe.with_file_name(name)
}

impl Server {
    async fn start(kind: Kind, port: u16, cpu: usize, args: &Args) -> Self {
        let bind = format!("127.0.0.1:{port}");
        let mut cmd = tokio::process::Command::new("taskset");
        cmd.arg("-c").arg(cpu.to_string());
        // valgrind runs the program in its own process (taskset and valgrind both exec), so
        // the pid is still the server's. Collection starts zeroed by `callgrind_control`
        // when the measured window opens.
        let callgrind = args.callgrind && kind != Kind::Peerjs;
        if callgrind {
            cmd.args([
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/tmp/bench-callgrind.%p",
            ]);
        }
        match kind {
            Kind::Duet => {
                duet_command(&mut cmd, &bind, &args.duet_args);
            }
            Kind::Floor => {
                cmd.arg(sibling("floor")).arg(&bind);
            }
            Kind::Matchbox => {
                cmd.arg(&args.matchbox_bin).arg(&bind);
                cmd.env("RUST_LOG", "warn");
            }
            Kind::Peerjs => {
                // Its connection limit (5,000 by default) raised, as the issue asks.
                cmd.arg(&args.peerjs_bin).args([
                    "--host",
                    "127.0.0.1",
                    "--port",
                    &port.to_string(),
                    "--concurrent_limit",
                    "1000000",
                ]);
            }
        }
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        let child = cmd
            .spawn()
            .expect("start the server (is it built? is taskset there?)");
        let pid = child.id().expect("pid");
        // valgrind takes a while to translate a server's start-up code.
        let deadline = Instant::now() + Duration::from_secs(if callgrind { 120 } else { 10 });
        while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(
                Instant::now() < deadline,
                "{kind:?} did not start listening"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            kind,
            child,
            pid,
            port,
            callgrind,
        }
    }

    async fn stop(mut self) {
        let _ = self.child.kill().await;
    }

    /// CPU time used so far (user + system).
    fn cpu(&self) -> Duration {
        cpu_of(&format!("/proc/{}/stat", self.pid))
    }

    fn rss_kib(&self) -> u64 {
        rss_of(&format!("/proc/{}/status", self.pid))
    }

    /// Under callgrind: zeroes the server's instruction counts.
    async fn callgrind_zero(&self) {
        if self.callgrind {
            callgrind_control(&["--zero", &self.pid.to_string()]).await;
        }
    }

    /// Under callgrind: the user-space instructions the server ran since the last zero
    /// (dumped to /tmp/bench-callgrind.<pid>.<n>, whose `totals:` line is read back).
    async fn callgrind_instructions(&self) -> Option<u64> {
        if !self.callgrind {
            return None;
        }
        callgrind_control(&["--dump", &self.pid.to_string()]).await;
        let prefix = format!("bench-callgrind.{}.", self.pid);
        let newest = std::fs::read_dir("/tmp")
            .ok()?
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())?;
        let text = std::fs::read_to_string(newest.path()).ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix("totals:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
    }
}

/// `perf stat` counting a process's system calls and context switches until [`PerfStat::stop`].
struct PerfStat {
    child: tokio::process::Child,
    out: PathBuf,
}

impl PerfStat {
    fn start(pid: u32) -> Option<Self> {
        let out = std::env::temp_dir().join(format!("bench-perf-{pid}.csv"));
        let child = tokio::process::Command::new("perf")
            .args([
                "stat",
                "-x",
                ",",
                "-e",
                "raw_syscalls:sys_enter,context-switches",
            ])
            .arg("-o")
            .arg(&out)
            .args(["-p", &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| eprintln!("perf stat not started: {e}"))
            .ok()?;
        Some(Self { child, out })
    }

    /// Stops counting (SIGINT, which makes perf write its counts); answers (system calls,
    /// context switches).
    async fn stop(mut self) -> Option<(u64, u64)> {
        let pid = self.child.id()?;
        let _ = tokio::process::Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status()
            .await;
        let _ = self.child.wait().await;
        let text = std::fs::read_to_string(&self.out).ok()?;
        let count = |event: &str| -> Option<u64> {
            text.lines()
                .find(|l| l.contains(event))
                .and_then(|l| l.split(',').next()?.trim().parse().ok())
        };
        Some((count("raw_syscalls:sys_enter")?, count("context-switches")?))
    }
}

async fn callgrind_control(args: &[&str]) {
    let status = tokio::process::Command::new("callgrind_control")
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .await;
    if !status.as_ref().is_ok_and(|s| s.success()) {
        eprintln!("callgrind_control {args:?} failed: {status:?}");
    }
}

fn cpu_of(stat: &str) -> Duration {
    let text = std::fs::read_to_string(stat).unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let rest = text.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields
        .get(11..13)
        .map(|f| f.iter().filter_map(|v| v.parse::<u64>().ok()).sum())
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// The kernel's count of connections dropped because a listen queue was full
/// (`TcpExt: ListenOverflows` in /proc/net/netstat), machine-wide: read around a scenario, it
/// tells whether a server's accept queue overflowed (a dropped handshake costs the client a
/// retransmission, 200 ms to 1 s).
fn listen_overflows() -> u64 {
    let text = std::fs::read_to_string("/proc/net/netstat").unwrap_or_default();
    let mut lines = text.lines().filter(|l| l.starts_with("TcpExt:"));
    let (Some(names), Some(values)) = (lines.next(), lines.next()) else {
        return 0;
    };
    names
        .split_whitespace()
        .zip(values.split_whitespace())
        .find(|(name, _)| *name == "ListenOverflows")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
}

fn rss_of(status: &str) -> u64 {
    std::fs::read_to_string(status)
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Connects a client from 127.0.0.`source` and joins `room`; answers the socket and the
/// time from connect to admitted.
async fn join(
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
fn stamped(kind: Kind, to: &str, t: u64, pad: &str) -> Message {
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
fn peer_arrived(text: &str) -> Option<String> {
    if text == "peer_joined" || text.starts_with(r#"{"type":"peer_joined""#) {
        return Some(String::new());
    }
    let id = text.strip_prefix(r#"{"NewPeer":""#)?;
    Some(id.trim_end_matches(['"', '}']).to_owned())
}

/// Reads `stream` until the second client's arrival; answers its id (see [`peer_arrived`]).
/// PeerJS tells nobody of arrivals: there, B's id is known (`<room>-b`) and B is there once
/// it has been told `OPEN`.
async fn await_peer(
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
fn stamp_of(text: &str) -> Option<u64> {
    let at = text.find(r#""t":"#)? + 4;
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Reads a client's socket to the end (pings, joins, stray messages), so it never stalls.
fn drain(mut stream: SplitStream<Ws>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} })
}

/// Two clients in a room: `a` sends, `b` receives.
struct Pair {
    a: SplitSink<Ws, Message>,
    /// B's id, for matchbox.
    to: String,
    a_reader: tokio::task::JoinHandle<()>,
    b: SplitStream<Ws>,
    _b_sink: SplitSink<Ws, Message>,
}

async fn pairs(server: &Server, count: usize, sources: u8, prefix: &str) -> (Vec<Pair>, Vec<u64>) {
    let limit = Arc::new(Semaphore::new(64));
    let mut tasks = Vec::new();
    for i in 0..count {
        let limit = limit.clone();
        let room = format!("{prefix}{i}");
        let (kind, port) = (server.kind, server.port);
        let src_a = (1 + (2 * i) % sources as usize) as u8;
        let src_b = (1 + (2 * i + 1) % sources as usize) as u8;
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.expect("semaphore");
            let server = ServerRef { kind, port };
            let (a, ta) = join(server, &room, "a", src_a).await?;
            let (b, tb) = join(server, &room, "b", src_b).await?;
            let (a, mut a_stream) = a.split();
            let to = await_peer(kind, &room, &mut a_stream).await?;
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

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)] as f64 / 1000.0
}

/// One server's numbers in one scenario, as (label, value) rows.
type Rows = Vec<(String, String)>;

async fn latency(server: &Server, args: &Args, epoch: Instant, points: &mut Points) -> Rows {
    let (pairs, mut joins) = pairs(server, args.rooms, args.sources, "lat").await;
    let period = Duration::from_secs_f64(args.rooms as f64 / args.rate as f64);
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let sent = Arc::new(AtomicU64::new(0));
    let cpu0 = server.cpu();
    let mut receivers = Vec::new();
    let mut senders = Vec::new();
    let pad = "x".repeat(200);
    for (i, pair) in pairs.into_iter().enumerate() {
        let Pair {
            mut a,
            to,
            a_reader,
            mut b,
            _b_sink,
        } = pair;
        let kind = server.kind;
        let sent = sent.clone();
        let pad = pad.clone();
        let phase = period.mul_f64(i as f64 / args.rooms as f64);
        senders.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + phase, period);
            while Instant::now() < deadline {
                tick.tick().await;
                if a.send(stamped(kind, &to, now_us(epoch), &pad))
                    .await
                    .is_err()
                {
                    break;
                }
                sent.fetch_add(1, Ordering::Relaxed);
            }
            (a, a_reader)
        }));
        receivers.push(tokio::spawn(async move {
            let mut got = Vec::new();
            let end = tokio::time::Instant::from_std(deadline + Duration::from_secs(2));
            while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(end, b.next()).await {
                if let Message::Text(text) = msg {
                    if let Some(t) = stamp_of(text.as_str()) {
                        got.push(now_us(epoch).saturating_sub(t) * 1000);
                    }
                }
            }
            (got, _b_sink)
        }));
    }
    let mut keep = Vec::new();
    for s in senders {
        keep.push(s.await.expect("sender"));
    }
    let cpu = server.cpu() - cpu0;
    let mut all = Vec::new();
    for r in receivers {
        let (got, sink) = r.await.expect("receiver");
        all.extend(got);
        drop(sink);
    }
    drop(keep);
    all.sort_unstable();
    joins.sort_unstable();
    let sent = sent.load(Ordering::Relaxed);
    for (group, p) in [("p50", 0.5), ("p99", 0.99), ("p99.9", 0.999)] {
        points.push((
            Chart::RelayLatency,
            group.into(),
            percentile(&all, p) / 1000.0,
        ));
    }
    vec![
        (
            "join → admitted p50 / p99 (ms)".into(),
            format!(
                "{:.2} / {:.2}",
                percentile(&joins, 0.5) / 1000.0,
                percentile(&joins, 0.99) / 1000.0
            ),
        ),
        (
            "relay p50 / p99 / p99.9 (ms)".into(),
            format!(
                "{:.3} / {:.3} / {:.3}",
                percentile(&all, 0.5) / 1000.0,
                percentile(&all, 0.99) / 1000.0,
                percentile(&all, 0.999) / 1000.0
            ),
        ),
        ("sent / received".into(), format!("{sent} / {}", all.len())),
        (
            "server CPU per message (µs)".into(),
            format!("{:.1}", cpu.as_secs_f64() * 1e6 / all.len().max(1) as f64),
        ),
    ]
}

async fn saturation(
    server: &Server,
    args: &Args,
    size: usize,
    epoch: Instant,
    points: &mut Points,
) -> Rows {
    let (pairs, _) = pairs(
        server,
        args.saturation_rooms,
        args.sources,
        &format!("sat{size}-"),
    )
    .await;
    let pad = "x".repeat(size.saturating_sub(40));
    let warmup = Duration::from_secs(1);
    let start = Instant::now() + warmup;
    let deadline = start + Duration::from_secs(args.seconds);
    let received = Arc::new(AtomicU64::new(0));
    // Every message received, whenever: read at the callgrind window's two ends.
    let counted = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for pair in pairs {
        let Pair {
            mut a,
            to,
            a_reader,
            mut b,
            _b_sink,
        } = pair;
        let window = Arc::new(Semaphore::new(args.window));
        let (kind, pad, received) = (server.kind, pad.clone(), received.clone());
        let counted = counted.clone();
        let w = window.clone();
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let Ok(permit) = w.acquire().await else { break };
                permit.forget();
                if a.send(stamped(kind, &to, now_us(epoch), &pad))
                    .await
                    .is_err()
                {
                    break;
                }
            }
            (a, a_reader)
        }));
        tokio::spawn(async move {
            while let Some(Ok(msg)) = b.next().await {
                if matches!(msg, Message::Text(_)) {
                    window.add_permits(1);
                    counted.fetch_add(1, Ordering::Relaxed);
                    let now = Instant::now();
                    if now >= start && now < deadline {
                        received.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            drop(_b_sink);
        });
    }
    tokio::time::sleep_until(tokio::time::Instant::from_std(start)).await;
    server.callgrind_zero().await;
    // Counted from here, after the zero took effect, to the dump below: the instructions and
    // the messages cover the same window, give or take the few in flight.
    let counted0 = counted.load(Ordering::Relaxed);
    let perf = if args.perf {
        PerfStat::start(server.pid)
    } else {
        None
    };
    let (cpu0, me0) = (server.cpu(), cpu_of("/proc/self/stat"));
    tokio::time::sleep_until(tokio::time::Instant::from_std(deadline)).await;
    let (cpu, me) = (server.cpu() - cpu0, cpu_of("/proc/self/stat") - me0);
    let n = received.load(Ordering::Relaxed);
    let counted = counted.load(Ordering::Relaxed) - counted0;
    let kernel = match perf {
        Some(perf) => perf.stop().await,
        None => None,
    };
    let instructions = server.callgrind_instructions().await;
    for t in tasks {
        drop(t.await);
    }
    let secs = args.seconds as f64;
    let kib = format!("{} KiB", size / 1024);
    let cpu_per_message = cpu.as_secs_f64() * 1e6 / n.max(1) as f64;
    points.push((Chart::CpuPerMessage, kib.clone(), cpu_per_message));
    let mut rows = Vec::new();
    if let Some((syscalls, switches)) = kernel {
        let n = counted.max(1) as f64;
        rows.push((
            format!("{size} B: server system calls / context switches per message (perf)"),
            format!("{:.2} / {:.3}", syscalls as f64 / n, switches as f64 / n),
        ));
    }
    if let Some(instructions) = instructions {
        let per = instructions as f64 / counted.max(1) as f64;
        points.push((Chart::InstructionsPerMessage, kib, per));
        rows.push((
            format!("{size} B: server instructions per message (callgrind)"),
            format!("{per:.0} ({counted} messages)"),
        ));
    }
    rows.extend([
        (
            format!("{size} B: messages/s"),
            format!("{:.0}", n as f64 / secs),
        ),
        (
            format!("{size} B: server CPU per message (µs)"),
            format!("{cpu_per_message:.2}"),
        ),
        (
            format!("{size} B: server / tool CPU (% of a core)"),
            format!(
                "{:.0} / {:.0}",
                cpu.as_secs_f64() / secs * 100.0,
                me.as_secs_f64() / secs * 100.0
            ),
        ),
    ]);
    rows
}

async fn idle(server: &Server, args: &Args, points: &mut Points) -> Rows {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = server.rss_kib();
    let (pairs, _) = pairs(server, args.idle_sessions / 2, args.sources, "idle").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = server.rss_kib();
    let sessions = pairs.len() * 2;
    drop(pairs);
    let per_session = after.saturating_sub(before) as f64 / sessions.max(1) as f64;
    points.push((
        Chart::RssPerSession,
        format!("{sessions} idle sessions"),
        per_session,
    ));
    vec![
        ("sessions held".into(), sessions.to_string()),
        (
            "server RSS before / with them (MiB)".into(),
            format!(
                "{:.1} / {:.1}",
                before as f64 / 1024.0,
                after as f64 / 1024.0
            ),
        ),
        ("RSS per session (KiB)".into(), format!("{per_session:.1}")),
    ]
}

/// Join/leave churn at `rate` joins/s: each room is B joining, then A (already in) sending
/// a signal when told; latency is B's join sent → A's signal received by B.
async fn churn(
    server: &Server,
    args: &Args,
    rate: u64,
    epoch: Instant,
    points: &mut Points,
) -> Rows {
    let rooms = rate * args.seconds / 2;
    let period = Duration::from_secs_f64(2.0 / rate as f64);
    let latencies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let errors = Arc::new(AtomicU64::new(0));
    server.callgrind_zero().await;
    let perf = if args.perf {
        PerfStat::start(server.pid)
    } else {
        None
    };
    let cpu0 = server.cpu();
    let overflows0 = listen_overflows();
    let started = Instant::now();
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = Vec::new();
    for i in 0..rooms {
        tick.tick().await;
        let view = ServerRef {
            kind: server.kind,
            port: server.port,
        };
        let (latencies, errors) = (latencies.clone(), errors.clone());
        let sources = args.sources as u64;
        tasks.push(tokio::spawn(async move {
            let room = format!("churn{rate}-{i}");
            let src = (1 + (2 * i) % sources) as u8;
            let result = async {
                let (a, _) = join(view, &room, "a", src).await?;
                let (mut a_sink, mut a_stream) = a.split();
                let t0 = Instant::now();
                let (b, _) = join(view, &room, "b", src % sources as u8 + 1).await?;
                // A learns of B (`peer_joined`) and sends its first signal.
                let to = await_peer(view.kind, &room, &mut a_stream).await?;
                a_sink
                    .send(stamped(view.kind, &to, now_us(epoch), "hi"))
                    .await
                    .map_err(std::io::Error::other)?;
                let (mut b_sink, mut b_stream) = b.split();
                while let Some(Ok(msg)) = b_stream.next().await {
                    if let Message::Text(text) = msg {
                        if stamp_of(text.as_str()).is_some() {
                            break;
                        }
                    }
                }
                let took = t0.elapsed();
                let _ = a_sink.send(Message::Close(None)).await;
                let _ = b_sink.send(Message::Close(None)).await;
                Ok::<_, std::io::Error>(took)
            };
            match tokio::time::timeout(Duration::from_secs(10), result).await {
                Ok(Ok(took)) => latencies
                    .lock()
                    .unwrap()
                    .push(took.as_micros() as u64 * 1000),
                _ => {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let offered = started.elapsed();
    for t in tasks {
        let _ = t.await;
    }
    let cpu = server.cpu() - cpu0;
    let instructions = server.callgrind_instructions().await;
    let kernel = match perf {
        Some(perf) => perf.stop().await,
        None => None,
    };
    let overflows = listen_overflows() - overflows0;
    let mut all = std::mem::take(&mut *latencies.lock().unwrap());
    all.sort_unstable();
    let cpu_per_join = cpu.as_secs_f64() * 1e6 / (rooms * 2) as f64;
    for (name, p) in [("p50", 0.5), ("p99", 0.99)] {
        points.push((
            Chart::ChurnLatency,
            format!("{rate}/s {name}"),
            percentile(&all, p) / 1000.0,
        ));
    }
    points.push((Chart::CpuPerJoin, format!("{rate} joins/s"), cpu_per_join));
    let mut rows = vec![
        (
            format!("{rate}/s: joins offered in (s)"),
            format!("{:.1}", offered.as_secs_f64()),
        ),
        (
            format!("{rate}/s: join → peer's first signal p50 / p99 (ms)"),
            format!(
                "{:.2} / {:.2}",
                percentile(&all, 0.5) / 1000.0,
                percentile(&all, 0.99) / 1000.0
            ),
        ),
        (
            format!("{rate}/s: errors"),
            errors.load(Ordering::Relaxed).to_string(),
        ),
        (
            format!("{rate}/s: listen queue overflows (kernel)"),
            overflows.to_string(),
        ),
        (
            format!("{rate}/s: server CPU per join (µs)"),
            format!("{cpu_per_join:.1}"),
        ),
    ];
    if let Some((syscalls, switches)) = kernel {
        let joins = (rooms * 2) as f64;
        rows.push((
            format!("{rate}/s: server system calls / context switches per join (perf)"),
            format!(
                "{:.1} / {:.2}",
                syscalls as f64 / joins,
                switches as f64 / joins
            ),
        ));
    }
    if let Some(instructions) = instructions {
        rows.push((
            format!("{rate}/s: server instructions per join (callgrind)"),
            format!("{:.0}", instructions as f64 / (rooms * 2) as f64),
        ));
    }
    if server.kind == Kind::Duet {
        tokio::time::sleep(Duration::from_secs(1)).await;
        rows.push((
            format!("{rate}/s: rooms / sessions after (from /metrics)"),
            duet_gauges(server.port).await,
        ));
    }
    rows
}

async fn duet_gauges(port: u16) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)).await else {
        return "?".into();
    };
    let _ = s
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await;
    let mut body = String::new();
    let _ = s.read_to_string(&mut body).await;
    let get = |name: &str| {
        body.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or("?")
            .to_owned()
    };
    format!("{} / {}", get("duet_rooms"), get("duet_sessions"))
}

fn main() {
    let args = Args::parse();
    // The tool on every core but the server's.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads((cores - 1).max(1))
        .enable_all()
        .build()
        .expect("runtime");
    let others: Vec<String> = (0..cores)
        .filter(|&c| c != args.server_cpu)
        .map(|c| c.to_string())
        .collect();
    let _ = std::process::Command::new("taskset")
        .args([
            "-a",
            "-p",
            "-c",
            &others.join(","),
            &std::process::id().to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .status();
    runtime.block_on(run(args));
}

async fn run(args: Args) {
    let epoch = Instant::now();
    // scenario label → server → rows
    let mut tables: Vec<(String, Vec<(Kind, Rows)>)> = Vec::new();
    let mut cluster_columns = None;
    let mut bars: Vec<Bar> = Vec::new();
    for &scenario in &args.scenarios {
        if scenario == Scenario::Cluster {
            // Duet only, in several shapes: its own table, one column per shape.
            cluster_columns = Some(cluster::run(&args, epoch).await);
            continue;
        }
        let mut per_server = Vec::new();
        for (n, &kind) in args.servers.iter().enumerate() {
            let server = Server::start(
                kind,
                args.port + n as u16 + 10 * tables.len() as u16,
                args.server_cpu,
                &args,
            )
            .await;
            eprintln!("{scenario:?} on {kind:?} (pid {})", server.pid);
            let mut points = Points::new();
            let rows = match scenario {
                Scenario::Latency => latency(&server, &args, epoch, &mut points).await,
                Scenario::Saturation => {
                    let mut rows = saturation(&server, &args, 1024, epoch, &mut points).await;
                    rows.extend(saturation(&server, &args, 6 * 1024, epoch, &mut points).await);
                    rows
                }
                Scenario::Idle => idle(&server, &args, &mut points).await,
                Scenario::Cluster => unreachable!("handled above"),
                Scenario::Churn => {
                    let mut rows = Vec::new();
                    for &rate in &args.churn_rates {
                        rows.extend(churn(&server, &args, rate, epoch, &mut points).await);
                    }
                    rows
                }
            };
            let name = format!("{kind:?}").to_lowercase();
            bars.extend(points.into_iter().map(|(chart, group, value)| Bar {
                chart,
                group,
                server: name.clone(),
                value,
            }));
            for (label, value) in &rows {
                eprintln!("  {label}: {value}");
            }
            per_server.push((kind, rows));
            server.stop().await;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        tables.push((format!("{scenario:?}"), per_server));
    }
    if let Some(dir) = &args.plots {
        match plot::write_all(dir, &bars) {
            Ok(files) => {
                for file in files {
                    eprintln!("wrote {file}");
                }
            }
            Err(e) => eprintln!("plots not written: {e}"),
        }
    }
    for (scenario, per_server) in tables {
        let columns: Vec<(String, Rows)> = per_server
            .into_iter()
            .map(|(kind, rows)| (format!("{kind:?}").to_lowercase(), rows))
            .collect();
        print_table(&scenario, &columns);
    }
    if let Some(columns) = cluster_columns {
        print_table("Cluster", &columns);
    }
}

/// Prints one scenario as a Markdown table, a column per server (or shape): every label any
/// column reported, in first-seen order, and a dash where one has none.
fn print_table(title: &str, columns: &[(String, Rows)]) {
    println!("\n### {title}\n");
    let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
    println!("| | {} |", names.join(" | "));
    println!("|---|{}", "---|".repeat(names.len()));
    let mut labels: Vec<&str> = Vec::new();
    for (_, rows) in columns {
        for (label, _) in rows {
            if !labels.contains(&label.as_str()) {
                labels.push(label);
            }
        }
    }
    for label in labels {
        let values: Vec<&str> = columns
            .iter()
            .map(|(_, rows)| {
                rows.iter()
                    .find(|(l, _)| l == label)
                    .map_or("–", |(_, v)| v.as_str())
            })
            .collect();
        println!("| {label} | {} |", values.join(" | "));
    }
}
