//! Where the service is and which ICE servers to use: `/config.json` if the deployment has
//! one, otherwise the page's own origin and no ICE servers (enough on a LAN or loopback).
//!
//! The peer connection's ICE servers come from two places: the deployment's `config.json`
//! (typically public STUN servers) and the service's `joined` answer (TURN servers with
//! credentials minted for this join, which cannot live in a static file).

use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Response, RtcConfiguration, RtcIceServer, RtcIceTransportPolicy};

/// The app's runtime configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Config {
    /// The signaling WebSocket URL; `None` means `/ws` on the page's own origin.
    #[serde(default)]
    pub signaling_url: Option<String>,
    /// STUN and TURN servers for the peer connection.
    #[serde(default)]
    pub ice_servers: Vec<IceServer>,
    /// Which candidates the peer connection may use: `"relay"` forces every call through a
    /// TURN server (hides the addresses of both sides; needs a TURN server to work at all).
    #[serde(default)]
    pub ice_transport_policy: IceTransportPolicy,
    /// The largest file that may be sent or received in a call, in bytes; `None`:
    /// [`DEFAULT_MAX_FILE_BYTES`].
    #[serde(default)]
    pub max_file_bytes: Option<u64>,
}

/// The largest file sent or received when `config.json` does not say: 2 GB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 2_000_000_000;

/// `RTCConfiguration.iceTransportPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IceTransportPolicy {
    /// Any candidate: host, server-reflexive or relayed.
    #[default]
    All,
    /// Relayed candidates only (through a TURN server).
    Relay,
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

impl IceServer {
    /// Whether this is a TURN relay (a `turn:` or `turns:` URL), not just STUN.
    pub fn is_relay(&self) -> bool {
        let urls: &[String] = match &self.urls {
            Urls::One(url) => std::slice::from_ref(url),
            Urls::Many(urls) => urls,
        };
        urls.iter().any(|url| {
            let scheme = url.split(':').next().unwrap_or_default();
            scheme.eq_ignore_ascii_case("turn") || scheme.eq_ignore_ascii_case("turns")
        })
    }
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
    /// Only a request that got no answer at all is an error: the page then cannot reach its
    /// service (offline, typically, and opened from the service worker's copy).
    pub async fn load() -> Result<Self, ConfigError> {
        let Some(text) = fetch_json_text("/config.json").await? else {
            return Ok(Self::default());
        };
        match Self::parse(&text) {
            Ok(config) => Ok(config),
            Err(e) => {
                gloo::console::warn!(format!("ignoring /config.json: {e}"));
                Ok(Self::default())
            }
        }
    }

