//! Command line and environment settings.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::cluster::{Endpoint, SentinelSettings, TlsFiles};
use crate::ip_limits::IpLimit;
use crate::rate_limit::RateLimit;
use crate::turn::{TurnRelay, TurnSecret};

/// The least `--max-queued-bytes`: two of the largest messages, so that one big signal
/// never evicts a browser that reads.
const MIN_QUEUED_BYTES: u64 = 2 * shared::MAX_MESSAGE_BYTES as u64 + 1024;

/// Duet's signaling service: pairs two browsers per room and relays their WebRTC negotiation.
///
/// Every setting can also come from the environment variable shown with it.
#[derive(Debug, Clone, Parser)]
#[command(name = "duet-signaling", version, about)]
pub struct Config {
    /// What to do instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, env = "DUET_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Directory of the built web app to serve at `/` (unknown paths fall back to its
    /// index.html, except missing files: a path with an extension is a 404). Without it only
    /// /ws and /healthz are served.
    #[arg(long, env = "DUET_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,

    /// A web origin, besides this service's own and localhost, whose pages may connect,
    /// e.g. https://duet.example. Repeat the flag, or comma-separate in the variable. Empty
    /// means none. Not needed behind a proxy that keeps the Host header (Caddy does).
    #[arg(
        long = "allowed-origin",
        env = "DUET_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,

    /// How often to ping each browser, e.g. 5s or 500ms.
    #[arg(long, env = "DUET_HEARTBEAT_INTERVAL", default_value = "5s", value_parser = humantime::parse_duration)]
    pub heartbeat_interval: Duration,

    /// How long a browser may stay silent (not even answering pings) before it is dropped.
    #[arg(long, env = "DUET_CLIENT_TIMEOUT", default_value = "15s", value_parser = humantime::parse_duration)]
    pub client_timeout: Duration,

    /// Messages a browser may send at once. A WebRTC negotiation sends about 50 in a burst.
    #[arg(long, env = "DUET_RATE_LIMIT_BURST", default_value_t = 120,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit_burst: u32,

    /// Messages per second a browser may send in the long run.
    #[arg(long, env = "DUET_RATE_LIMIT_PER_SECOND", default_value_t = 40,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit_per_second: u32,

    /// Refused (`rate_limited`) messages in a row after which the connection is closed (1008).
    #[arg(long, env = "DUET_RATE_LIMIT_STRIKES", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit_strikes: u32,

    /// WebSocket connections one network address may hold at once; one more is refused with
    /// HTTP 429.
    #[arg(long, env = "DUET_MAX_CONNECTIONS_PER_IP", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections_per_ip: u32,

    /// Joins one network address may make at once; more are answered `too_many_joins`.
    #[arg(long, env = "DUET_JOIN_BURST_PER_IP", default_value_t = 60,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub join_burst_per_ip: u32,

    /// Joins per second one network address may make in the long run.
    #[arg(long, env = "DUET_JOINS_PER_SECOND_PER_IP", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub joins_per_second_per_ip: u32,

    /// Count the last address of X-Forwarded-For, not the TCP peer, as the browser's address
    /// for the per-address limits. Only behind a reverse proxy that sets that header (Caddy
    /// does): otherwise browsers could pick their own address.
    #[arg(long, env = "DUET_TRUST_X_FORWARDED_FOR")]
    pub trust_x_forwarded_for: bool,

