//! How a replica reaches Redis: one server (`--redis-url`), a Redis Cluster through one of its
//! nodes (`--redis-cluster`), or whichever server Sentinel names primary (`--redis-sentinel`),
//! followed through failovers.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster_async::ClusterConnection;
use redis::sentinel::{SentinelClient, SentinelClientBuilder, SentinelServerType};
use redis::{
    ClientTlsConfig, Cmd, ConnectionAddr, ErrorKind, IntoConnectionInfo, Pipeline, RedisError,
    RedisFuture, TlsCertificates, TlsMode, Value,
};
use tokio::sync::Notify;

/// Where Redis is, as the settings say.
#[derive(Clone)]
pub enum Endpoint {
    /// One Redis server at this URL.
    Single(String),
    /// A Redis Cluster; the URL is one of its nodes (the others are learnt from it).
    Cluster(String),
    /// A primary and its replicas watched by Sentinel.
    Sentinel(SentinelSettings),
}

impl fmt::Debug for Endpoint {
    // URLs may hold passwords: never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Single(_) => f.write_str("Single(..)"),
            Self::Cluster(_) => f.write_str("Cluster(..)"),
            Self::Sentinel(s) => f
                .debug_struct("Sentinel")
                .field("sentinels", &s.sentinels)
                .field("master_name", &s.master_name)
                .finish_non_exhaustive(),
        }
    }
}

/// How to ask Sentinel for the primary, and how to log in to it.
#[derive(Clone, Default)]
pub struct SentinelSettings {
    /// The sentinels, as (host, port).
    pub sentinels: Vec<(String, u16)>,
    /// The name the sentinels monitor the primary under.
    pub master_name: String,
    /// The primary's (and replicas') ACL user, if any.
    pub username: Option<String>,
    /// The primary's (and replicas') password, if any.
    pub password: Option<String>,
    /// The sentinels' own password, if any.
    pub sentinel_password: Option<String>,
    /// Whether the sentinels and the primary are spoken to over TLS (`--redis-tls`).
    pub tls: bool,
}

/// Files for Redis over TLS (a `rediss://` URL, or `--redis-tls` with Sentinel). Without
/// them, the server's certificate is checked against the system's roots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsFiles {
    /// The CA certificate (PEM) that signs Redis's certificates, instead of the system's roots.
    pub ca: Option<PathBuf>,
    /// A client certificate and its key (PEM), for servers that ask for one
    /// (`tls-auth-clients`).
    pub client: Option<(PathBuf, PathBuf)>,
}

impl TlsFiles {
    /// The certificates to give redis-rs, read now; `None` when no file is given.
    fn certificates(&self) -> Result<Option<TlsCertificates>, RedisError> {
        if self.ca.is_none() && self.client.is_none() {
            return Ok(None);
        }
        let read = |path: &Path| {
            std::fs::read(path).map_err(|e| {
                RedisError::from((
                    ErrorKind::InvalidClientConfig,
                    "cannot read a Redis TLS file",
                    format!("{}: {e}", path.display()),
                ))
            })
        };
        let client_tls = match &self.client {
            Some((cert, key)) => Some(ClientTlsConfig {
                client_cert: read(cert)?,
                client_key: read(key)?,
            }),
            None => None,
        };
        let root_cert = self.ca.as_deref().map(read).transpose()?;
        Ok(Some(TlsCertificates {
            client_tls,
            root_cert,
        }))
    }
}

/// A client for `info`, with `certificates` when given (they need a `rediss://` address:
/// redis-rs says so clearly otherwise).
fn client_for(
    info: redis::ConnectionInfo,
    certificates: Option<&TlsCertificates>,
) -> Result<redis::Client, RedisError> {
    match certificates {
        Some(certificates) => redis::Client::build_with_tls(info, certificates.clone()),
        None => redis::Client::open(info),
    }
}

/// The connection commands go through: cheap to clone, shared by every room.
#[derive(Clone)]
pub(super) enum Link {
    /// One server, reconnected to by the manager after a restart.
    Single(ConnectionManager),
    /// A Redis Cluster: each command goes to the node owning its key's slot.
    Cluster(ClusterConnection),
    /// The primary Sentinel named last; [`follow`] swaps it when a failover names another,
    /// and tells the commands still waiting on the old one (the `Notify`) to go again to the
    /// new one: otherwise each waited for the old primary's connection manager to give up
    /// (about 1.5 s), and a room actor waiting on a lease renewal relayed nothing meanwhile.
    /// Those are commands waiting on the reconnection, never sent: when the primary process
    /// dies its connection breaks at once and what was in flight fails with it. Only a
    /// primary cut off without a word (its machine gone) leaves a sent command waiting out
    /// the response timeout; if the follower moves first, that one runs again on the new
    /// primary, possibly twice in all (not tested).
    Followed(Arc<RwLock<Primary>>, Arc<Notify>),
}

