//! The command line: which servers, which scenarios, and their sizes.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
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
pub enum Scenario {
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
pub struct Args {
    #[arg(long, value_delimiter = ',', default_value = "duet,floor")]
    pub servers: Vec<Kind>,
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "latency,saturation,idle,churn"
    )]
    pub scenarios: Vec<Scenario>,
    /// Seconds each timed phase runs.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Rooms in the latency scenario.
    #[arg(long, default_value_t = 1000)]
    pub rooms: usize,
    /// Messages per second in the latency scenario, all rooms together.
    #[arg(long, default_value_t = 1000)]
    pub rate: u64,
    /// Rooms in the saturation scenario.
    #[arg(long, default_value_t = 100)]
    pub saturation_rooms: usize,
    /// Messages in flight per room in the saturation scenario.
    #[arg(long, default_value_t = 8)]
    pub window: usize,
    /// Sessions held in the idle scenario (this tool holds as many sockets: under 20,000).
    #[arg(long, default_value_t = 10_000)]
    pub idle_sessions: usize,
    /// Joins per second in the churn scenario (two per room).
    #[arg(long, value_delimiter = ',', default_value = "1000,4000")]
    pub churn_rates: Vec<u64>,
    /// Core the server runs on; the tool takes the others.
    #[arg(long, default_value_t = 0)]
    pub server_cpu: usize,
    /// Source addresses 127.0.0.1..=N spread the client sockets.
    #[arg(long, default_value_t = 64)]
    pub sources: u8,
    #[arg(long, default_value_t = 9300)]
    pub port: u16,
    /// The matchbox_server binary (bench/install-peers.sh puts it here).
    #[arg(long, default_value = "bench/peers/bin/matchbox_server")]
    pub matchbox_bin: PathBuf,
    /// The PeerJS server's command (bench/install-peers.sh puts it here).
    #[arg(long, default_value = "bench/peers/node_modules/.bin/peerjs")]
    pub peerjs_bin: PathBuf,
    /// More flags for duet-signaling, space-separated (e.g. `--heartbeat-interval 60s
    /// --client-timeout 180s`, to measure what the heartbeat costs).
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    pub duet_args: String,
    /// Replica counts in the cluster scenario (Redis mode, two people of a room on two replicas).
    #[arg(long, value_delimiter = ',', default_value = "1,2,3")]
    pub replicas: Vec<usize>,
    /// The Redis server the cluster scenario starts (Debian's `redis-server`).
    #[arg(long, default_value = "redis-server")]
    pub redis_server: PathBuf,
    /// Writes one SVG bar chart per measured quantity into this directory, every server
    /// side by side (docs/benchmarks.md shows them from docs/bench/).
    #[arg(long)]
    pub plots: Option<PathBuf>,
    /// Runs the Rust servers under `valgrind --tool=callgrind` and reports the server's
    /// user-space instructions per relayed message (saturation) and per join (churn): counts
    /// that do not move with the machine's load, unlike CPU time. Slow (the server runs ~50×
    /// slower), so use it with `--scenarios saturation` or churn at a low `--churn-rates`.
    #[arg(long)]
    pub callgrind: bool,
    /// Counts the server's system calls and context switches per relayed message
    /// (saturation) and per join (churn) with `perf stat` (software counters and tracepoints: they work in
    /// a VM without hardware counters, and do not move with the machine's load either).
    #[arg(long)]
    pub perf: bool,
}
