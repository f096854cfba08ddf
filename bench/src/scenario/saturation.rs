//! Saturation: as many messages as the server relays, and the CPU each costs it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::Message;

use crate::cli::Args;
use crate::clients::{now_us, pairs, stamped, Pair};
use crate::plot::Chart;
use crate::procfs::cpu_of;
use crate::report::{Points, Rows};
use crate::server::{PerfStat, Server};

/// Each sender keeps `--window` messages of `size` bytes in flight.
pub async fn measure(
    server: &Server,
    args: &Args,
    size: usize,
    epoch: Instant,
    points: &mut Points,
) -> Rows {
    let (pairs, _) = pairs(
        server.view(),
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
