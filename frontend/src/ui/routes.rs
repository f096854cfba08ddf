//! The app's addresses: `/` and `/r/<room>` (the room name percent-encoded), so a room can
//! be shared as a link. Opening a link still asks for the camera and microphone first; the
//! room dialog then comes pre-filled with the link's room.

use yew_router::Routable;

/// Where the app is.
#[derive(Debug, Clone, PartialEq, Eq, Routable)]
pub enum Route {
    /// The start page.
    #[at("/")]
    Home,
    /// A room's shareable link.
    #[at("/r/:room")]
    Room {
        /// The room's name, as typed (decoded from the path).
        room: String,
    },
    /// Any other path: treated as the start page.
    #[not_found]
    #[at("/404")]
    NotFound,
}

impl Route {
    /// The room this address names, if any.
    pub fn room(&self) -> Option<&str> {
        match self {
            Self::Room { room } => Some(room),
            Self::Home | Self::NotFound => None,
        }
    }
}

/// The full link to `room` on the site at `origin` (e.g. `https://duet.example`).
pub fn room_link(origin: &str, room: &str) -> String {
    let path = Route::Room {
        room: room.to_owned(),
    }
    .to_path();
    format!("{origin}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn a_room_link_is_percent_encoded_and_reads_back() {
        let link = room_link("https://duet.example", "Casa Azul/ñ?#");
        assert_eq!(link, "https://duet.example/r/Casa%20Azul%2F%C3%B1%3F%23");
        let path = link.trim_start_matches("https://duet.example");
        assert_eq!(
            Route::recognize(path),
            Some(Route::Room {
                room: "Casa Azul/ñ?#".into()
            })
        );
    }

    #[wasm_bindgen_test]
    fn the_start_page_and_unknown_paths_name_no_room() {
        assert_eq!(Route::recognize("/"), Some(Route::Home));
        assert_eq!(
            Route::recognize("/nope/x").as_ref().and_then(Route::room),
            None
        );
    }
}
