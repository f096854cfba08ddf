//! "Switch camera": which camera to turn to from the one in use. On a phone that is the other
//! side (front or back, by `facingMode`: a phone may list several back cameras, and people
//! mean the main one); elsewhere (webcams say nothing of facing) the next camera in the
//! browser's order, round. Pure, so the choice is tested without devices.

use super::device_fallback::{Device, MediaKind};

/// Which way a camera faces (`MediaTrackSettings.facingMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facing {
    /// Towards the person (`"user"`): the front camera.
    User,
    /// Away from the person (`"environment"`): the back camera.
    Environment,
}

impl Facing {
    /// Reads `facingMode`; `None` for the values that say nothing of front or back (a
    /// webcam's empty one, `"left"` and `"right"`).
    pub fn parse(mode: &str) -> Option<Self> {
        match mode {
            "user" => Some(Self::User),
            "environment" => Some(Self::Environment),
            _ => None,
        }
    }

    /// The `facingMode` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Environment => "environment",
        }
    }

    /// The other side.
    pub fn opposite(self) -> Self {
        match self {
            Self::User => Self::Environment,
            Self::Environment => Self::User,
        }
    }
}

/// The cameras that can be opened by id (ids are hidden, empty, before permission).
fn cameras(devices: &[Device]) -> impl Iterator<Item = &Device> {
    devices
        .iter()
        .filter(|d| d.kind == MediaKind::Video && !d.id.is_empty())
}

/// Whether there is another camera to switch to: "Switch camera" shows only then.
pub fn can_switch(devices: &[Device]) -> bool {
    cameras(devices).nth(1).is_some()
}

/// The camera after the one in use (`current`, its id) in the browser's order, the first
/// after the last; the first one when the one in use is not listed. `None` with fewer than
/// two cameras.
pub fn next_camera<'a>(devices: &'a [Device], current: &str) -> Option<&'a Device> {
    if !can_switch(devices) {
        return None;
    }
    let position = cameras(devices).position(|d| d.id == current);
    let next = position.map_or(0, |i| i + 1);
    cameras(devices)
        .nth(next)
        .or_else(|| cameras(devices).next())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn device(id: &str, kind: MediaKind) -> Device {
        Device {
            id: id.to_owned(),
            label: format!("{id} label"),
            kind,
        }
    }

    fn next<'a>(devices: &'a [Device], current: &str) -> Option<&'a str> {
        next_camera(devices, current).map(|d| d.id.as_str())
    }

    #[wasm_bindgen_test]
    fn the_next_camera_comes_round_and_microphones_do_not_count() {
        let devices = [
            device("front", MediaKind::Video),
            device("mic", MediaKind::Audio),
            device("back", MediaKind::Video),
            device("wide", MediaKind::Video),
        ];
        assert_eq!(next(&devices, "front"), Some("back"));
        assert_eq!(next(&devices, "back"), Some("wide"));
        assert_eq!(next(&devices, "wide"), Some("front"));
        assert_eq!(
            next(&devices, "gone"),
            Some("front"),
            "not listed: the first"
        );
    }

    #[wasm_bindgen_test]
    fn one_camera_is_nothing_to_switch_to() {
        let one = [
            device("cam", MediaKind::Video),
            device("mic", MediaKind::Audio),
        ];
        assert!(!can_switch(&one));
        assert_eq!(next(&one, "cam"), None);
        // Ids hidden before permission cannot be opened: they do not count.
        let hidden = [
            device("", MediaKind::Video),
            device("cam", MediaKind::Video),
        ];
        assert!(!can_switch(&hidden));
        assert!(can_switch(&[
            device("a", MediaKind::Video),
            device("b", MediaKind::Video)
        ]));
    }

    #[wasm_bindgen_test]
    fn facing_modes_read_and_turn_round() {
        assert_eq!(Facing::parse("user"), Some(Facing::User));
        assert_eq!(Facing::parse("environment"), Some(Facing::Environment));
        assert_eq!(Facing::parse(""), None);
        assert_eq!(Facing::parse("left"), None);
        assert_eq!(Facing::User.opposite(), Facing::Environment);
        assert_eq!(Facing::Environment.opposite().as_str(), "user");
    }
}
