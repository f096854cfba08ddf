//! The connection-quality tests: rates, loss and grades from `getStats` samples.

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
