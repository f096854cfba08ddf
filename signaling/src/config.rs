//! Command line and environment settings.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::rate_limit::RateLimit;

/// Duet's signaling service: pairs two browsers per room and relays their WebRTC negotiation.
#[derive(Debug, Clone, Parser)]
#[command(name = "duet-signaling", version, about)]
pub struct Config {
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, env = "DUET_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Directory of the built web app to serve at `/` (unknown paths fall back to its
    /// index.html). Without it only /ws and /healthz are served.
    #[arg(long, env = "DUET_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,

    /// A web origin, besides this service's own and localhost, whose pages may connect,
    /// e.g. https://duet.example. Repeat the flag, or comma-separate in the variable.
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

    /// HTTP worker threads; 0 means one per CPU core.
    #[arg(long, env = "DUET_WORKERS", default_value_t = 0)]
    pub workers: usize,
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
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, clap::Error> {
        Config::try_parse_from(std::iter::once("duet-signaling").chain(args.iter().copied()))
    }

    #[test]
    fn flags_parse() -> Result<(), clap::Error> {
        let config = parse(&[
            "--bind",
            "0.0.0.0:9000",
            "--allowed-origin",
            "https://a.example",
            "--allowed-origin",
            "https://b.example,https://c.example",
            "--heartbeat-interval",
            "250ms",
            "--client-timeout",
            "1s",
            "--rate-limit-burst",
            "7",
        ])?;
        assert_eq!(config.bind.to_string(), "0.0.0.0:9000");
        assert_eq!(config.allowed_origins.len(), 3);
        assert_eq!(config.heartbeat_interval, Duration::from_millis(250));
        assert_eq!(config.client_timeout, Duration::from_secs(1));
        assert_eq!(config.rate_limit().burst, 7);
        assert_eq!(config.validate(), Ok(()));
        Ok(())
    }

    #[test]
    fn nonsense_is_refused() -> Result<(), clap::Error> {
        assert!(parse(&["--rate-limit-burst", "0"]).is_err());
        assert!(parse(&["--heartbeat-interval", "often"]).is_err());
        let config = parse(&["--heartbeat-interval", "5s", "--client-timeout", "5s"])?;
        assert!(config.validate().is_err());
        Ok(())
    }
}
