//! The cameras and microphones as the call sees them, and which one to fall back to when the
//! one in use goes away mid-call (a camera unplugged, a headset switched off). Pure, so the
//! choice is tested without devices; [`crate::browser::media`] lists and opens the real ones.

/// The two kinds of local media.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// The microphone.
    Audio,
    /// The camera.
    Video,
}

impl MediaKind {
    /// `MediaStreamTrack.kind` for this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Audio => "audio",
            Self::Video => "video",
        }
    }
}

/// A camera or microphone of this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Its `deviceId`.
    pub id: String,
    /// Its name (empty before permission was granted).
    pub label: String,
    /// Camera or microphone.
    pub kind: MediaKind,
}

/// Chromium's alias for "whatever the system uses now" (it follows the system's own choice
/// once a device is gone, so it is the best guess of what the person expects next).
const SYSTEM_DEFAULT: &str = "default";

/// The devices of `kind` to try, in order, after the one with id `lost` ended: the system's
/// default first, then the others in the browser's order, and the lost one itself last (a
/// device still listed may only have been reset, and reopening it is better than nothing).
/// Each id appears once.
pub fn fallback_order(devices: &[Device], kind: MediaKind, lost: &str) -> Vec<Device> {
    let mut order: Vec<Device> = Vec::new();
    let of_kind = || {
        devices
            .iter()
            .filter(|d| d.kind == kind && !d.id.is_empty())
    };
    let mut push = |device: &Device| {
        if !order.iter().any(|d| d.id == device.id) {
            order.push(device.clone());
        }
    };
    of_kind()
        .filter(|d| d.id == SYSTEM_DEFAULT && d.id != lost)
        .for_each(&mut push);
    of_kind().filter(|d| d.id != lost).for_each(&mut push);
    of_kind().filter(|d| d.id == lost).for_each(&mut push);
    order
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

    fn ids(devices: &[Device]) -> Vec<&str> {
        devices.iter().map(|d| d.id.as_str()).collect()
    }

    #[wasm_bindgen_test]
    fn another_device_of_the_same_kind_comes_before_the_lost_one() {
        let devices = [
            device("cam-a", MediaKind::Video),
            device("mic-a", MediaKind::Audio),
            device("cam-b", MediaKind::Video),
            device("cam-c", MediaKind::Video),
        ];
        assert_eq!(
            ids(&fallback_order(&devices, MediaKind::Video, "cam-a")),
            ["cam-b", "cam-c", "cam-a"]
        );
        assert_eq!(
            ids(&fallback_order(&devices, MediaKind::Audio, "mic-a")),
            ["mic-a"],
            "only the lost microphone is left: try it again"
        );
    }

    #[wasm_bindgen_test]
    fn the_system_default_is_tried_first_unless_it_is_what_was_lost() {
        let devices = [
            device("headset", MediaKind::Audio),
            device("built-in", MediaKind::Audio),
            device(SYSTEM_DEFAULT, MediaKind::Audio),
        ];
        assert_eq!(
            ids(&fallback_order(&devices, MediaKind::Audio, "headset")),
            [SYSTEM_DEFAULT, "built-in", "headset"]
        );
        assert_eq!(
            ids(&fallback_order(&devices, MediaKind::Audio, SYSTEM_DEFAULT)),
            ["headset", "built-in", SYSTEM_DEFAULT]
        );
    }

    #[wasm_bindgen_test]
    fn a_device_gone_from_the_list_is_not_tried_and_nothing_left_is_nothing_to_try() {
        let devices = [
            device("cam-b", MediaKind::Video),
            device("mic-a", MediaKind::Audio),
        ];
        assert_eq!(
            ids(&fallback_order(&devices, MediaKind::Video, "cam-a")),
            ["cam-b"]
        );
        assert!(fallback_order(&devices[1..], MediaKind::Video, "cam-a").is_empty());
        // Ids hidden before permission (empty) cannot be opened by id.
        assert!(fallback_order(&[device("", MediaKind::Video)], MediaKind::Video, "x").is_empty());
    }
}
