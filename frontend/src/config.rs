//! Where the service is and which ICE servers to use: `/config.json` if the deployment has
//! one, otherwise the page's own origin and no ICE servers (enough on a LAN or loopback).

use serde::Deserialize;
use wasm_bindgen::JsValue;
use web_sys::{RtcConfiguration, RtcIceServer};

/// The app's runtime configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Config {
    /// The signaling WebSocket URL; `None` means `/ws` on the page's own origin.
    #[serde(default)]
    pub signaling_url: Option<String>,
    /// STUN and TURN servers for the peer connection.
    #[serde(default)]
    pub ice_servers: Vec<IceServer>,
}

/// One STUN or TURN server, shaped like the browser's `RTCIceServer`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IceServer {
    /// One URL or several (`stun:…`, `turn:…`, `turns:…`).
    pub urls: Urls,
    /// TURN user name.
    #[serde(default)]
    pub username: Option<String>,
    /// TURN password.
    #[serde(default)]
    pub credential: Option<String>,
}

/// `urls` may be a single string or a list, as in `RTCIceServer`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Urls {
    /// A single URL.
    One(String),
    /// Several URLs for the same server.
    Many(Vec<String>),
}

impl Config {
    /// Parses the text of a `config.json`.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Loads `/config.json`. A missing, unreadable or malformed file means the defaults:
    /// configuration is optional, and the service answers unknown paths with the app itself.
    pub async fn load() -> Self {
        let response = match gloo::net::http::Request::get("/config.json").send().await {
            Ok(response) if response.ok() => response,
            _ => return Self::default(),
        };
        // A service without a config file answers with the app's own index.html.
        let content_type = response.headers().get("content-type").unwrap_or_default();
        if !content_type.contains("json") {
            return Self::default();
        }
        match response.text().await.map(|text| Self::parse(&text)) {
            Ok(Ok(config)) => config,
            Ok(Err(e)) => {
                gloo::console::warn!(format!("ignoring /config.json: {e}"));
                Self::default()
            }
            Err(_) => Self::default(),
        }
    }

    /// The WebSocket URL of the signaling service.
    pub fn signaling_url(&self) -> String {
        if let Some(url) = &self.signaling_url {
            return url.clone();
        }
        let location = web_sys::window().map(|w| w.location());
        let protocol = location
            .as_ref()
            .and_then(|l| l.protocol().ok())
            .unwrap_or_default();
        let host = location
            .as_ref()
            .and_then(|l| l.host().ok())
            .unwrap_or_default();
        same_origin_ws_url(&protocol, &host)
    }

    /// The `RTCConfiguration` for a new peer connection.
    pub fn rtc_configuration(&self) -> RtcConfiguration {
        let servers = js_sys::Array::new();
        for server in &self.ice_servers {
            let ice = RtcIceServer::new();
            let urls = match &server.urls {
                Urls::One(url) => js_sys::Array::of1(&JsValue::from_str(url)),
                Urls::Many(list) => list.iter().map(|u| JsValue::from_str(u)).collect(),
            };
            ice.set_urls(&urls);
            if let Some(username) = &server.username {
                ice.set_username(username);
            }
            if let Some(credential) = &server.credential {
                ice.set_credential(credential);
            }
            servers.push(&ice);
        }
        let config = RtcConfiguration::new();
        config.set_ice_servers(&servers);
        config
    }
}

/// `ws://host/ws` for an `http:` page, `wss://host/ws` for an `https:` one.
pub fn same_origin_ws_url(page_protocol: &str, host: &str) -> String {
    let scheme = if page_protocol == "https:" {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{host}/ws")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_websocket_follows_the_page_protocol() {
        assert_eq!(
            same_origin_ws_url("http:", "localhost:8080"),
            "ws://localhost:8080/ws"
        );
        assert_eq!(
            same_origin_ws_url("https:", "duet.example"),
            "wss://duet.example/ws"
        );
    }

    #[wasm_bindgen_test]
    fn config_json_parses_with_optional_fields() -> Result<(), serde_json::Error> {
        let config = Config::parse(
            r#"{"signaling_url":"wss://s.example/ws","ice_servers":[
                {"urls":["stun:stun.example:3478"]},
                {"urls":"turn:turn.example","username":"u","credential":"p"}]}"#,
        )?;
        assert_eq!(config.signaling_url.as_deref(), Some("wss://s.example/ws"));
        assert_eq!(config.ice_servers.len(), 2);
        assert_eq!(config.ice_servers[1].username.as_deref(), Some("u"));
        assert_eq!(Config::parse("{}")?, Config::default());
        // Building the browser object must not throw for either form of `urls`.
        let _ = config.rtc_configuration();
        Ok(())
    }
}
