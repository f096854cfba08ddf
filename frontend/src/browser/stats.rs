//! Connection quality from `RTCPeerConnection.getStats()`: round-trip time, incoming
//! bitrate, packet loss, the friend's video resolution, the call's path (direct or through a
//! relay), and how much this side can send (its uplink).
//!
//! Counters in the stats are totals since the connection started; what a person wants is
//! "now", so [`Quality::between`] turns two samples a second apart into rates. Pure: the
//! browser side only fills in [`StatsSample`].
//!
//! A thin uplink shows only to the side that has it: the browser's own estimate of what it
//! can send (`availableOutgoingBitrate`). Each side tells the other its uplink's grade over
//! the data channel, so both indicators show the weaker link: a friend who can barely send
//! is a poor connection for the one receiving too.

use serde::{Deserialize, Serialize};

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
    /// The path of the selected candidate pair, once there is one.
    pub path: Option<CallPath>,
    /// The browser's estimate of what it can send over the selected pair, in bit/s
    /// (`availableOutgoingBitrate`; not every browser has it).
    pub available_outgoing_bps: Option<f64>,
}

/// How the call's media travels: what the selected ICE candidate pair is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallPath {
    /// Browser to browser: host, server-reflexive or peer-reflexive candidates at both ends.
    Direct,
    /// Through a TURN relay: a `relay` candidate at either end.
    Relayed,
}

impl CallPath {
    /// The path of a candidate pair whose ends have these `candidateType`s.
    pub fn of_pair(local_type: &str, remote_type: &str) -> Self {
        if local_type == "relay" || remote_type == "relay" {
            Self::Relayed
        } else {
            Self::Direct
        }
    }
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
    /// Direct or relayed, if known.
    pub path: Option<CallPath>,
    /// What this side can send, kilobits per second (the browser's estimate), if known.
    pub uplink_kbps: Option<u32>,
    /// The friend's uplink, as they last told it (filled in by the session, not the stats).
    pub friend_uplink: Option<Grade>,
}

/// Below this uplink (kbit/s) video barely gets through: the uplink is poor.
pub const POOR_UPLINK_KBPS: u32 = 500;
/// Below this uplink (kbit/s) video has to be sent small: the uplink is fair.
pub const FAIR_UPLINK_KBPS: u32 = 1_000;
/// How long the uplink must have been poor before "Audio only" is offered, in ms.
pub const THIN_UPLINK_MS: f64 = 10_000.0;

/// A one-word summary, for the compact indicator; ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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
            path: later.path,
            uplink_kbps: later
                .available_outgoing_bps
                .map(|bps| (bps / 1000.0).round() as u32),
            friend_uplink: None,
        })
    }

    /// The loss as people read it, with one decimal ("0.4%"). Written with integers: Rust's
    /// float formatting would add about 4 KB gzip to the app's download for this one number.
    pub fn loss_text(&self) -> String {
        let tenths = (self.loss_percent * 10.0).round() as u32;
        format!("{}.{}%", tenths / 10, tenths % 10)
    }

    /// The one-word summary: the worst of what arrives (loss and delay are what a person
    /// notices), what this side can send, and what the friend can send.
    pub fn grade(&self) -> Grade {
        let rtt = self.rtt_ms.unwrap_or(0);
        let arriving = if self.loss_percent >= 8.0 || rtt >= 600 {
            Grade::Poor
        } else if self.loss_percent >= 2.0 || rtt >= 250 {
            Grade::Fair
        } else {
            Grade::Good
        };
        [Some(arriving), self.uplink_grade(), self.friend_uplink]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(arriving)
    }

    /// This side's uplink, if the browser estimates it.
    pub fn uplink_grade(&self) -> Option<Grade> {
        self.uplink_kbps.map(|kbps| {
            if kbps < POOR_UPLINK_KBPS {
                Grade::Poor
            } else if kbps < FAIR_UPLINK_KBPS {
                Grade::Fair
            } else {
                Grade::Good
            }
        })
    }
}

/// No incoming media for this long, on a live connection, is a stall (ms).
pub const STALL_MS: f64 = 1_000.0;

/// A change in whether the friend's media arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Nothing arrived for [`STALL_MS`]: the path broke (a new address, a dropped link).
    Stalled,
    /// Media arrives again.
    Flowing,
}

/// Watches the incoming bytes, sample after sample, for a stall. Audio alone sends dozens
/// of packets a second, even muted, so a second without a byte is not a quiet friend. A new
/// connection counts as flowing from its first sample: one that connects and then carries
/// nothing has stalled too.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FlowWatch {
    last: Option<StatsSample>,
    arrived_ms: f64,
    stalled: bool,
}

impl FlowWatch {
    /// Takes a sample; returns the change it shows, if any.
    pub fn observe(&mut self, sample: &StatsSample) -> Option<Flow> {
        let Some(last) = self.last.replace(*sample) else {
            self.arrived_ms = sample.timestamp_ms;
            return None;
        };
        if sample.bytes_received > last.bytes_received {
            self.arrived_ms = sample.timestamp_ms;
            return std::mem::take(&mut self.stalled).then_some(Flow::Flowing);
        }
        if !self.stalled && sample.timestamp_ms - self.arrived_ms >= STALL_MS {
            self.stalled = true;
            return Some(Flow::Stalled);
        }
        None
    }
}

/// Watches this side's uplink for "Audio only": a thin uplink is one that has been poor, in
/// every measurement, for [`THIN_UPLINK_MS`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct UplinkWatch {
    poor_since_ms: Option<f64>,
}

