//! Counters and histograms for `/metrics`, in Prometheus's text exposition format (version
//! 0.0.4).
//!
//! Counters are plain atomics bumped where things happen (a relaxed add costs a few
//! nanoseconds on the relay path); gauges (rooms, sessions, tokens) are read from the lobby at
//! scrape time, so they cannot drift from its bookkeeping; the two latency histograms are a
//! fixed set of atomic buckets.
//!
//! No metrics crate, by choice: `prometheus-client` (the Prometheus project's own) writes
//! OpenMetrics, whose counter families are announced without their `_total` suffix and which
//! ends with `# EOF` under another content type; what scrapers and dashboards of this service
//! already read (every `duet_*` name and `# TYPE` line below) would change with it. Twenty
//! numbers and two histograms do not need a registry.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use shared::ErrorCode;

use crate::messages::Stats;

/// The service's counters. Shared by every actor through an `Arc`.
#[derive(Debug, Default)]
pub struct Metrics {
    /// WebSocket connections accepted.
    pub connections: AtomicU64,
    /// Upgrades refused because the address already had its maximum of connections.
    pub connections_refused: AtomicU64,
    /// Joins admitted (takeovers with a resume token included).
    pub joins: AtomicU64,
    /// Joins refused because the room held two people.
    pub full_rejections: AtomicU64,
    /// Signals relayed to the other person of a room.
    pub relayed: AtomicU64,
    /// Payload bytes of those signals.
    pub relayed_bytes: AtomicU64,
    /// Connections closed because they stopped answering pings.
    pub heartbeat_evictions: AtomicU64,
    /// Connections dropped from their room because they stopped reading.
    pub slow_consumer_evictions: AtomicU64,
    /// Messages refused by the per-connection rate limit.
    pub rate_limited: AtomicU64,
    /// Joins refused by the per-address join limit.
    pub join_rate_limited: AtomicU64,
    /// Redis mode: commands to Redis that failed, and signals not passed on because of it.
    pub redis_errors: AtomicU64,
    /// Redis mode with Sentinel: times this replica moved to a newly promoted primary
    /// (shared with the task that follows Sentinel).
    pub redis_failovers: Arc<AtomicU64>,
    /// Errors sent to browsers, one counter per [`ErrorCode`] (indexed by [`code_index`]).
    errors: [AtomicU64; ErrorCode::ALL.len()],
    /// From a join's arrival to its admission (`joined` sent), Redis's round trips included.
    pub join_latency: Histogram,
    /// From a signal's arrival (from the browser, or over the bus from another replica) to
    /// its hand-off to the other person's connection.
    pub relay_latency: Histogram,
}

/// The upper bounds of [`Histogram`]'s buckets, in nanoseconds and as Prometheus writes them
/// (seconds): from 0.1 ms, a quiet relay, to 2.5 s, a join waiting on an unreachable Redis.
const BUCKETS: [(u64, &str); 14] = [
    (100_000, "0.0001"),
    (250_000, "0.00025"),
    (500_000, "0.0005"),
    (1_000_000, "0.001"),
    (2_500_000, "0.0025"),
    (5_000_000, "0.005"),
    (10_000_000, "0.01"),
    (25_000_000, "0.025"),
    (50_000_000, "0.05"),
    (100_000_000, "0.1"),
    (250_000_000, "0.25"),
    (500_000_000, "0.5"),
    (1_000_000_000, "1"),
    (2_500_000_000, "2.5"),
];

/// Durations counted into [`BUCKETS`], as a Prometheus histogram.
#[derive(Debug, Default)]
pub struct Histogram {
    /// Observations per bucket, the last for those over every bound; not cumulative (each
    /// observation touches one counter), summed up when rendered.
    counts: [AtomicU64; BUCKETS.len() + 1],
    /// The observations' total, in nanoseconds.
    sum_nanos: AtomicU64,
}