/// The primary as Sentinel named it last.
pub(super) struct Primary {
    address: String,
    client: redis::Client,
    connection: ConnectionManager,
}

/// Short timeouts and few retries: a join waiting on an unreachable Redis should hear
/// `unavailable` in about a second, not hang; the manager reconnects in the background.
fn manager_config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Duration::from_secs(1))
        .set_response_timeout(Duration::from_secs(2))
        .set_number_of_retries(1)
        .set_max_delay(500)
}

/// How often the sentinels are asked where the primary is. A failover is noticed this long
/// after Sentinel has promoted a replica, at most.
const FOLLOW_EVERY: Duration = Duration::from_millis(250);

impl Link {
    /// Connects to `endpoint`. Answers the link, where the bus subscribes, and, with
    /// Sentinel, the task that follows failovers (counting them in `failovers`).
    pub(super) async fn open(
        endpoint: &Endpoint,
        tls: &TlsFiles,
        failovers: Arc<AtomicU64>,
    ) -> Result<(Self, Subscriber, Option<Follower>), redis::RedisError> {
        let certificates = tls.certificates()?;
        let certificates = certificates.as_ref();
        match endpoint {
            Endpoint::Single(url) => {
                let client = client_for(url.as_str().into_connection_info()?, certificates)?;
                let connection =
                    ConnectionManager::new_with_config(client.clone(), manager_config()).await?;
                Ok((Self::Single(connection), Subscriber::Fixed(client), None))
            }
            Endpoint::Cluster(url) => {
                let seed = url.as_str().into_connection_info()?;
                let mut first = cluster_client(vec![seed.clone()], certificates)?
                    .get_async_connection()
                    .await?;
                // The client rebuilds its slot map from its initial nodes only: with the node
                // given alone, its death would leave the client unable to find the others.
                // So all the nodes the cluster names now are initial nodes.
                let nodes: String = redis::cmd("CLUSTER")
                    .arg("NODES")
                    .query_async(&mut first)
                    .await?;
                let mut infos = vec![seed.clone()];
                for (host, port) in cluster_nodes(&nodes) {
                    // Over TLS if the node given is.
                    let addr = match &seed.addr {
                        ConnectionAddr::TcpTls {
                            insecure,
                            tls_params,
                            ..
                        } => ConnectionAddr::TcpTls {
                            host,
                            port,
                            insecure: *insecure,
                            tls_params: tls_params.clone(),
                        },
                        _ => ConnectionAddr::Tcp(host, port),
                    };
                    if addr != seed.addr {
                        let mut info = seed.clone();
                        info.addr = addr;
                        infos.push(info);
                    }
                }
                let connection = cluster_client(infos.clone(), certificates)?
                    .get_async_connection()
                    .await?;
                // Pub/sub in a cluster reaches every node: any node will do, the one given
                // first, then, should it die, the others in turn.
                let clients = infos
                    .into_iter()
                    .map(|info| client_for(info, certificates))
                    .collect::<Result<Vec<_>, _>>()?;
                let subscriber = Subscriber::Rotating {
                    clients: Arc::new(clients),
                    next: Arc::new(AtomicUsize::new(0)),
                };
                Ok((Self::Cluster(connection), subscriber, None))
            }
            Endpoint::Sentinel(settings) => {
                let mut sentinel = sentinel_client(settings, certificates)?;
                let client = sentinel.async_get_client().await?;
                let connection =
                    ConnectionManager::new_with_config(client.clone(), manager_config()).await?;
                let address = client.get_connection_info().addr.to_string();
                tracing::info!(primary = %address, "Sentinel names the Redis primary");
                let primary = Arc::new(RwLock::new(Primary {
                    address,
                    client,
                    connection,
                }));
                let moved = Arc::new(Notify::new());
                let retry = Arc::new(Notify::new());
                let follower = Follower {
                    sentinel,
                    primary: primary.clone(),
                    failovers,
                    moved: moved.clone(),
                    retry: retry.clone(),
                };
                Ok((
                    Self::Followed(primary.clone(), retry),
                    Subscriber::Followed { primary, moved },
                    Some(follower),
                ))
            }
        }
    }

