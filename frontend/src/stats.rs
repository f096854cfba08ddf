//! Connection quality from `RTCPeerConnection.getStats()`: round-trip time, incoming
//! bitrate, packet loss and the friend's video resolution.
//!
//! Counters in the stats are totals since the connection started; what a person wants is
//! "now", so [`Quality::between`] turns two samples a second apart into rates. Pure: the
//! browser side only fills in [`StatsSample`].

/// The numbers read from one `getStats()` report.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StatsSample {
    /// When the report was made (`timestamp`, ms).
    pub timestamp_ms: f64,
    /// Bytes received over every incoming RTP stream (audio and video).
    pub bytes_received: f64,
    /// Packets received over every incoming RTP stream.
    pub packets_received: f64,
    /// Packets lost over every incoming RTP stream.
    pub packets_lost: f64,
    /// The selected candidate pair's current round-trip time, in seconds.
    pub rtt_s: Option<f64>,
    /// The incoming video's size.
    pub frame: Option<(u32, u32)>,
}

/// How the connection is doing right now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality {
    /// Round-trip time in milliseconds, if measured yet.
    pub rtt_ms: Option<u32>,
    /// Incoming bitrate, kilobits per second.
    pub bitrate_kbps: u32,
    /// Share of packets lost in the interval, in percent.
    pub loss_percent: f64,
    /// The friend's video resolution.
    pub resolution: Option<(u32, u32)>,
}

/// A one-word summary, for the compact indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// Smooth.
    Good,
    /// Usable, with hiccups.
    Fair,
    /// Choppy.
    Poor,
}

impl Quality {
    /// The quality over the interval from `earlier` to `later`; `None` if they are not in
    /// order (a new connection restarted the counters).
    pub fn between(earlier: &StatsSample, later: &StatsSample) -> Option<Self> {
        let elapsed_ms = later.timestamp_ms - earlier.timestamp_ms;
        let bytes = later.bytes_received - earlier.bytes_received;
        let received = later.packets_received - earlier.packets_received;
        let lost = (later.packets_lost - earlier.packets_lost).max(0.0);
        if elapsed_ms <= 0.0 || bytes < 0.0 || received < 0.0 {
            return None;
        }
        let expected = received + lost;
        Some(Self {
            rtt_ms: later.rtt_s.map(|s| (s * 1000.0).round() as u32),
            // bytes × 8 bits / ms = kilobits per second.
            bitrate_kbps: (bytes * 8.0 / elapsed_ms).round() as u32,
            loss_percent: if expected > 0.0 {
                lost * 100.0 / expected
            } else {
                0.0
            },
            resolution: later.frame,
        })
    }

    /// The loss as people read it, with one decimal ("0.4%"). Written with integers: Rust's
    /// float formatting would add about 4 KB gzip to the app's download for this one number.
    pub fn loss_text(&self) -> String {
        let tenths = (self.loss_percent * 10.0).round() as u32;
        format!("{}.{}%", tenths / 10, tenths % 10)
    }

    /// The one-word summary: loss and delay are what a person notices.
    pub fn grade(&self) -> Grade {
        let rtt = self.rtt_ms.unwrap_or(0);
        if self.loss_percent >= 8.0 || rtt >= 600 {
            Grade::Poor
        } else if self.loss_percent >= 2.0 || rtt >= 250 {
            Grade::Fair
        } else {
            Grade::Good
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn sample(t: f64, bytes: f64, received: f64, lost: f64) -> StatsSample {
        StatsSample {
            timestamp_ms: t,
            bytes_received: bytes,
            packets_received: received,
            packets_lost: lost,
            rtt_s: Some(0.0424),
            frame: Some((640, 480)),
        }
    }

    #[wasm_bindgen_test]
    fn rates_come_from_the_difference_of_two_samples() {
        let q = Quality::between(
            &sample(1_000.0, 10_000.0, 100.0, 0.0),
            &sample(2_000.0, 135_000.0, 290.0, 10.0),
        );
        assert_eq!(
            q,
            Some(Quality {
                rtt_ms: Some(42),
                bitrate_kbps: 1_000,
                loss_percent: 5.0,
                resolution: Some((640, 480)),
            })
        );
        assert_eq!(q.map(|q| q.grade()), Some(Grade::Fair));
    }

    #[wasm_bindgen_test]
    fn counters_that_went_backwards_give_nothing() {
        let later = sample(2_000.0, 10.0, 1.0, 0.0);
        assert_eq!(
            Quality::between(&sample(1_000.0, 5_000.0, 50.0, 0.0), &later),
            None
        );
        assert_eq!(Quality::between(&later, &later), None, "no time passed");
    }

    #[wasm_bindgen_test]
    fn no_packets_means_no_loss_and_grades_follow_loss_and_delay() {
        let q = Quality::between(&sample(0.0, 0.0, 0.0, 0.0), &sample(1_000.0, 0.0, 0.0, 0.0));
        assert_eq!(q.map(|q| (q.bitrate_kbps, q.loss_percent)), Some((0, 0.0)));
        let mut q = Quality {
            rtt_ms: Some(20),
            bitrate_kbps: 900,
            loss_percent: 0.1,
            resolution: None,
        };
        assert_eq!(q.grade(), Grade::Good);
        q.rtt_ms = Some(700);
        assert_eq!(q.grade(), Grade::Poor);
        q.rtt_ms = Some(20);
        q.loss_percent = 9.0;
        assert_eq!(q.grade(), Grade::Poor);
    }

    #[wasm_bindgen_test]
    fn loss_reads_with_one_decimal() {
        let with_loss = |loss_percent| Quality {
            rtt_ms: None,
            bitrate_kbps: 0,
            loss_percent,
            resolution: None,
        };
        assert_eq!(with_loss(0.0).loss_text(), "0.0%");
        assert_eq!(with_loss(0.04).loss_text(), "0.0%");
        assert_eq!(with_loss(0.05).loss_text(), "0.1%");
        assert_eq!(with_loss(5.0).loss_text(), "5.0%");
        assert_eq!(with_loss(12.36).loss_text(), "12.4%");
        assert_eq!(with_loss(100.0).loss_text(), "100.0%");
    }
}
