//! The cluster run: Duet in Redis mode with 1, 2 and 3 replicas on this machine, beside one
//! in-memory process (no Redis: the baseline) in the same run.
//!
//! Every server-side process (the replicas and `redis-server`) is pinned to the server core,
//! the tool to the others, so the numbers compare what the same core does: with replicas and
//! Redis sharing one core (two in all on this machine), more replicas show correctness and
//! overhead, not speed-up. In each room the two people are on different replicas whenever
//! there are two or more, so every relayed message crosses Redis.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::Message;

use crate::cli::{Args, Kind};
use crate::clients::{await_peer, drain, join, now_us, stamped, ServerRef};
use crate::procfs::cpu_of;
use crate::report::{percentile, Rows};
use crate::server::duet_command;

/// A server-side process: a replica or Redis.
struct Process {
    child: tokio::process::Child,
    pid: u32,
}

impl Process {
    fn cpu(&self) -> Duration {
        cpu_of(&format!("/proc/{}/stat", self.pid))
    }
}

async fn spawn(mut cmd: tokio::process::Command, port: u16, what: &str) -> Process {
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("start {what} (is it installed?): {e}"));
    let pid = child.id().expect("pid");
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "{what} did not start listening");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Process { child, pid }
}

async fn redis(args: &Args, port: u16) -> Process {
    let mut cmd = tokio::process::Command::new("taskset");
    cmd.arg("-c")
        .arg(args.server_cpu.to_string())
        .arg(&args.redis_server)
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]);
    spawn(cmd, port, "redis-server").await
}

async fn replica(args: &Args, port: u16, redis_port: Option<u16>) -> Process {
    let mut cmd = tokio::process::Command::new("taskset");
    cmd.arg("-c").arg(args.server_cpu.to_string());
    duet_command(&mut cmd, &format!("127.0.0.1:{port}"), &args.duet_args);
    if let Some(redis_port) = redis_port {
        cmd.args(["--redis-url", &format!("redis://127.0.0.1:{redis_port}")]);
    }
    spawn(cmd, port, "duet-signaling").await
}