    /// Bytes of messages that may wait for a browser that does not read them; past this it
    /// loses its place in the room (and its connection once --client-timeout passes without
    /// it taking anything).
    #[arg(long, env = "DUET_MAX_QUEUED_BYTES", default_value_t = 1 << 20,
          value_parser = clap::value_parser!(u64).range(MIN_QUEUED_BYTES..))]
    pub max_queued_bytes: u64,

    /// HTTP worker threads; 0 means one per CPU core.
    #[arg(long, env = "DUET_WORKERS", default_value_t = 0)]
    pub workers: usize,

    /// A TURN relay URL given to browsers with time-limited credentials after each join, e.g.
    /// turn:turn.example.com:3478?transport=udp. Repeat the flag, or comma-separate in the
    /// variable. Needs --turn-secret. Empty means none.
    #[arg(
        long = "turn-url",
        env = "DUET_TURN_URLS",
        value_delimiter = ',',
        value_name = "URL"
    )]
    pub turn_urls: Vec<String>,

    /// The secret shared with the TURN relay (coturn's static-auth-secret, with
    /// use-auth-secret). Never sent to browsers nor logged. Prefer the variable: a flag shows
    /// in the process list. Needs --turn-url. Empty means none.
    #[arg(
        long,
        env = "DUET_TURN_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub turn_secret: Option<SecretString>,

    /// How long TURN credentials stay valid after a join. The relay checks them again on every
    /// allocation refresh, so a call outliving them loses its relay: keep this longer than
    /// any call.
    #[arg(long, env = "DUET_TURN_TTL", default_value = "24h", value_name = "DURATION",
          value_parser = humantime::parse_duration)]
    pub turn_ttl: Duration,

    /// Redis mode: share rooms with other replicas of this service through the Redis at this
    /// URL (redis://[user:password@]host:port[/db]). Each replica then runs behind any load
    /// balancer, and the two people of a room may be on different replicas. Empty means one
    /// process, rooms in memory, no Redis needed. Never logged: it may hold a password.
    #[arg(
        long,
        env = "DUET_REDIS_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub redis_url: Option<SecretString>,

    /// `--redis-url` names one node of a Redis Cluster: keys go to the node owning their slot
    /// (every room's keys share one hash tag) and the client follows the cluster's own
    /// failovers. The bus subscribes at the node given (pub/sub reaches every node).
    #[arg(long, env = "DUET_REDIS_CLUSTER")]
    pub redis_cluster: bool,

    /// Redis mode through Sentinel: a sentinel's HOST:PORT (repeat the flag, or comma-separate
    /// in the variable). The replicas ask the sentinels for the primary of
    /// --redis-master-name, and follow a failover to the replica Sentinel promotes. Instead
    /// of --redis-url. Empty means none.
    #[arg(
        long = "redis-sentinel",
        env = "DUET_REDIS_SENTINELS",
        value_delimiter = ',',
        value_name = "HOST:PORT"
    )]
    pub redis_sentinels: Vec<String>,

    /// The name the sentinels monitor the primary under (`sentinel monitor <name> ...`).
    #[arg(
        long,
        env = "DUET_REDIS_MASTER_NAME",
        default_value = "duet",
        value_name = "NAME"
    )]
    pub redis_master_name: String,

    /// With --redis-sentinel: the ACL user to log in to the primary as (`AUTH user password`).
    /// Empty means the default user.
    #[arg(long, env = "DUET_REDIS_USERNAME", value_name = "USER")]
    pub redis_username: Option<String>,

    /// With --redis-sentinel: the primary's password (`requirepass`). Never logged. Empty
    /// means none. (With --redis-url, the password goes in the URL.)
    #[arg(
        long,
        env = "DUET_REDIS_PASSWORD",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub redis_password: Option<SecretString>,

    /// With --redis-sentinel: the sentinels' own password (their `requirepass`). Never logged.
    /// Empty means none.
    #[arg(
        long,
        env = "DUET_REDIS_SENTINEL_PASSWORD",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub redis_sentinel_password: Option<SecretString>,

    /// With --redis-sentinel: speak TLS to the sentinels and to the primary they name. (With
    /// --redis-url, a `rediss://` URL says TLS.)
    #[arg(long, env = "DUET_REDIS_TLS")]
    pub redis_tls: bool,

    /// Redis over TLS: the CA certificate (a PEM file) that signs the servers' certificates,
    /// instead of the system's roots. Empty means the system's roots.
    #[arg(long, env = "DUET_REDIS_TLS_CA", value_name = "FILE")]
    pub redis_tls_ca: Option<String>,

    /// Redis over TLS: a client certificate (a PEM file) for servers that ask for one
    /// (`tls-auth-clients`), with --redis-tls-key. Empty means none.
    #[arg(long, env = "DUET_REDIS_TLS_CERT", value_name = "FILE")]
    pub redis_tls_cert: Option<String>,

    /// Redis over TLS: the client certificate's private key (a PEM file). Empty means none.
    #[arg(long, env = "DUET_REDIS_TLS_KEY", value_name = "FILE")]
    pub redis_tls_key: Option<String>,

    /// How the log is written: `text`, a line for people to read, or `json`, one JSON object
    /// a line for a log shipper. `RUST_LOG` chooses what is logged (default `info`).
    #[arg(long, env = "DUET_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How the log is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Plain lines for people.
    Text,
    /// One JSON object a line (tracing-subscriber's JSON formatter), for log shippers.
    Json,
}

