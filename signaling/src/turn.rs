//! Time-limited TURN credentials, the "TURN REST API" scheme that coturn checks with
//! `use-auth-secret` / `static-auth-secret`:
//!
//! - user name: `"<expiry>:<id>"`, the expiry in Unix seconds;
//! - password: `base64(HMAC-SHA1(secret, user name))`, standard alphabet with padding.
//!
//! The TURN server recomputes the password from the user name and the shared secret and refuses
//! it once the expiry has passed. It checks that on every authenticated request, allocation
//! refreshes and permissions included, so a credential that expires mid-call ends the relay
//! of that call within minutes: the time to live must outlast a long call.
//!
//! Plain functions of their inputs (the time is passed in), so they are tested on fixed vectors.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use shared::IceServer;

type HmacSha1 = Hmac<Sha1>;

/// The secret shared with the TURN server (coturn's `static-auth-secret`).
///
/// It is kept only as a keyed HMAC state, and shows as `<redacted>` in `Debug`, so neither a
/// log line nor a `{:?}` of the settings can reveal it.
#[derive(Clone)]
pub struct TurnSecret(HmacSha1);

/// An empty `--turn-secret`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the TURN secret must not be empty")]
pub struct EmptySecret;

impl TurnSecret {
    /// A secret from its bytes; empty is refused.
    pub fn new(secret: &[u8]) -> Result<Self, EmptySecret> {
        if secret.is_empty() {
            return Err(EmptySecret);
        }
        // HMAC takes a key of any length (longer ones are hashed first), so this cannot fail.
        HmacSha1::new_from_slice(secret)
            .map(Self)
            .map_err(|_| EmptySecret)
    }

    /// The TURN password for `username`: `base64(HMAC-SHA1(secret, username))`.
    pub fn password(&self, username: &str) -> String {
        let mut mac = self.0.clone();
        mac.update(username.as_bytes());
        BASE64.encode(mac.finalize().into_bytes())
    }
}

impl FromStr for TurnSecret {
    type Err = EmptySecret;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s.as_bytes())
    }
}

impl fmt::Debug for TurnSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TurnSecret(<redacted>)")
    }
}

/// The TURN user name for a credential that expires at `expiry` (Unix seconds).
pub fn username(expiry: u64, id: &str) -> String {
    format!("{expiry}:{id}")
}

/// Seconds since the Unix epoch (0 for a clock set before it).
pub fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// An opaque credential id from random bytes: hex, nothing about the room or the browser.
pub fn opaque_id(random: &[u8; 8]) -> String {
    shared::to_hex(random)
}

/// A TURN relay and how to mint credentials for it.
#[derive(Debug, Clone)]
pub struct TurnRelay {
    urls: Vec<String>,
    secret: TurnSecret,
    ttl: Duration,
}

impl TurnRelay {
    /// A relay reached at `urls` (`turn:`/`turns:`), sharing `secret` with this service,
    /// whose credentials are good for `ttl` (whole seconds count).
    pub fn new(urls: Vec<String>, secret: TurnSecret, ttl: Duration) -> Self {
        Self { urls, secret, ttl }
    }

    /// How long a credential is good for.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A credential minted at `now` for the opaque `id`, as the ICE server the browser uses.
    pub fn mint(&self, now: SystemTime, id: &str) -> IceServer {
        let expiry = unix_seconds(now).saturating_add(self.ttl.as_secs());
        let username = username(expiry, id);
        let credential = self.secret.password(&username);
        IceServer {
            urls: self.urls.clone(),
            username: Some(username),
            credential: Some(credential),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> TurnSecret {
        s.parse()
            .unwrap_or_else(|e| panic!("{s:?} is a valid secret: {e}"))
    }

    /// RFC 2202, HMAC-SHA1 test case 2: key "Jefe", data "what do ya want for nothing?",
    /// digest effcdf6ae5eb2fa2d27416d5f184df9c259a7c79, here in base64.
    #[test]
    fn password_matches_rfc_2202_case_2() {
        assert_eq!(
            secret("Jefe").password("what do ya want for nothing?"),
            "7/zfauXrL6LSdBbV8YTfnCWafHk="
        );
    }

    /// RFC 2202, test case 6: an 80-byte key, longer than SHA-1's block, is hashed first.
    /// Digest aa4ae5e15272d00e95705637ce8a3b55ed402112.
    #[test]
    fn password_matches_rfc_2202_case_6_long_key() {
        let key = TurnSecret::new(&[0xaa; 80]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            key.password("Test Using Larger Than Block-Size Key - Hash Key First"),
            "qkrl4VJy0A6VcFY3zoo7Ve1AIRI="
        );
    }

    /// A credential shaped as coturn sees one. The expected password was computed outside Rust:
    /// `printf '%s' '1767225600:5b3e0f9c2a7d4e18' | openssl dgst -sha1 -hmac north -binary | base64`
    /// (Python's `base64.b64encode(hmac.new(b"north", username, hashlib.sha1).digest())` agrees).
    #[test]
    fn minted_credential_matches_an_openssl_vector() {
        let relay = TurnRelay::new(
            vec!["turn:turn.example.com:3478?transport=udp".into()],
            secret("north"),
            Duration::from_secs(86_400),
        );
        // 2025-12-31T00:00:00Z, plus a day: 2026-01-01T00:00:00Z = 1767225600.
        let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600 - 86_400);
        let server = relay.mint(now, "5b3e0f9c2a7d4e18");
        assert_eq!(
            server.urls,
            ["turn:turn.example.com:3478?transport=udp".to_owned()]
        );
        assert_eq!(
            server.username.as_deref(),
            Some("1767225600:5b3e0f9c2a7d4e18")
        );
        assert_eq!(
            server.credential.as_deref(),
            Some("wVROtgapyZ5qsykHFBvU0IOTc7U=")
        );
    }

    #[test]
    fn expiry_is_now_plus_whole_seconds_of_the_ttl() {
        let relay = TurnRelay::new(vec![], secret("s"), Duration::from_millis(90_900));
        let now = UNIX_EPOCH + Duration::from_millis(1_000_000_999);
        let server = relay.mint(now, "x");
        assert_eq!(server.username.as_deref(), Some("1000090:x"));
    }

    #[test]
    fn the_secret_is_never_shown_and_never_empty() {
        let relay = TurnRelay::new(vec![], secret("hunter2"), Duration::from_secs(1));
        let shown = format!("{relay:?} {relay:#?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert_eq!("".parse::<TurnSecret>().err(), Some(EmptySecret));
    }

    #[test]
    fn ids_are_hex_of_their_bytes() {
        assert_eq!(
            opaque_id(&[0x5b, 0x3e, 0x0f, 0x9c, 0x2a, 0x7d, 0x4e, 0x18]),
            "5b3e0f9c2a7d4e18"
        );
    }

    #[test]
    fn a_clock_before_1970_does_not_panic() {
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(5)), 0);
    }
}
