//! Reading `getStats()`'s report: incoming media, the selected candidate pair's round trip,
//! and whether the call's path is direct or relayed.

use std::collections::HashMap;

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::browser::stats::{CallPath, StatsSample};

/// Sums what a stats report says about incoming media, and reads the selected candidate
/// pair: its round trip and what its two ends are (direct or relayed).
pub(super) fn read_stats(report: &JsValue) -> StatsSample {
    let number = |stat: &JsValue, key: &str| {
        Reflect::get(stat, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_f64())
    };
    let text = |stat: &JsValue, key: &str| {
        Reflect::get(stat, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    };
    let mut sample = StatsSample::default();
    // An RTCStatsReport is a maplike: iterating it gives [id, stat] pairs.
    let Ok(Some(entries)) = js_sys::try_iter(report) else {
        return sample;
    };
    // Pairs and candidates by id, to follow the selected pair to its two ends.
    let mut linked: HashMap<String, JsValue> = HashMap::new();
    let mut selected_pair = None;
    let mut nominated_pair = None;
    for entry in entries.flatten() {
        let stat = Reflect::get(&entry, &JsValue::from_f64(1.0)).unwrap_or(JsValue::UNDEFINED);
        sample.timestamp_ms = sample
            .timestamp_ms
            .max(number(&stat, "timestamp").unwrap_or(0.0));
        match text(&stat, "type").as_deref() {
            Some("inbound-rtp") => {
                sample.bytes_received += number(&stat, "bytesReceived").unwrap_or(0.0);
                sample.packets_received += number(&stat, "packetsReceived").unwrap_or(0.0);
                sample.packets_lost += number(&stat, "packetsLost").unwrap_or(0.0);
                if let (Some(w), Some(h)) =
                    (number(&stat, "frameWidth"), number(&stat, "frameHeight"))
                {
                    sample.frame = Some((w as u32, h as u32));
                }
            }
            // The standard way to the pair in use (Chromium)...
            Some("transport") => {
                if let Some(id) = text(&stat, "selectedCandidatePairId") {
                    selected_pair = Some(id);
                }
            }
            Some("candidate-pair") => {
                // ...and, where there is no transport stat (Firefox), the nominated pair
                // that works.
                let nominated = Reflect::get(&stat, &JsValue::from_str("nominated"))
                    .ok()
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
                if nominated && text(&stat, "state").as_deref() == Some("succeeded") {
                    nominated_pair = Some(stat.clone());
                }
                if let Some(id) = text(&stat, "id") {
                    linked.insert(id, stat);
                }
            }
            Some("local-candidate" | "remote-candidate") => {
                if let Some(id) = text(&stat, "id") {
                    linked.insert(id, stat);
                }
            }
            _ => {}
        }
    }
    let pair = selected_pair
        .and_then(|id| linked.get(&id).cloned())
        .or(nominated_pair);
    if let Some(pair) = pair {
        sample.rtt_s = number(&pair, "currentRoundTripTime");
        sample.available_outgoing_bps = number(&pair, "availableOutgoingBitrate");
        let end_type = |key: &str| {
            text(&pair, key)
                .and_then(|id| linked.get(&id))
                .and_then(|candidate| text(candidate, "candidateType"))
        };
        if let (Some(local), Some(remote)) =
            (end_type("localCandidateId"), end_type("remoteCandidateId"))
        {
            sample.path = Some(CallPath::of_pair(&local, &remote));
        }
    }
    sample
}