impl Histogram {
    /// Counts one duration.
    pub fn observe(&self, elapsed: Duration) {
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        let bucket = BUCKETS
            .iter()
            .position(|&(bound, _)| nanos <= bound)
            .unwrap_or(BUCKETS.len());
        inc(&self.counts[bucket]);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Writes this histogram as the family `name` (`_bucket`, `_sum` and `_count` samples).
    fn render(&self, out: &mut String, name: &str, help: &str) {
        family(out, name, help, "histogram");
        let mut cumulative = 0u64;
        for (&(_, bound), count) in BUCKETS.iter().zip(&self.counts) {
            cumulative += count.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        cumulative += self.counts[BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {cumulative}");
        let sum = Duration::from_nanos(self.sum_nanos.load(Ordering::Relaxed)).as_secs_f64();
        let _ = writeln!(out, "{name}_sum {sum}");
        let _ = writeln!(out, "{name}_count {cumulative}");
    }
}

/// Where `code` counts in [`Metrics`]'s error counters.
fn code_index(code: ErrorCode) -> usize {
    // `ALL` lists every variant, so this always finds one; `Unknown` is last as a fallback.
    ErrorCode::ALL
        .iter()
        .position(|&c| c == code)
        .unwrap_or(ErrorCode::ALL.len() - 1)
}

/// Adds one to a counter. Relaxed: each counter is independent and only ever read whole.
pub fn inc(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Metrics {
    /// Counts an error sent to a browser.
    pub fn error(&self, code: ErrorCode) {
        inc(&self.errors[code_index(code)]);
    }

    /// How many errors with `code` were sent.
    pub fn errors(&self, code: ErrorCode) -> u64 {
        self.errors[code_index(code)].load(Ordering::Relaxed)
    }

    /// The whole `/metrics` page: [`Self::render`], then [`Self::render_histograms`].
    pub fn page(&self, stats: Stats) -> String {
        let mut out = self.render(stats);
        self.render_histograms(&mut out);
        out
    }

    /// The counters, and the lobby's gauges, as Prometheus text.
    pub fn render(&self, stats: Stats) -> String {
        let mut out = String::with_capacity(4096);
        let gauges = [
            ("duet_rooms", "Rooms open.", stats.rooms),
            (
                "duet_sessions",
                "WebSocket sessions connected.",
                stats.sessions,
            ),
            (
                "duet_resume_tokens",
                "Resume tokens still good.",
                stats.tokens,
            ),
        ];
        for (name, help, value) in gauges {
            family(&mut out, name, help, "gauge");
            let _ = writeln!(out, "{name} {value}");
        }
        // Only in Redis mode: without Redis there is nothing to be up or down.
        if let Some(up) = stats.redis_up {
            let name = "duet_redis_up";
            family(
                &mut out,
                name,
                "Redis mode: 1 while Redis answers and this replica's bus channel is subscribed.",
                "gauge",
            );
            let _ = writeln!(out, "{name} {}", u8::from(up));
        }
        let counters = [
            (
                "duet_connections_total",
                "WebSocket connections accepted.",
                &self.connections,
            ),
            (
                "duet_connections_refused_total",
                "WebSocket upgrades refused with 429: too many connections from one address.",
                &self.connections_refused,
            ),
            (
                "duet_joins_total",
                "Joins admitted, takeovers included.",
                &self.joins,
            ),
            (
                "duet_full_rejections_total",
                "Joins refused because the room held two people.",
                &self.full_rejections,
            ),
            (
                "duet_relayed_messages_total",
                "Signals relayed.",
                &self.relayed,
            ),
            (
                "duet_relayed_bytes_total",
                "Payload bytes of relayed signals.",
                &self.relayed_bytes,
            ),
            (
                "duet_heartbeat_evictions_total",
                "Connections closed for not answering pings.",
                &self.heartbeat_evictions,
            ),
            (
                "duet_slow_consumer_evictions_total",
                "Connections dropped from their room for not reading their messages.",
                &self.slow_consumer_evictions,
            ),
            (
                "duet_rate_limited_total",
                "Messages refused by the per-connection rate limit.",
                &self.rate_limited,
            ),
            (
                "duet_join_rate_limited_total",
                "Joins refused by the per-address join limit.",
                &self.join_rate_limited,
            ),
            (
                "duet_redis_errors_total",
                "Redis mode: failed Redis commands, and signals not passed on because of them.",
                &self.redis_errors,
            ),
            (
                "duet_redis_failovers_total",
                "Redis mode with Sentinel: moves to a newly promoted primary.",
                &*self.redis_failovers,
            ),
        ];
        for (name, help, counter) in counters {
            family(&mut out, name, help, "counter");
            let _ = writeln!(out, "{name} {}", counter.load(Ordering::Relaxed));
        }
        family(
            &mut out,
            "duet_errors_total",
            "Errors sent to browsers, by code.",
            "counter",
        );
        for code in ErrorCode::ALL {
            let _ = writeln!(
                out,
                "duet_errors_total{{code=\"{code}\"}} {}",
                self.errors(code)
            );
        }
        out
    }
}

impl Metrics {
    /// The latency histograms, as Prometheus text, after `out`.
    pub fn render_histograms(&self, out: &mut String) {
        self.join_latency.render(
            out,
            "duet_join_duration_seconds",
            "From a join's arrival to its admission (joined sent).",
        );
        self.relay_latency.render(
            out,
            "duet_relay_duration_seconds",
            "From a signal's arrival (from its browser, or from another replica) to its hand-off to the other person's connection.",
        );
    }
}

/// The `# HELP` and `# TYPE` lines of one metric family.
fn family(out: &mut String, name: &str, help: &str, kind: &str) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// The `Content-Type` of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_family_once_with_values() {
        let metrics = Metrics::default();
        inc(&metrics.joins);
        inc(&metrics.joins);
        metrics.error(ErrorCode::RoomFull);
        let text = metrics.render(Stats {
            rooms: 3,
            tokens: 5,
            sessions: 6,
            redis_up: None,
        });
        assert!(text.ends_with('\n'));
        assert!(text.contains("\nduet_rooms 3\n"), "{text}");
        assert!(text.contains("\nduet_sessions 6\n"), "{text}");
        assert!(text.contains("\nduet_joins_total 2\n"), "{text}");
        assert!(
            text.contains("\nduet_errors_total{code=\"room_full\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("\nduet_errors_total{code=\"not_in_room\"} 0\n"),
            "{text}"
        );
        // Every sample line belongs to a family announced by exactly one TYPE line.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let name = line.split(['{', ' ']).next().unwrap_or_default();
            let announced = text
                .lines()
                .filter(|l| l.starts_with(&format!("# TYPE {name} ")))
                .count();
            assert_eq!(announced, 1, "{line}");
        }
    }

    #[test]
    fn histograms_count_into_cumulative_buckets() {
        let metrics = Metrics::default();
        for micros in [50, 300, 300, 40_000] {
            metrics.relay_latency.observe(Duration::from_micros(micros));
        }
        metrics.join_latency.observe(Duration::from_secs(60));
        let mut text = String::new();
        metrics.render_histograms(&mut text);
        for line in [
            "# TYPE duet_relay_duration_seconds histogram",
            "duet_relay_duration_seconds_bucket{le=\"0.0001\"} 1",
            "duet_relay_duration_seconds_bucket{le=\"0.00025\"} 1",
            "duet_relay_duration_seconds_bucket{le=\"0.0005\"} 3",
            "duet_relay_duration_seconds_bucket{le=\"0.05\"} 4",
            "duet_relay_duration_seconds_bucket{le=\"+Inf\"} 4",
            "duet_relay_duration_seconds_sum 0.04065",
            "duet_relay_duration_seconds_count 4",
            "# TYPE duet_join_duration_seconds histogram",
            "duet_join_duration_seconds_bucket{le=\"2.5\"} 0",
            "duet_join_duration_seconds_bucket{le=\"+Inf\"} 1",
            "duet_join_duration_seconds_count 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} not in\n{text}");
        }
        // The whole page is the counters and gauges, then the histograms.
        let page = metrics.page(Stats {
            rooms: 0,
            tokens: 0,
            sessions: 0,
            redis_up: None,
        });
        assert!(page.ends_with(&text), "{page}");
    }

    #[test]
    fn every_code_has_its_own_counter() {
        let metrics = Metrics::default();
        for (n, code) in ErrorCode::ALL.into_iter().enumerate() {
            for _ in 0..=n {
                metrics.error(code);
            }
        }
        for (n, code) in ErrorCode::ALL.into_iter().enumerate() {
            assert_eq!(metrics.errors(code), n as u64 + 1, "{code}");
        }
    }
}