    /// Runs `send` on the followed primary's connection. If the follower moves to a new
    /// primary while it waits (a failover), it runs again there: a command left waiting on the
    /// dead primary's connection would otherwise hold its room up for that connection's
    /// retries.
    async fn on_followed<T, F, Fut>(
        primary: Arc<RwLock<Primary>>,
        retry: Arc<Notify>,
        send: F,
    ) -> redis::RedisResult<T>
    where
        F: Fn(ConnectionManager) -> Fut,
        Fut: std::future::Future<Output = redis::RedisResult<T>>,
    {
        loop {
            // Listening before the primary is read: a move in between is heard.
            let moved = retry.notified();
            tokio::pin!(moved);
            moved.as_mut().enable();
            let (c, _) = Self::primary(&primary);
            tokio::select! {
                answer = send(c) => return answer,
                () = &mut moved => {}
            }
        }
    }

    fn primary(primary: &RwLock<Primary>) -> (ConnectionManager, redis::Client) {
        let p = match primary.read() {
            Ok(p) => p,
            // A panic while swapping left a whole value behind: still usable.
            Err(poisoned) => poisoned.into_inner(),
        };
        (p.connection.clone(), p.client.clone())
    }
}

/// A cluster client starting from `nodes`, with the same short timeouts as one server's.
fn cluster_client(
    nodes: Vec<redis::ConnectionInfo>,
    certificates: Option<&TlsCertificates>,
) -> Result<redis::cluster::ClusterClient, redis::RedisError> {
    let mut builder = redis::cluster::ClusterClient::builder(nodes)
        .connection_timeout(Duration::from_secs(1))
        .response_timeout(Duration::from_secs(2))
        .retries(2);
    if let Some(certificates) = certificates {
        builder = builder.certs(certificates.clone());
    }
    builder.build()
}

/// Builds the Sentinel client for `settings`, with `certificates` for TLS.
fn sentinel_client(
    settings: &SentinelSettings,
    certificates: Option<&TlsCertificates>,
) -> Result<SentinelClient, redis::RedisError> {
    let addrs = settings.sentinels.iter().map(|(host, port)| {
        let (host, port) = (host.clone(), *port);
        if settings.tls {
            ConnectionAddr::TcpTls {
                host,
                port,
                insecure: false,
                tls_params: None,
            }
        } else {
            ConnectionAddr::Tcp(host, port)
        }
    });
    let mut builder = SentinelClientBuilder::new(
        addrs,
        settings.master_name.clone(),
        SentinelServerType::Master,
    )?;
    if let Some(user) = &settings.username {
        builder = builder.set_client_to_redis_username(user.clone());
    }
    if let Some(password) = &settings.password {
        builder = builder.set_client_to_redis_password(password.clone());
    }
    if let Some(password) = &settings.sentinel_password {
        builder = builder.set_client_to_sentinel_password(password.clone());
    }
    if settings.tls {
        builder = builder
            .set_client_to_sentinel_tls_mode(TlsMode::Secure)
            .set_client_to_redis_tls_mode(TlsMode::Secure);
        if let Some(certificates) = certificates {
            builder = builder
                .set_client_to_sentinel_certificates(certificates.clone())
                .set_client_to_redis_certificates(certificates.clone());
        }
    }
    builder.build()
}

/// Where subscriptions connect: the server commands go to (with a cluster, the node given;
/// pub/sub in a cluster reaches every node).
#[derive(Clone)]
pub(super) enum Subscriber {
    /// Always this client.
    Fixed(redis::Client),
    /// The primary Sentinel named last.
    Followed {
        /// That primary.
        primary: Arc<RwLock<Primary>>,
        /// Told when the follower moves to another primary.
        moved: Arc<Notify>,
    },
    /// A cluster's nodes, one after the other: each attempt takes the next.
    Rotating {
        /// The node given first, then the others the cluster named at start.
        clients: Arc<Vec<redis::Client>>,
        /// How many attempts there were.
        next: Arc<AtomicUsize>,
    },
}

impl Subscriber {
    /// Waits until there is somewhere new to subscribe: with Sentinel, until the follower has
    /// moved to a new primary; otherwise never. (The bus otherwise retries on a timer: after
    /// a failover, waiting for its next turn came on top of the follower's own poll.)
    pub(super) async fn moved(&self) {
        match self {
            Self::Followed { moved, .. } => moved.notified().await,
            Self::Fixed(_) | Self::Rotating { .. } => std::future::pending().await,
        }
    }

