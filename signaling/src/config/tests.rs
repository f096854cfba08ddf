//! The settings as the command line and the environment give them.

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
    let config = parse(&[
        "--max-connections-per-ip",
        "3",
        "--join-burst-per-ip",
        "4",
        "--joins-per-second-per-ip",
        "5",
        "--trust-x-forwarded-for",
        "--max-queued-bytes",
        "200000",
    ])?;
    assert_eq!(
        config.ip_limit(),
        IpLimit {
            max_connections: 3,
            join_burst: 4,
            joins_per_second: 5
        }
    );
    assert!(config.trust_x_forwarded_for);
    assert_eq!(config.max_queued_bytes(), 200_000);
    let defaults = parse(&[])?;
    assert_eq!(defaults.bind, SocketAddr::from(([127, 0, 0, 1], 8080)));
    assert_eq!(defaults.heartbeat_interval, Duration::from_secs(5));
    assert_eq!(defaults.client_timeout, Duration::from_secs(15));
    assert_eq!(defaults.validate(), Ok(()));
    assert!(!defaults.trust_x_forwarded_for);
    assert_eq!(defaults.max_queued_bytes(), 1 << 20);
    assert_eq!(defaults.ip_limit().max_connections, 256);
    Ok(())
}

#[test]
fn nonsense_is_refused() -> Result<(), clap::Error> {
    assert!(parse(&["--rate-limit-burst", "0"]).is_err());
    assert!(parse(&["--heartbeat-interval", "often"]).is_err());
    assert!(parse(&["--max-connections-per-ip", "0"]).is_err());
    // Under two of the largest messages, one big signal would evict a reading browser.
    assert!(parse(&["--max-queued-bytes", "65536"]).is_err());
    let config = parse(&["--heartbeat-interval", "5s", "--client-timeout", "5s"])?;
    assert!(config.validate().is_err());
    Ok(())
}

const UDP: &str = "turn:turn.example.com:3478?transport=udp";
const TCP: &str = "turn:turn.example.com:3478?transport=tcp";

#[test]
fn turn_settings_parse() -> Result<(), clap::Error> {
    let config = parse(&[
        "--turn-url",
        &format!("{UDP},{TCP}"),
        "--turn-url",
        "turns:turn.example.com:5349",
        "--turn-secret",
        "hunter2",
        "--turn-ttl",
        "2h 30m",
    ])?;
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(
        config.turn_urls,
        [UDP, TCP, "turns:turn.example.com:5349"].map(String::from)
    );
    assert_eq!(config.turn_ttl, Duration::from_secs(9_000));
    let relay = config
        .turn()
        .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::MissingRequiredArgument))?;
    assert_eq!(relay.ttl(), Duration::from_secs(9_000));
    let shown = format!("{config:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    Ok(())
}

#[test]
fn turn_is_off_by_default_with_a_day_long_ttl() -> Result<(), clap::Error> {
    let config = parse(&[])?;
    assert_eq!(config.validate(), Ok(()));
    assert!(config.turn().is_none());
    assert_eq!(config.turn_ttl, Duration::from_secs(86_400));
    assert_eq!(config.command, None);
    Ok(())
}

/// What `DUET_TURN_URLS=` and `DUET_TURN_SECRET=` (say, from an unset compose variable)
/// amount to: no TURN, not an error.
#[test]
fn empty_turn_settings_mean_none() -> Result<(), clap::Error> {
    let config = parse(&["--turn-url", "", "--turn-secret", ""])?;
    assert_eq!(config.validate(), Ok(()));
    assert!(config.turn().is_none());
    let config = parse(&["--turn-url", &format!("{UDP},"), "--turn-secret", "s"])?;
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(config.turn_urls(), [UDP]);
    Ok(())
}

#[test]
fn turn_needs_both_url_and_secret() -> Result<(), clap::Error> {
    let config = parse(&["--turn-url", UDP])?;
    assert_eq!(config.validate(), Err(ConfigError::TurnUrlWithoutSecret));
    let config = parse(&["--turn-secret", "s"])?;
    assert_eq!(config.validate(), Err(ConfigError::TurnSecretWithoutUrl));
    Ok(())
}

#[test]
fn turn_nonsense_is_refused() -> Result<(), clap::Error> {
    let config = parse(&["--turn-url", UDP, "--turn-secret", ""])?;
    assert_eq!(config.validate(), Err(ConfigError::TurnUrlWithoutSecret));
    for url in [
        "stun:turn.example.com",
        "https://turn.example.com",
        "turn:",
        "turn.example.com:3478",
        "turn://x",
    ] {
        let config = parse(&["--turn-url", url, "--turn-secret", "s"])?;
        assert_eq!(
            config.validate(),
            Err(ConfigError::InvalidTurnUrl(url.into())),
            "{url}"
        );
    }
    let config = parse(&[
        "--turn-url",
        UDP,
        "--turn-secret",
        "s",
        "--turn-ttl",
        "500ms",
    ])?;
    assert_eq!(config.validate(), Err(ConfigError::ZeroTurnTtl));
    Ok(())
}

#[test]
fn healthcheck_is_a_subcommand_after_the_settings() -> Result<(), clap::Error> {
    let config = parse(&["--bind", "0.0.0.0:9000", "healthcheck"])?;
    assert_eq!(config.command, Some(Command::Healthcheck));
    assert_eq!(config.bind.to_string(), "0.0.0.0:9000");
    Ok(())
}

