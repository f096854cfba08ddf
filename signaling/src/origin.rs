//! Which web pages may open a WebSocket to this service.
//!
//! Browsers send an `Origin` header on every WebSocket upgrade and let any page connect
//! anywhere, so without this check any site a person visits could use the service in their
//! name. Programs other than browsers send no `Origin` and are not what this guards against.

/// An `--allowed-origin` value that is not `scheme://host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an origin like https://duet.example or http://host:8080")]
pub struct InvalidOrigin(pub String);

/// The allowlist applied to WebSocket upgrades.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginPolicy {
    // Normalised by `Origin::parse`, compared by value.
    extra: Vec<Origin>,
}

impl OriginPolicy {
    /// A policy allowing, besides the defaults, the given origins (e.g. `https://duet.example`).
    /// Empty entries are skipped: `DUET_ALLOWED_ORIGINS=` (an unset compose variable) or a
    /// stray comma means no extra origin, not a bad one.
    pub fn new<I, S>(extra: I) -> Result<Self, InvalidOrigin>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let extra = extra
            .into_iter()
            .filter(|o| !o.as_ref().trim().is_empty())
            .map(|o| {
                let text = o.as_ref().trim().trim_end_matches('/');
                Origin::parse(text).ok_or_else(|| InvalidOrigin(o.as_ref().to_owned()))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { extra })
    }

    /// Whether an upgrade with this `Origin` header, sent to this `Host`, is allowed.
    ///
    /// Allowed: no `Origin` at all (not a browser); the service's own origin (the `Origin`'s
    /// host and port equal the `Host` header); `localhost`, `127.0.0.1` or `[::1]` on any port
    /// (development); and the configured extra origins. Everything else, including the
    /// opaque origin `null`, is refused.
    pub fn allows(&self, origin: Option<&str>, host: Option<&str>) -> bool {
        let Some(origin) = origin else {
            return true;
        };
        let Some(origin) = Origin::parse(origin.trim()) else {
            return false;
        };
        if origin.is_loopback() || self.extra.contains(&origin) {
            return true;
        }
        host.is_some_and(|host| origin.authority_without_default_port() == strip_port(host))
    }
}

/// A parsed `scheme://authority` origin, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: String,
    authority: String,
}

impl Origin {
    fn parse(text: &str) -> Option<Self> {
        let text = text.to_ascii_lowercase();
        let (scheme, authority) = text.split_once("://")?;
        let scheme_ok = matches!(scheme, "http" | "https");
        let authority_ok = !authority.is_empty()
            && !authority.contains(['/', '@', '?', '#'])
            && !authority
                .chars()
                .any(|c| c.is_whitespace() || c.is_control());
        (scheme_ok && authority_ok).then(|| Self {
            scheme: scheme.to_owned(),
            authority: authority.to_owned(),
        })
    }

    fn host(&self) -> &str {
        host_of(&self.authority)
    }

    fn is_loopback(&self) -> bool {
        matches!(self.host(), "localhost" | "127.0.0.1" | "[::1]")
    }

    /// The authority as a `Host` header would carry it: browsers leave the default port out
    /// of `Origin`, while some clients write it into `Host`.
    fn authority_without_default_port(&self) -> &str {
        let default = if self.scheme == "https" {
            ":443"
        } else {
            ":80"
        };
        self.authority
            .strip_suffix(default)
            .unwrap_or(&self.authority)
    }
}

fn host_of(authority: &str) -> &str {
    if authority.starts_with('[') {
        // An IPv6 literal: the port, if any, follows the closing bracket.
        authority
            .find(']')
            .map_or(authority, |end| &authority[..=end])
    } else {
        authority.split(':').next().unwrap_or(authority)
    }
}

/// The `Host` header's value, lower-cased, without a default port (80 or 443), so it compares
/// with [`Origin::authority_without_default_port`].
fn strip_port(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    for default in [":80", ":443"] {
        if let Some(bare) = host.strip_suffix(default) {
            return bare.to_owned();
        }
    }
    host
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(extra: &[&str]) -> OriginPolicy {
        OriginPolicy::new(extra).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn non_browser_clients_without_origin_are_allowed() {
        assert!(policy(&[]).allows(None, Some("duet.example")));
        assert!(policy(&[]).allows(None, None));
    }

    #[test]
    fn the_services_own_origin_is_allowed() {
        let p = policy(&[]);
        assert!(p.allows(Some("https://duet.example"), Some("duet.example")));
        assert!(p.allows(Some("http://duet.example:8080"), Some("duet.example:8080")));
        assert!(p.allows(Some("https://Duet.Example"), Some("duet.example:443")));
        assert!(p.allows(Some("http://10.0.0.5:8080"), Some("10.0.0.5:8080")));
    }

    #[test]
    fn same_host_on_another_port_is_another_origin() {
        let p = policy(&[]);
        assert!(!p.allows(Some("http://duet.example:9999"), Some("duet.example:8080")));
        assert!(!p.allows(Some("http://duet.example"), Some("duet.example:8080")));
    }

    #[test]
    fn loopback_on_any_port_is_allowed() {
        let p = policy(&[]);
        for origin in [
            "http://localhost:3000",
            "http://localhost",
            "https://127.0.0.1:8443",
            "http://[::1]:8080",
            "http://LOCALHOST:1",
        ] {
            assert!(p.allows(Some(origin), Some("duet.example")), "{origin}");
        }
    }

    #[test]
    fn foreign_origins_are_refused() {
        let p = policy(&[]);
        for origin in [
            "https://evil.example",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example",
            "null",
            "",
            "file://",
            "ftp://duet.example",
            "https://user@duet.example",
        ] {
            assert!(!p.allows(Some(origin), Some("duet.example")), "{origin}");
        }
        assert!(!p.allows(Some("https://duet.example"), None));
    }

    #[test]
    fn configured_origins_are_allowed_exactly() {
        let p = policy(&["https://duet.example/", " http://other.example:8080 "]);
        assert!(p.allows(Some("https://duet.example"), Some("internal:8080")));
        assert!(p.allows(Some("http://other.example:8080"), Some("internal:8080")));
        assert!(!p.allows(Some("http://duet.example"), Some("internal:8080")));
        assert!(!p.allows(Some("http://other.example:8081"), Some("internal:8080")));
    }

    #[test]
    fn malformed_configured_origins_are_rejected() {
        assert!(OriginPolicy::new(["duet.example"]).is_err());
        assert!(OriginPolicy::new(["https://duet.example/path"]).is_err());
        assert!(OriginPolicy::new(["*"]).is_err());
    }

    #[test]
    fn empty_entries_are_no_origins() {
        assert_eq!(OriginPolicy::new([""]), Ok(OriginPolicy::default()));
        let policy = OriginPolicy::new(["https://duet.example", " "]);
        assert_eq!(policy, OriginPolicy::new(["https://duet.example"]));
    }
}
