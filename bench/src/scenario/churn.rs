//! Join/leave churn: rooms made and left at a steady rate.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

use crate::cli::{Args, Kind};
use crate::clients::{await_peer, join, now_us, stamp_of, stamped};
use crate::plot::Chart;
use crate::procfs::listen_overflows;
use crate::report::{percentile, Points, Rows};
use crate::server::{PerfStat, Server};

/// Join/leave churn at `rate` joins/s: each room is B joining, then A (already in) sending
/// a signal when told; latency is B's join sent → A's signal received by B.
pub async fn measure(
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
        let view = server.view();
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

/// Duet's rooms and sessions, from its `/metrics`.
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