    /// The client to subscribe with now.
    pub(super) fn client(&self) -> redis::Client {
        match self {
            Self::Fixed(client) => client.clone(),
            Self::Followed { primary, .. } => Link::primary(primary).1,
            Self::Rotating { clients, next } => {
                let at = next.fetch_add(1, Ordering::Relaxed) % clients.len().max(1);
                clients[at].clone()
            }
        }
    }
}

/// The nodes' addresses in a `CLUSTER NODES` answer (`<id> <ip:port@cport[,host]> <flags> …`
/// a line), less those without an address or marked failed.
fn cluster_nodes(answer: &str) -> Vec<(String, u16)> {
    answer
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let address = fields.nth(1)?;
            let flags = fields.next()?;
            if flags.split(',').any(|f| f == "fail" || f == "noaddr") {
                return None;
            }
            let (host, port) = address.split(['@', ',']).next()?.rsplit_once(':')?;
            let port = port.parse().ok()?;
            (!host.is_empty()).then(|| (host.to_owned(), port))
        })
        .collect()
}

/// Asks the sentinels where the primary is, again and again, and moves the link there when
/// a failover has named another.
pub(super) struct Follower {
    sentinel: SentinelClient,
    primary: Arc<RwLock<Primary>>,
    failovers: Arc<AtomicU64>,
    /// Wakes the bus's subscriber when the primary changes (see [`Subscriber::moved`]).
    moved: Arc<Notify>,
    /// Wakes the commands waiting on the old primary (see [`Link::Followed`]).
    retry: Arc<Notify>,
}

impl Follower {
    /// Runs until the process ends. `healthy` is set once a new primary is connected to:
    /// signals need not wait for the next lease renewal to learn that Redis answers again.
    pub(super) async fn follow(mut self, healthy: Arc<AtomicBool>) {
        let mut ticks = tokio::time::interval(FOLLOW_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            // Sentinel names a primary only once it answers ROLE as one (redis-rs checks), so
            // a dead primary still named is an error here, and the link stays until a
            // replica is promoted.
            let client = match self.sentinel.async_get_client().await {
                Ok(client) => client,
                Err(e) => {
                    tracing::debug!("Sentinel names no live primary yet: {e}");
                    continue;
                }
            };
            let address = client.get_connection_info().addr.to_string();
            let current = match self.primary.read() {
                Ok(p) => p.address.clone(),
                Err(poisoned) => poisoned.into_inner().address.clone(),
            };
            if address == current {
                continue;
            }
            match ConnectionManager::new_with_config(client.clone(), manager_config()).await {
                Ok(connection) => {
                    tracing::warn!(from = %current, to = %address, "Redis failover: following the new primary");
                    let mut p = match self.primary.write() {
                        Ok(p) => p,
                        Err(poisoned) => poisoned.into_inner(),
                    };
                    *p = Primary {
                        address,
                        client,
                        connection,
                    };
                    drop(p);
                    self.failovers.fetch_add(1, Ordering::Relaxed);
                    healthy.store(true, Ordering::Relaxed);
                    // A permit, should the subscriber be mid-attempt rather than waiting.
                    self.moved.notify_one();
                    self.retry.notify_waiters();
                }
                Err(e) => {
                    tracing::warn!(primary = %address, "cannot reach the new primary yet: {e}")
                }
            }
        }
    }
}

impl ConnectionLike for Link {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Single(c) => c.req_packed_command(cmd),
            Self::Cluster(c) => c.req_packed_command(cmd),
            Self::Followed(primary, retry) => Box::pin(Self::on_followed(
                primary.clone(),
                retry.clone(),
                move |mut c| async move { c.req_packed_command(cmd).await },
            )),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        cmd: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Single(c) => c.req_packed_commands(cmd, offset, count),
            Self::Cluster(c) => c.req_packed_commands(cmd, offset, count),
            Self::Followed(primary, retry) => Box::pin(Self::on_followed(
                primary.clone(),
                retry.clone(),
                move |mut c| async move { c.req_packed_commands(cmd, offset, count).await },
            )),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Single(c) => c.get_db(),
            Self::Cluster(c) => c.get_db(),
            Self::Followed(primary, _) => Self::primary(primary).0.get_db(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_nodes_are_read_from_cluster_nodes() {
        let answer = "\
07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,node-4 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master,fail - 0 1426238318243 3 connected 10923-16383
6ec23923021cf3ffec47632106199cb7f496ce01 :0@0 noaddr,master - 0 0 0 disconnected
";
        assert_eq!(
            cluster_nodes(answer),
            vec![("127.0.0.1".into(), 30004), ("127.0.0.1".into(), 30002)]
        );
    }
}
