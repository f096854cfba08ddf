//! "Hide my address": a call that uses relayed candidates only (`iceTransportPolicy:
//! "relay"`), so the friend's browser learns the relay server's address and never this
//! person's own (neither the machine's nor the home's public one).
//!
//! It needs a relay server. Whether there is one is known from the deployment's
//! `config.json` (a TURN server there) or from the service's answer to a join (the TURN
//! servers it hands out); before any join in this browser it is not known, and the switch
//! stays available: a join that then turns out to have no relay ends before any candidate is
//! gathered, and says why.

/// Where the switch stands, on the room step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressChoice {
    /// The person chooses; `on` is their choice.
    Open {
        /// Whether they chose to hide their address.
        on: bool,
    },
    /// No relay server: calls can only be direct (the switch is off and disabled).
    NoRelay,
    /// The deployment relays every call anyway (the switch is on and disabled).
    AlwaysRelayed,
}

impl AddressChoice {
    /// The switch for a person who chose `on`, where the deployment forces relaying or not
    /// (`config.json`'s `ice_transport_policy`), and `relay` is what is known of a relay
    /// server (`None`: nothing yet).
    pub fn new(on: bool, forced_relay: bool, relay: Option<bool>) -> Self {
        match (forced_relay, relay) {
            (true, _) => Self::AlwaysRelayed,
            (false, Some(false)) => Self::NoRelay,
            (false, _) => Self::Open { on },
        }
    }

    /// Whether a call joined now uses relayed candidates only.
    pub fn hides(self) -> bool {
        matches!(self, Self::Open { on: true } | Self::AlwaysRelayed)
    }

    /// Whether the person can flip the switch.
    pub fn can_change(self) -> bool {
        matches!(self, Self::Open { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_switch_follows_the_choice_while_a_relay_may_exist() {
        for relay in [None, Some(true)] {
            assert_eq!(
                AddressChoice::new(true, false, relay),
                AddressChoice::Open { on: true }
            );
            assert!(AddressChoice::new(true, false, relay).hides());
            assert!(!AddressChoice::new(false, false, relay).hides());
            assert!(AddressChoice::new(false, false, relay).can_change());
        }
    }

    #[wasm_bindgen_test]
    fn without_a_relay_the_switch_is_off_and_fixed() {
        let choice = AddressChoice::new(true, false, Some(false));
        assert_eq!(choice, AddressChoice::NoRelay);
        assert!(
            !choice.hides(),
            "the call is direct, and the person was told so"
        );
        assert!(!choice.can_change());
    }

    #[wasm_bindgen_test]
    fn a_deployment_that_relays_everything_always_hides() {
        for (on, relay) in [(false, None), (true, Some(false)), (false, Some(true))] {
            let choice = AddressChoice::new(on, true, relay);
            assert_eq!(choice, AddressChoice::AlwaysRelayed);
            assert!(choice.hides());
            assert!(!choice.can_change());
        }
    }
}