    /// The largest file that may be sent or received, in bytes.
    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES)
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

    /// The ICE servers for a peer connection: the configured ones, then those the service
    /// handed out with the latest join (`joined.ice_servers`).
    pub fn ice_servers_with(&self, from_join: &[shared::IceServer]) -> Vec<IceServer> {
        let joined = from_join.iter().map(|server| IceServer {
            urls: Urls::Many(server.urls.clone()),
            username: server.username.clone(),
            credential: server.credential.clone(),
        });
        self.ice_servers.iter().cloned().chain(joined).collect()
    }

    /// Whether a relay server is at hand: a TURN server configured or handed out with the
    /// latest join.
    pub fn has_relay(&self, from_join: &[shared::IceServer]) -> bool {
        self.ice_servers_with(from_join)
            .iter()
            .any(IceServer::is_relay)
    }

    /// This configuration with relayed candidates only: "Hide my address".
    pub fn relay_only(&self) -> Self {
        Self {
            ice_transport_policy: IceTransportPolicy::Relay,
            ..self.clone()
        }
    }

    /// The `RTCConfiguration` for a new peer connection, with the ICE servers from the latest
    /// join added to the configured ones.
    pub fn rtc_configuration(&self, from_join: &[shared::IceServer]) -> RtcConfiguration {
        let servers = js_sys::Array::new();
        for server in &self.ice_servers_with(from_join) {
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
        config.set_ice_transport_policy(match self.ice_transport_policy {
            IceTransportPolicy::All => RtcIceTransportPolicy::All,
            IceTransportPolicy::Relay => RtcIceTransportPolicy::Relay,
        });
        config
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The request got no answer (the browser's `fetch` rejected it): no network, or the
    /// service is down.
    #[error("the service cannot be reached (no answer for /config.json)")]
    Unreachable,
}

/// The text of the JSON file at `path` on the page's origin; `Ok(None)` if it is not there (an
/// error status) or is not JSON (a service without a config file answers with the app's own
/// index.html). The browser's `fetch`, not an HTTP crate: one GET is all the app asks of HTTP.
async fn fetch_json_text(path: &str) -> Result<Option<String>, ConfigError> {
    let Some(window) = web_sys::window() else {
        return Ok(None);
    };
    let Ok(response) = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|_| ConfigError::Unreachable)?
        .dyn_into::<Response>()
    else {
        return Ok(None);
    };
    let content_type = response.headers().get("content-type").ok().flatten();
    if !response.ok() || !content_type.is_some_and(|t| t.contains("json")) {
        return Ok(None);
    }
    let Ok(text) = response.text() else {
        return Ok(None);
    };
    Ok(JsFuture::from(text).await.ok().and_then(|t| t.as_string()))
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
        assert_eq!(config.ice_transport_policy, IceTransportPolicy::All);
        assert_eq!(Config::parse("{}")?, Config::default());
        assert_eq!(
            Config::parse(r#"{"ice_transport_policy":"relay"}"#)?.ice_transport_policy,
            IceTransportPolicy::Relay
        );
        assert!(Config::parse(r#"{"ice_transport_policy":"none"}"#).is_err());
        assert_eq!(Config::default().max_file_bytes(), 2_000_000_000);
        assert_eq!(
            Config::parse(r#"{"max_file_bytes":1000}"#)?.max_file_bytes(),
            1000
        );
        assert!(Config::parse(r#"{"max_file_bytes":-1}"#).is_err());
        Ok(())
    }

    #[wasm_bindgen_test]
    fn a_relay_is_a_turn_server_configured_or_joined() -> Result<(), serde_json::Error> {
        let stun_only = Config::parse(r#"{"ice_servers":[{"urls":"stun:stun.example:3478"}]}"#)?;
        assert!(!stun_only.has_relay(&[]));
        let joined = [shared::IceServer {
            urls: vec!["TURN:turn.example:3478?transport=udp".into()],
            username: Some("1700000000:abc".into()),
            credential: Some("c2VjcmV0".into()),
        }];
        assert!(stun_only.has_relay(&joined));
        let configured = Config::parse(
            r#"{"ice_servers":[{"urls":["stun:s.example","turns:t.example:5349"]}]}"#,
        )?;
        assert!(configured.has_relay(&[]));
        assert_eq!(
            stun_only.relay_only().ice_transport_policy,
            IceTransportPolicy::Relay
        );
        assert_eq!(stun_only.relay_only().ice_servers, stun_only.ice_servers);
        Ok(())
    }

    /// What the browser made of an `RTCConfiguration`: a real `RTCPeerConnection`'s
    /// `getConfiguration()`, as JSON (the browser rejects a malformed server right there).
    fn as_the_browser_sees_it(config: &RtcConfiguration) -> serde_json::Value {
        let pc = match web_sys::RtcPeerConnection::new_with_configuration(config) {
            Ok(pc) => pc,
            Err(e) => panic!("the browser refused the configuration: {e:?}"),
        };
        let seen = js_sys::Reflect::get(&pc, &"getConfiguration".into())
            .and_then(|f| js_sys::Function::from(f).call0(&pc))
            .and_then(|c| js_sys::JSON::stringify(&c))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        pc.close();
        match serde_json::from_str(&seen) {
            Ok(value) => value,
            Err(e) => panic!("getConfiguration() is not JSON ({e}): {seen}"),
        }
    }

    #[wasm_bindgen_test]
    fn the_peer_connection_gets_the_configured_and_the_joined_ice_servers() {
        let config = match Config::parse(
            r#"{"ice_servers":[{"urls":"stun:stun.example:3478"}],
                "ice_transport_policy":"relay"}"#,
        ) {
            Ok(config) => config,
            Err(e) => panic!("{e}"),
        };
        let from_join = [shared::IceServer {
            urls: vec![
                "turn:turn.example:3478?transport=udp".into(),
                "turns:turn.example:5349?transport=tcp".into(),
            ],
            username: Some("1700000000:abc".into()),
            credential: Some("c2VjcmV0".into()),
        }];
        let seen = as_the_browser_sees_it(&config.rtc_configuration(&from_join));
        assert_eq!(seen["iceTransportPolicy"], "relay");
        let servers = seen["iceServers"].as_array().cloned().unwrap_or_default();
        assert_eq!(servers.len(), 2, "{seen}");
        assert_eq!(
            servers[0]["urls"],
            serde_json::json!(["stun:stun.example:3478"])
        );
        assert_eq!(
            servers[1]["urls"],
            serde_json::json!([
                "turn:turn.example:3478?transport=udp",
                "turns:turn.example:5349?transport=tcp"
            ])
        );
        assert_eq!(servers[1]["username"], "1700000000:abc");
        assert_eq!(servers[1]["credential"], "c2VjcmV0");

        // Without a config file and without TURN: no servers, every candidate allowed.
        let seen = as_the_browser_sees_it(&Config::default().rtc_configuration(&[]));
        assert_eq!(seen["iceTransportPolicy"], "all");
        assert_eq!(seen["iceServers"], serde_json::json!([]));
    }
}