/// One configuration: `None` replicas means one process without Redis.
async fn measure(args: &Args, replicas: Option<usize>, epoch: Instant) -> Rows {
    let base = args.port + 100;
    let redis_port = base;
    let redis = match replicas {
        Some(_) => Some(redis(args, redis_port).await),
        None => None,
    };
    let count = replicas.unwrap_or(1);
    let mut processes = Vec::new();
    for k in 0..count {
        processes.push(replica(args, base + 1 + k as u16, replicas.map(|_| redis_port)).await);
    }
    let ports: Vec<u16> = (0..count).map(|k| base + 1 + k as u16).collect();

    // Joins: A on replica i, B on the next one, 64 rooms at a time.
    let rooms = args.saturation_rooms;
    let limit = Arc::new(Semaphore::new(64));
    let mut tasks = Vec::new();
    for i in 0..rooms {
        let limit = limit.clone();
        let room = format!("cluster{i}");
        let a_at = ServerRef {
            kind: Kind::Duet,
            port: ports[i % count],
        };
        let b_at = ServerRef {
            kind: Kind::Duet,
            port: ports[(i + 1) % count],
        };
        let sources = args.sources as usize;
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.expect("semaphore");
            let (a, ta) = join(a_at, &room, "a", (1 + (2 * i) % sources) as u8).await?;
            let (b, tb) = join(b_at, &room, "b", (1 + (2 * i + 1) % sources) as u8).await?;
            let (a, mut a_stream) = a.split();
            await_peer(Kind::Duet, &room, &mut a_stream).await?;
            Ok::<_, std::io::Error>((
                a,
                drain(a_stream),
                b,
                [ta.as_nanos() as u64, tb.as_nanos() as u64],
            ))
        }));
    }
    let mut pairs = Vec::new();
    let mut joins = Vec::new();
    for task in tasks {
        let (a, reader, b, times) = task.await.expect("task").expect("pair");
        pairs.push((a, reader, b));
        joins.extend(times);
    }
    joins.sort_unstable();

    // Saturation with 1 KiB messages, a window of messages in flight per room.
    let size = 1024;
    let pad = "x".repeat(size - 40);
    let warmup = Duration::from_secs(1);
    let start = Instant::now() + warmup;
    let deadline = start + Duration::from_secs(args.seconds);
    let received = Arc::new(AtomicU64::new(0));
    let mut senders = Vec::new();
    for (mut a, reader, b) in pairs {
        let window = Arc::new(Semaphore::new(args.window));
        let w = window.clone();
        let pad = pad.clone();
        senders.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let Ok(permit) = w.acquire().await else { break };
                permit.forget();
                if a.send(stamped(Kind::Duet, "", now_us(epoch), &pad))
                    .await
                    .is_err()
                {
                    break;
                }
            }
            (a, reader)
        }));
        let received = received.clone();
        tokio::spawn(async move {
            let (_b_sink, mut b) = b.split();
            while let Some(Ok(msg)) = b.next().await {
                if matches!(msg, Message::Text(_)) {
                    window.add_permits(1);
                    let now = Instant::now();
                    if now >= start && now < deadline {
                        received.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        });
    }
    tokio::time::sleep_until(tokio::time::Instant::from_std(start)).await;
    let server_cpu = |processes: &[Process], redis: &Option<Process>| -> (Duration, Duration) {
        let replicas: Duration = processes.iter().map(Process::cpu).sum();
        (
            replicas,
            redis.as_ref().map_or(Duration::ZERO, Process::cpu),
        )
    };
    let (replicas0, redis0) = server_cpu(&processes, &redis);
    let me0 = cpu_of("/proc/self/stat");
    tokio::time::sleep_until(tokio::time::Instant::from_std(deadline)).await;
    let (replicas1, redis1) = server_cpu(&processes, &redis);
    let me = cpu_of("/proc/self/stat") - me0;
    let n = received.load(Ordering::Relaxed).max(1) as f64;
    for s in senders {
        drop(s.await);
    }
    let (replica_cpu, redis_cpu) = (replicas1 - replicas0, redis1 - redis0);
    let secs = args.seconds as f64;
    let rows = vec![
        (
            "join → admitted p50 / p99 (ms)".into(),
            format!(
                "{:.2} / {:.2}",
                percentile(&joins, 0.5) / 1000.0,
                percentile(&joins, 0.99) / 1000.0
            ),
        ),
        ("1 KiB: messages/s".into(), format!("{:.0}", n / secs)),
        (
            "1 KiB: server-side CPU per message, replicas + Redis (µs)".into(),
            format!(
                "{:.2} ({:.2} + {:.2})",
                (replica_cpu + redis_cpu).as_secs_f64() * 1e6 / n,
                replica_cpu.as_secs_f64() * 1e6 / n,
                redis_cpu.as_secs_f64() * 1e6 / n
            ),
        ),
        (
            "1 KiB: server-side / tool CPU (% of a core)".into(),
            format!(
                "{:.0} / {:.0}",
                (replica_cpu + redis_cpu).as_secs_f64() * 100.0 / secs,
                me.as_secs_f64() * 100.0 / secs
            ),
        ),
    ];
    for mut p in processes {
        let _ = p.child.kill().await;
    }
    if let Some(mut r) = redis {
        let _ = r.child.kill().await;
    }
    rows
}

/// Runs the in-memory baseline and each replica count in `args.replicas`; answers one
/// column per configuration.
pub async fn run(args: &Args, epoch: Instant) -> Vec<(String, Rows)> {
    let mut columns = vec![(
        "one process, no Redis".to_owned(),
        measure(args, None, epoch).await,
    )];
    for &n in &args.replicas {
        let label = format!("Redis, {n} replica{}", if n == 1 { "" } else { "s" });
        eprintln!("cluster: {label}");
        columns.push((label, measure(args, Some(n), epoch).await));
    }
    columns
}