/// What the program does instead of serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Probe a running service's /healthz: exit 0 if healthy, 1 if not.
    ///
    /// Asks the service at --bind (DUET_BIND; given before the subcommand:
    /// `duet-signaling --bind 127.0.0.1:8080 healthcheck`), at 127.0.0.1 or ::1 when that is
    /// 0.0.0.0 or ::, with a 2 s timeout per step. Healthy means HTTP 200. For container health
    /// checks in an image without a shell or curl.
    Healthcheck,
}

/// Settings that parse but make no sense together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A heartbeat interval of zero.
    #[error("--heartbeat-interval must be more than zero")]
    ZeroHeartbeat,
    /// A client timeout no longer than the heartbeat interval would drop healthy browsers.
    #[error(
        "--client-timeout ({timeout:?}) must be longer than --heartbeat-interval ({interval:?})"
    )]
    TimeoutNotAboveInterval {
        /// The configured timeout.
        timeout: Duration,
        /// The configured interval.
        interval: Duration,
    },
    /// TURN URLs without the secret to mint credentials for them.
    #[error("--turn-url (DUET_TURN_URLS) needs --turn-secret (DUET_TURN_SECRET)")]
    TurnUrlWithoutSecret,
    /// A TURN secret without a relay to use it for.
    #[error("--turn-secret (DUET_TURN_SECRET) needs at least one --turn-url (DUET_TURN_URLS)")]
    TurnSecretWithoutUrl,
    /// A TURN URL browsers would refuse.
    #[error("--turn-url {0:?}: not a turn: or turns: URL")]
    InvalidTurnUrl(String),
    /// A credential lifetime under a second.
    #[error("--turn-ttl must be at least one second")]
    ZeroTurnTtl,
    /// Both ways to find Redis at once.
    #[error("--redis-url (DUET_REDIS_URL) and --redis-sentinel (DUET_REDIS_SENTINELS) exclude each other")]
    RedisUrlAndSentinel,
    /// A sentinel address that is not HOST:PORT.
    #[error("--redis-sentinel {0:?}: not HOST:PORT")]
    InvalidSentinel(String),
    /// A client certificate without its key, or a key without its certificate.
    #[error("--redis-tls-cert and --redis-tls-key go together")]
    TlsCertWithoutKey,
    /// `--redis-tls` where a URL says whether to use TLS.
    #[error("--redis-tls is for --redis-sentinel; with --redis-url, use a rediss:// URL")]
    TlsFlagWithoutSentinel,
    /// A Redis Cluster without a node to start from.
    #[error("--redis-cluster needs --redis-url (one of the cluster's nodes)")]
    ClusterWithoutUrl,
}

/// A path setting, less an empty one (`DUET_REDIS_TLS_CA=` in a compose file: clap's own
/// path parser refuses empty values, so these are read as text).
fn nonempty_path(path: &Option<String>) -> Option<PathBuf> {
    path.as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(PathBuf::from)
}