impl UplinkWatch {
    /// Takes the uplink's grade measured at `at_ms`; returns whether the uplink is thin.
    pub fn observe(&mut self, at_ms: f64, uplink: Option<Grade>) -> bool {
        if uplink == Some(Grade::Poor) {
            let since = *self.poor_since_ms.get_or_insert(at_ms);
            at_ms - since >= THIN_UPLINK_MS
        } else {
            self.poor_since_ms = None;
            false
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
            path: Some(CallPath::Relayed),
            available_outgoing_bps: Some(2_500_400.0),
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
                path: Some(CallPath::Relayed),
                uplink_kbps: Some(2_500),
                friend_uplink: None,
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
            path: None,
            uplink_kbps: None,
            friend_uplink: None,
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
            path: None,
            uplink_kbps: None,
            friend_uplink: None,
        };
        assert_eq!(with_loss(0.0).loss_text(), "0.0%");
        assert_eq!(with_loss(0.04).loss_text(), "0.0%");
        assert_eq!(with_loss(0.05).loss_text(), "0.1%");
        assert_eq!(with_loss(5.0).loss_text(), "5.0%");
        assert_eq!(with_loss(12.36).loss_text(), "12.4%");
        assert_eq!(with_loss(100.0).loss_text(), "100.0%");
    }

    #[wasm_bindgen_test]
    fn a_relay_at_either_end_makes_the_path_relayed() {
        assert_eq!(CallPath::of_pair("host", "srflx"), CallPath::Direct);
        assert_eq!(CallPath::of_pair("prflx", "host"), CallPath::Direct);
        assert_eq!(CallPath::of_pair("relay", "srflx"), CallPath::Relayed);
        assert_eq!(CallPath::of_pair("host", "relay"), CallPath::Relayed);
    }

    #[wasm_bindgen_test]
    fn a_thin_uplink_on_either_side_lowers_the_grade() {
        let mut q = Quality {
            rtt_ms: Some(20),
            bitrate_kbps: 900,
            loss_percent: 0.0,
            resolution: None,
            path: None,
            uplink_kbps: Some(2_000),
            friend_uplink: Some(Grade::Good),
        };
        assert_eq!(
            (q.uplink_grade(), q.grade()),
            (Some(Grade::Good), Grade::Good)
        );
        q.uplink_kbps = Some(999);
        assert_eq!(
            (q.uplink_grade(), q.grade()),
            (Some(Grade::Fair), Grade::Fair)
        );
        q.uplink_kbps = Some(300);
        assert_eq!(
            (q.uplink_grade(), q.grade()),
            (Some(Grade::Poor), Grade::Poor)
        );
        // A browser without the estimate grades by what arrives, and the friend's word.
        q.uplink_kbps = None;
        assert_eq!((q.uplink_grade(), q.grade()), (None, Grade::Good));
        q.friend_uplink = Some(Grade::Poor);
        assert_eq!(q.grade(), Grade::Poor, "the friend can barely send");
        q.friend_uplink = Some(Grade::Fair);
        q.rtt_ms = Some(700);
        assert_eq!(q.grade(), Grade::Poor, "the worst counts");
    }

    #[wasm_bindgen_test]
    fn the_uplink_is_thin_after_ten_seconds_poor_in_a_row() {
        let mut watch = UplinkWatch::default();
        assert!(!watch.observe(0.0, Some(Grade::Poor)));
        assert!(!watch.observe(9_999.0, Some(Grade::Poor)));
        assert!(watch.observe(10_000.0, Some(Grade::Poor)));
        assert!(watch.observe(11_000.0, Some(Grade::Poor)));
        // One better measurement starts the count again.
        assert!(!watch.observe(12_000.0, Some(Grade::Fair)));
        assert!(!watch.observe(13_000.0, Some(Grade::Poor)));
        assert!(!watch.observe(22_000.0, Some(Grade::Poor)));
        assert!(watch.observe(23_000.0, Some(Grade::Poor)));
        // No estimate is no evidence.
        assert!(!watch.observe(24_000.0, None));
    }

    #[wasm_bindgen_test]
    fn grades_travel_as_lowercase_words() -> Result<(), serde_json::Error> {
        assert_eq!(serde_json::to_string(&Grade::Poor)?, "\"poor\"");
        assert_eq!(serde_json::from_str::<Grade>("\"fair\"")?, Grade::Fair);
        Ok(())
    }

    #[wasm_bindgen_test]
    fn a_second_without_a_byte_is_a_stall_and_the_next_byte_ends_it() {
        let at = |t: f64, bytes: f64| StatsSample {
            timestamp_ms: t,
            bytes_received: bytes,
            ..StatsSample::default()
        };
        let mut watch = FlowWatch::default();
        assert_eq!(watch.observe(&at(0.0, 100.0)), None);
        assert_eq!(watch.observe(&at(500.0, 900.0)), None, "flowing");
        assert_eq!(
            watch.observe(&at(1_000.0, 900.0)),
            None,
            "half a second is not yet"
        );
        assert_eq!(watch.observe(&at(1_500.0, 900.0)), Some(Flow::Stalled));
        assert_eq!(watch.observe(&at(2_000.0, 900.0)), None, "told once");
        assert_eq!(watch.observe(&at(2_500.0, 950.0)), Some(Flow::Flowing));
        assert_eq!(watch.observe(&at(3_000.0, 990.0)), None);
        // A connection that never carried anything stalls a second after its first sample.
        let mut silent = FlowWatch::default();
        assert_eq!(silent.observe(&at(0.0, 0.0)), None);
        assert_eq!(silent.observe(&at(1_000.0, 0.0)), Some(Flow::Stalled));
    }
}
