//! Soak: churn for a bounded time, then everything must be gone and memory back.
//!
//! Opt-in (ignored by default, as it runs for a while):
//!
//! ```sh
//! DUET_SOAK_SECS=60 cargo test -p duet-signaling --release --test it soak -- --ignored --nocapture
//! ```
//!
//! Workers connect, join one of a few rooms (so rooms fill, pair and refuse), say hello, and
//! go in one of three ways: `leave` then close, a close frame, or the TCP connection dropped
//! without one. Afterwards rooms, tokens and sessions must be back to zero, and the process's
//! RSS within 5% of what it was after a warm-up round (which grows the allocator's pools
//! first, so that what remains measured is what churn leaks).

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use futures_util::StreamExt;
use shared::{ClientMsg, ServerMsg};
use tokio_tungstenite::tungstenite::Message;

use crate::support::{room, start, Client};

/// Concurrent churning clients.
const WORKERS: u64 = 64;
/// Rooms they share: a few, so that joins collide.
const ROOMS: u64 = 40;

/// VmRSS of this process, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    joined: u64,
    full: u64,
}

/// One worker's churn until `deadline`.
async fn churn(addr: std::net::SocketAddr, worker: u64, deadline: Instant) -> Tally {
    let mut tally = Tally::default();
    // A small LCG: deterministic per worker, no dependency.
    let mut state = worker
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1);
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    while Instant::now() < deadline {
        let mut client = Client::connect(addr).await;
        let name = format!("soak-{}", next() % ROOMS);
        client
            .send(&ClientMsg::Join {
                room: room(&name),
                resume: None,
            })
            .await;
        let joined = loop {
            match client.recv().await {
                ServerMsg::Joined { .. } => break true,
                ServerMsg::Error { .. } => break false,
                _ => {}
            }
        };
        if joined {
            tally.joined += 1;
            client.hello(false).await;
        } else {
            tally.full += 1;
        }
        match next() % 3 {
            0 if joined => {
                client.send(&ClientMsg::Leave).await;
                let _ = client.ws.close(None).await;
            }
            1 => {
                let _ = client.ws.close(None).await;
                // Until the service's close frame comes back (or the stream ends).
                while let Ok(Some(Ok(msg))) =
                    tokio::time::timeout(Duration::from_secs(1), client.ws.next()).await
                {
                    if matches!(msg, Message::Close(_)) {
                        break;
                    }
                }
            }
            // Dropped: the TCP connection ends without a close frame.
            _ => drop(client),
        }
    }
    tally
}

async fn churn_all(addr: std::net::SocketAddr, for_how_long: Duration) -> Tally {
    let deadline = Instant::now() + for_how_long;
    let tallies = join_all((0..WORKERS).map(|w| churn(addr, w, deadline))).await;
    tallies.into_iter().fold(Tally::default(), |a, b| Tally {
        joined: a.joined + b.joined,
        full: a.full + b.full,
    })
}

async fn until_empty(server: &signaling::Server) -> Duration {
    let started = Instant::now();
    loop {
        let stats = server.stats().await.expect("stats");
        if stats.rooms == 0 && stats.sessions == 0 && stats.tokens == 0 {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "not back to zero: {stats:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
#[ignore = "long: a soak run; DUET_SOAK_SECS sets its length"]
async fn soak_churn_returns_to_zero_and_to_baseline_memory() {
    let seconds: u64 = std::env::var("DUET_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let server = start(&[
        "--join-burst-per-ip",
        "1000000",
        "--joins-per-second-per-ip",
        "1000000",
    ])
    .await;
    let addr = server.addr();

    let warm = churn_all(addr, Duration::from_secs(seconds.div_ceil(5).max(2))).await;
    until_empty(&server).await;
    let baseline = rss_kib();

    let started = Instant::now();
    let tally = churn_all(addr, Duration::from_secs(seconds)).await;
    let elapsed = started.elapsed();
    let settled = until_empty(&server).await;
    let after = rss_kib();
    let ratio = after as f64 / baseline as f64;
    println!(
        "soak: {seconds}s, {WORKERS} workers over {ROOMS} rooms: {} joins ({:.0}/s), {} refused as full; \
         warm-up {} joins; back to zero {settled:?} after; RSS baseline {baseline} KiB, after {after} KiB ({:+.1}%)",
        tally.joined,
        tally.joined as f64 / elapsed.as_secs_f64(),
        tally.full,
        warm.joined,
        (ratio - 1.0) * 100.0,
    );
    assert!(
        tally.joined > 0 && tally.full > 0,
        "the churn did not exercise full rooms"
    );
    assert!(ratio <= 1.05, "RSS grew {baseline} → {after} KiB");
    server.stop().await.expect("stop");
}