#[test]
fn logs_are_text_unless_json_is_asked_for() -> Result<(), clap::Error> {
    assert_eq!(parse(&[])?.log_format, LogFormat::Text);
    assert_eq!(
        parse(&["--log-format", "json"])?.log_format,
        LogFormat::Json
    );
    assert!(parse(&["--log-format", "xml"]).is_err());
    Ok(())
}

/// The Sentinel settings of an [`Endpoint::Sentinel`], as (sentinels, master, user, password,
/// sentinel password); `None` for another endpoint.
type SentinelFacts = (
    Vec<(String, u16)>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn sentinel_facts(config: &Config) -> Option<SentinelFacts> {
    match config.redis()? {
        Endpoint::Sentinel(s) => Some((
            s.sentinels,
            s.master_name,
            s.username,
            s.password,
            s.sentinel_password,
        )),
        _ => None,
    }
}

#[test]
fn redis_is_one_url_a_cluster_or_sentinels() -> Result<(), clap::Error> {
    assert!(parse(&[])?.redis().is_none());
    let single = parse(&["--redis-url", "redis://r:6379"])?;
    assert_eq!(single.validate(), Ok(()));
    assert!(matches!(single.redis(), Some(Endpoint::Single(url)) if url == "redis://r:6379"));
    let cluster = parse(&["--redis-url", "redis://node:7000", "--redis-cluster"])?;
    assert_eq!(cluster.validate(), Ok(()));
    assert!(matches!(cluster.redis(), Some(Endpoint::Cluster(url)) if url == "redis://node:7000"));
    let sentinel = parse(&[
        "--redis-sentinel",
        "s1:26379,s2:26380",
        "--redis-sentinel",
        "[::1]:26381",
        "--redis-password",
        "pw",
        "--redis-sentinel-password",
        "",
    ])?;
    assert_eq!(sentinel.validate(), Ok(()));
    assert_eq!(
        sentinel_facts(&sentinel),
        Some((
            vec![
                ("s1".into(), 26379),
                ("s2".into(), 26380),
                ("::1".into(), 26381)
            ],
            "duet".into(),
            None,
            Some("pw".into()),
            None
        ))
    );
    // An empty URL (compose's DUET_REDIS_URL="") leaves the sentinels in charge.
    let both = parse(&[
        "--redis-url",
        "",
        "--redis-sentinel",
        "s:1",
        "--redis-master-name",
        "calls",
    ])?;
    assert_eq!(both.validate(), Ok(()));
    assert_eq!(sentinel_facts(&both).map(|f| f.1), Some("calls".into()));
    Ok(())
}

#[test]
fn redis_nonsense_is_refused() -> Result<(), clap::Error> {
    let both = parse(&["--redis-url", "redis://r", "--redis-sentinel", "s:26379"])?;
    assert_eq!(both.validate(), Err(ConfigError::RedisUrlAndSentinel));
    let lonely = parse(&["--redis-cluster"])?;
    assert_eq!(lonely.validate(), Err(ConfigError::ClusterWithoutUrl));
    for addr in ["s", "s:", ":26379", "s:port", "s:70000"] {
        let config = parse(&["--redis-sentinel", addr])?;
        assert_eq!(
            config.validate(),
            Err(ConfigError::InvalidSentinel(addr.into())),
            "{addr}"
        );
    }
    Ok(())
}

#[test]
fn redis_tls_files_and_their_nonsense() -> Result<(), clap::Error> {
    use std::path::PathBuf;
    let none = parse(&["--redis-url", "rediss://r:6380"])?;
    assert_eq!(none.validate(), Ok(()));
    assert_eq!(none.redis_tls(), TlsFiles::default());
    let all = parse(&[
        "--redis-url",
        "rediss://r:6380",
        "--redis-tls-ca",
        "/run/ca.pem",
        "--redis-tls-cert",
        "/run/me.pem",
        "--redis-tls-key",
        "/run/me.key",
    ])?;
    assert_eq!(all.validate(), Ok(()));
    assert_eq!(
        all.redis_tls(),
        TlsFiles {
            ca: Some(PathBuf::from("/run/ca.pem")),
            client: Some((PathBuf::from("/run/me.pem"), PathBuf::from("/run/me.key"))),
        }
    );
    // Empty files (compose's defaults) are none.
    let empty = parse(&[
        "--redis-url",
        "redis://r",
        "--redis-tls-ca",
        "",
        "--redis-tls-cert",
        "",
        "--redis-tls-key",
        " ",
    ])?;
    assert_eq!(empty.validate(), Ok(()));
    assert_eq!(empty.redis_tls(), TlsFiles::default());
    let half = parse(&["--redis-url", "rediss://r", "--redis-tls-cert", "/me.pem"])?;
    assert_eq!(half.validate(), Err(ConfigError::TlsCertWithoutKey));
    let flag = parse(&["--redis-url", "redis://r", "--redis-tls"])?;
    assert_eq!(flag.validate(), Err(ConfigError::TlsFlagWithoutSentinel));
    let sentinel = parse(&["--redis-sentinel", "s:26379", "--redis-tls"])?;
    assert_eq!(sentinel.validate(), Ok(()));
    assert!(matches!(sentinel.redis(), Some(Endpoint::Sentinel(s)) if s.tls));
    Ok(())
}
