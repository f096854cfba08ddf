//! Relay latency at a steady, light rate.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::cli::Args;
use crate::clients::{now_us, pairs, stamp_of, stamped, Pair};
use crate::plot::Chart;
use crate::report::{percentile, Points, Rows};
use crate::server::Server;

/// 1,000 rooms (`--rooms`), one ~250 B message a second each, timed from sender to receiver.
pub async fn measure(server: &Server, args: &Args, epoch: Instant, points: &mut Points) -> Rows {
    let (pairs, mut joins) = pairs(server.view(), args.rooms, args.sources, "lat").await;
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
