//! The signaling client's tests: the reconnection backoff and reading the service's frames.

use super::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn backoff_doubles_from_a_quarter_second_to_five_seconds_with_jitter() {
    let mut backoff = Backoff::default();
    let highs: Vec<u128> = (0..8)
        .map(|_| backoff.next_delay(1.0).as_millis())
        .collect();
    assert_eq!(highs, [250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    let mut backoff = Backoff::default();
    let lows: Vec<u128> = (0..3)
        .map(|_| backoff.next_delay(0.0).as_millis())
        .collect();
    assert_eq!(lows, [125, 250, 500]);
    backoff.reset();
    assert_eq!(backoff.next_delay(0.5).as_millis(), 187);
    // Many failures in a row do not overflow.
    for _ in 0..100 {
        assert!(backoff.next_delay(0.99) <= Backoff::MAX);
    }
}
