//! The app's addresses: `/` and `/r/<room>` (the room name percent-encoded), so a room can
//! be shared as a link. Opening a link still asks for the camera and microphone first; the
//! room dialog then comes pre-filled with the link's room.
//!
//! Two addresses do not need a router crate: the path is read from `location`, written with
//! `history.replaceState`, and followed on back and forward (`popstate`). (yew-router cost
//! the app's download about 7 KB gzip; see docs/benchmarks.md.)

use gloo::events::EventListener;
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// Where the app is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The start page.
    Home,
    /// A room's shareable link.
    Room {
        /// The room's name, as typed (decoded from the path).
        room: String,
    },
    /// Any other path: treated as the start page.
    NotFound,
}

impl Route {
    /// The route of a path such as `/r/Casa%20Azul`.
    pub fn recognize(path: &str) -> Self {
        if path.is_empty() || path == "/" {
            return Self::Home;
        }
        path.strip_prefix("/r/")
            .filter(|encoded| !encoded.is_empty() && !encoded.contains('/'))
            .and_then(|encoded| js_sys::decode_uri_component(encoded).ok())
            .map_or(Self::NotFound, |room| Self::Room { room: room.into() })
    }

    /// The path of this route, the room name percent-encoded.
    pub fn to_path(&self) -> String {
        match self {
            Self::Home | Self::NotFound => "/".to_owned(),
            Self::Room { room } => {
                let encoded: String = js_sys::encode_uri_component(room).into();
                format!("/r/{encoded}")
            }
        }
    }

    /// The room this address names, if any.
    pub fn room(&self) -> Option<&str> {
        match self {
            Self::Room { room } => Some(room),
            Self::Home | Self::NotFound => None,
        }
    }

    /// The route of the page's address now.
    fn current() -> Self {
        web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .map_or(Self::Home, |path| Self::recognize(&path))
    }
}

/// The page's route, followed on back and forward.
#[hook]
pub fn use_route() -> UseStateHandle<Route> {
    let route = use_state(Route::current);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "popstate", move |_| route.set(Route::current()))
            });
            move || drop(listener)
        });
    }
    route
}

/// Puts `route` in the address bar in place of the current address (no new history entry),
/// and in `current`.
pub fn replace(current: &UseStateHandle<Route>, route: Route) {
    let history = web_sys::window().and_then(|w| w.history().ok());
    if let Some(history) = history {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&route.to_path()));
    }
    current.set(route);
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
            Route::Room {
                room: "Casa Azul/ñ?#".into()
            }
        );
    }

    #[wasm_bindgen_test]
    fn the_start_page_and_unknown_paths_name_no_room() {
        assert_eq!(Route::recognize("/"), Route::Home);
        for path in ["/nope/x", "/r/", "/r/a/b", "/r/%E0%A4%A"] {
            assert_eq!(Route::recognize(path).room(), None, "{path}");
        }
    }
}