impl Config {
    /// Checks the settings that clap cannot check one at a time.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.heartbeat_interval.is_zero() {
            return Err(ConfigError::ZeroHeartbeat);
        }
        if self.client_timeout <= self.heartbeat_interval {
            return Err(ConfigError::TimeoutNotAboveInterval {
                timeout: self.client_timeout,
                interval: self.heartbeat_interval,
            });
        }
        let secret = self.secret().is_some();
        match (self.turn_urls().is_empty(), secret) {
            (false, false) => return Err(ConfigError::TurnUrlWithoutSecret),
            (true, true) => return Err(ConfigError::TurnSecretWithoutUrl),
            _ => {}
        }
        if let Some(url) = self.turn_urls().into_iter().find(|url| !is_turn_url(url)) {
            return Err(ConfigError::InvalidTurnUrl(url.to_owned()));
        }
        if secret && self.turn_ttl.as_secs() == 0 {
            return Err(ConfigError::ZeroTurnTtl);
        }
        let sentinels = self.sentinel_addrs()?;
        if self.redis_url().is_some() && !sentinels.is_empty() {
            return Err(ConfigError::RedisUrlAndSentinel);
        }
        if self.redis_cluster && self.redis_url().is_none() {
            return Err(ConfigError::ClusterWithoutUrl);
        }
        if self.redis_tls && sentinels.is_empty() {
            return Err(ConfigError::TlsFlagWithoutSentinel);
        }
        if nonempty_path(&self.redis_tls_cert).is_some()
            != nonempty_path(&self.redis_tls_key).is_some()
        {
            return Err(ConfigError::TlsCertWithoutKey);
        }
        Ok(())
    }

    /// The TURN relay to mint credentials for, when one is configured (after [`Self::validate`]).
    pub fn turn(&self) -> Option<TurnRelay> {
        let secret = self.secret()?;
        let urls = self.turn_urls();
        if urls.is_empty() {
            return None;
        }
        Some(TurnRelay::new(
            urls.into_iter().map(str::to_owned).collect(),
            secret,
            self.turn_ttl,
        ))
    }

    /// The Redis URL, unless none or an empty one (`DUET_REDIS_URL=`) was given.
    pub fn redis_url(&self) -> Option<&str> {
        self.redis_url
            .as_ref()
            .map(|url| url.expose().trim())
            .filter(|url| !url.is_empty())
    }

    /// The sentinels given, as (host, port), less empty entries.
    fn sentinel_addrs(&self) -> Result<Vec<(String, u16)>, ConfigError> {
        self.redis_sentinels
            .iter()
            .map(|addr| addr.trim())
            .filter(|addr| !addr.is_empty())
            .map(|addr| {
                let invalid = || ConfigError::InvalidSentinel(addr.to_owned());
                let (host, port) = addr.rsplit_once(':').ok_or_else(invalid)?;
                let host = host.trim_start_matches('[').trim_end_matches(']');
                if host.is_empty() {
                    return Err(invalid());
                }
                let port = port.parse::<u16>().map_err(|_| invalid())?;
                Ok((host.to_owned(), port))
            })
            .collect()
    }

    /// The files for Redis over TLS (after [`Self::validate`]).
    pub fn redis_tls(&self) -> TlsFiles {
        TlsFiles {
            ca: nonempty_path(&self.redis_tls_ca),
            client: nonempty_path(&self.redis_tls_cert).zip(nonempty_path(&self.redis_tls_key)),
        }
    }

    /// Where Redis is, in Redis mode (after [`Self::validate`]); `None` without Redis.
    pub fn redis(&self) -> Option<Endpoint> {
        let nonempty = |s: &Option<SecretString>| {
            s.as_ref()
                .map(|s| s.expose().to_owned())
                .filter(|s| !s.is_empty())
        };
        if let Some(url) = self.redis_url() {
            return Some(if self.redis_cluster {
                Endpoint::Cluster(url.to_owned())
            } else {
                Endpoint::Single(url.to_owned())
            });
        }
        let sentinels = self.sentinel_addrs().ok()?;
        if sentinels.is_empty() {
            return None;
        }
        Some(Endpoint::Sentinel(SentinelSettings {
            sentinels,
            master_name: self.redis_master_name.trim().to_owned(),
            username: self.redis_username.clone().filter(|u| !u.trim().is_empty()),
            password: nonempty(&self.redis_password),
            sentinel_password: nonempty(&self.redis_sentinel_password),
            tls: self.redis_tls,
        }))
    }

    /// The TURN URLs given, less empty ones (`DUET_TURN_URLS=` or a stray comma).
    pub fn turn_urls(&self) -> Vec<&str> {
        self.turn_urls
            .iter()
            .map(|url| url.trim())
            .filter(|url| !url.is_empty())
            .collect()
    }

    /// The TURN secret, unless none or an empty one (`DUET_TURN_SECRET=`) was given.
    fn secret(&self) -> Option<TurnSecret> {
        TurnSecret::new(self.turn_secret.as_ref()?.0.as_bytes()).ok()
    }

    /// The per-address caps.
    pub fn ip_limit(&self) -> IpLimit {
        IpLimit {
            max_connections: self.max_connections_per_ip,
            join_burst: self.join_burst_per_ip,
            joins_per_second: self.joins_per_second_per_ip,
        }
    }

    /// `--max-queued-bytes`, as a size in memory.
    pub fn max_queued_bytes(&self) -> usize {
        usize::try_from(self.max_queued_bytes).unwrap_or(usize::MAX)
    }

    /// The per-connection rate limit.
    pub fn rate_limit(&self) -> RateLimit {
        RateLimit {
            burst: self.rate_limit_burst,
            per_second: self.rate_limit_per_second,
            max_strikes: self.rate_limit_strikes,
        }
    }
}

/// A setting that must never be shown: `Debug` prints `<redacted>`.
#[derive(Clone)]
pub struct SecretString(String);

impl std::str::FromStr for SecretString {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl SecretString {
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Whether `url` has the scheme of a TURN URL (RFC 7065), with something after it.
fn is_turn_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    let scheme = scheme.to_ascii_lowercase();
    (scheme == "turn" || scheme == "turns")
        && !rest.is_empty()
        && !rest.starts_with('/')
        && !url.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests;
