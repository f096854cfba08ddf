//! The Redis deployments the replicas' tests run against, each made of real Debian
//! `redis-server` / `redis-sentinel` processes on loopback ports the test picks, and killed
//! (SIGKILL) when dropped, a failing test included: one server, a three-primary Redis Cluster,
//! and a primary with a replica watched by three sentinels.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::process::spawn_until;
use crate::support::within;

/// A loopback port nobody listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A directory of the test's own under the system's temporary directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(what: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "duet-{what}-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&path).expect("a scratch directory");
        Self(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `redis-server` on a loopback port of its own, without persistence (a restart loses
/// everything, the worst case for recovery).
pub struct Redis {
    pub port: u16,
    child: Child,
    /// Its working directory.
    _dir: Scratch,
}

/// The options every test server gets: loopback only, no persistence, and a directory of
/// its own. Not the test's working directory: a replica writes the snapshot of its full
/// sync there (`dump.rdb`, `--save ""` or not), and a server started later in the same
/// directory would load it, stale rooms, replication id and all (a replica then resumed
/// "partially" from a primary that had loaded the same file: no full sync to wait for).
fn server_command(port: u16) -> (Command, Scratch) {
    let dir = Scratch::new("redis");
    let mut command = Command::new("redis-server");
    command.args([
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        &dir.0.display().to_string(),
    ]);
    (command, dir)
}

impl Redis {
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    pub fn start_on(port: u16) -> Self {
        Self::start_with(port, &[])
    }

    /// Starts one with extra options (`--replicaof`, say).
    pub fn start_with(port: u16, extra: &[&str]) -> Self {
        let (mut command, dir) = server_command(port);
        command.args(extra);
        let (child, _) = spawn_until(command, "Ready to accept connections");
        Self {
            port,
            child,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: gone like a crashed machine, without a word to anyone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A Redis Cluster of three primaries (no replicas), made with `redis-cli --cluster create`.
pub struct RedisCluster {
    nodes: Vec<Redis>,
    _dir: Scratch,
}

impl RedisCluster {
    /// Three primaries, no replicas.
    pub async fn start() -> Self {
        Self::start_with_replicas(0).await
    }

    /// Three primaries with `replicas` replicas each, which take over a dead primary's slots
    /// after `cluster-node-timeout` (1 s here).
    pub async fn start_with_replicas(replicas: usize) -> Self {
        let dir = Scratch::new("cluster");
        let nodes: Vec<Redis> = (0..3 * (1 + replicas))
            .map(|_| {
                let port = free_port();
                let (mut command, own) = server_command(port);
                command.current_dir(&dir.0).args([
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    &format!("nodes-{port}.conf"),
                    // The bus port is chosen too: port + 10000 may not exist, or be taken.
                    "--cluster-port",
                    &free_port().to_string(),
                    "--cluster-node-timeout",
                    "1000",
                    "--dir",
                    &dir.0.display().to_string(),
                ]);
                let (child, _) = spawn_until(command, "Ready to accept connections");
                Redis {
                    port,
                    child,
                    _dir: own,
                }
            })
            .collect();
        let mut create = Command::new("redis-cli");
        create.arg("--cluster").arg("create");
        for node in &nodes {
            create.arg(format!("127.0.0.1:{}", node.port));
        }
        let output = create
            .args(["--cluster-replicas", &replicas.to_string(), "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .expect("redis-cli runs (is redis-tools installed?)");
        assert!(
            output.status.success(),
            "redis-cli --cluster create failed: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        let cluster = Self { nodes, _dir: dir };
        // Every node must know the whole map before a client asks one of them.
        within("the cluster to be ok on every node", async {
            for node in &cluster.nodes {
                let client = redis::Client::open(node.url()).expect("a node URL");
                let mut redis = client
                    .get_multiplexed_async_connection()
                    .await
                    .expect("the node answers");
                loop {
                    let info: String = redis::cmd("CLUSTER")
                        .arg("INFO")
                        .query_async(&mut redis)
                        .await
                        .expect("CLUSTER INFO");
                    if info.contains("cluster_state:ok") {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        })
        .await;
        cluster
    }

    /// The service's flags for this cluster: any node will do as the first one.
    pub fn flags(&self) -> Vec<String> {
        vec![
            "--redis-url".into(),
            self.nodes[0].url(),
            "--redis-cluster".into(),
        ]
    }

    /// SIGKILLs the node the service's flags name (a primary: `redis-cli` makes the first
    /// nodes primaries).
    pub fn kill_first(&mut self) {
        self.nodes[0].kill();
    }

    /// Each node's URL.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(Redis::url).collect()
    }
}

/// A `redis-sentinel` watching the primary as `duet`.
struct Sentinel {
    port: u16,
    child: Child,
}

impl Drop for Sentinel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How long Sentinel waits before it calls an unanswering primary down. Short, so that a
/// failover fits in the tests' 10 s budget (production uses 5 to 30 s).
pub const DOWN_AFTER_MS: u64 = 1000;

/// How long the sentinels get to find the replica and each other: five hello periods.
const SENTINEL_INTRODUCTIONS: Duration = Duration::from_secs(10);

/// A primary, one replica of it, and three sentinels (quorum 2) watching them as `duet`.
pub struct SentinelSetup {
    pub primary: Redis,
    /// Kept so it is killed with the rest; Sentinel promotes it.
    _replica: Redis,
    sentinels: Vec<Sentinel>,
    _dir: Scratch,
}

impl SentinelSetup {
    pub async fn start() -> Self {
        let dir = Scratch::new("sentinel");
        let primary = Redis::start();
        // In sync before the sentinels start: a sentinel learns of replicas from the primary's
        // INFO, which it asks for at once and then only every 10 s.
        let replica = {
            let port = free_port();
            let (mut command, dir) = server_command(port);
            command.args(["--replicaof", "127.0.0.1", &primary.port.to_string()]);
            let (child, _) = spawn_until(command, "MASTER <-> REPLICA sync: Finished with success");
            Redis {
                port,
                child,
                _dir: dir,
            }
        };
        let sentinels = (0..3)
            .map(|i| {
                let port = free_port();
                // Sentinel rewrites its configuration file: each needs a writable one.
                let conf = dir.0.join(format!("sentinel-{i}.conf"));
                std::fs::write(
                    &conf,
                    format!(
                        "port {port}\nbind 127.0.0.1\ndir {dir}\n\
                         sentinel monitor duet 127.0.0.1 {primary} 2\n\
                         sentinel down-after-milliseconds duet {DOWN_AFTER_MS}\n\
                         sentinel failover-timeout duet 5000\n\
                         sentinel parallel-syncs duet 1\n",
                        dir = dir.0.display(),
                        primary = primary.port,
                    ),
                )
                .expect("a sentinel configuration");
                let mut command = Command::new("redis-sentinel");
                command.arg(&conf);
                // Sentinel says this once it watches the primary.
                let (child, _) = spawn_until(command, "+monitor master duet");
                Sentinel { port, child }
            })
            .collect();
        let setup = Self {
            primary,
            _replica: replica,
            sentinels,
            _dir: dir,
        };
        // The sentinels must know the replica and each other before a failover can happen.
        // They introduce themselves on the primary every 2 s (Sentinel's fixed hello period),
        // so this may take a few of those periods: its own deadline, not the usual patience.
        let introductions = async {
            let client =
                redis::Client::open(format!("redis://127.0.0.1:{}", setup.sentinels[0].port))
                    .expect("a sentinel URL");
            let mut sentinel = client
                .get_multiplexed_async_connection()
                .await
                .expect("the sentinel answers");
            loop {
                let master: Vec<String> = redis::cmd("SENTINEL")
                    .arg("MASTER")
                    .arg("duet")
                    .query_async(&mut sentinel)
                    .await
                    .expect("SENTINEL MASTER");
                let field = |name: &str| {
                    master
                        .iter()
                        .position(|f| f == name)
                        .and_then(|i| master.get(i + 1))
                        .and_then(|v| v.parse::<u32>().ok())
                };
                if field("num-slaves") == Some(1) && field("num-other-sentinels") == Some(2) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        tokio::time::timeout(SENTINEL_INTRODUCTIONS, introductions)
            .await
            .expect("the sentinels to see the replica and each other in time");
        setup
    }

    /// The port of the primary the first sentinel names now (the baseline for a failover's
    /// timing: no client can follow before Sentinel has named the new primary).
    pub async fn named_primary_port(&self) -> Option<u16> {
        let client =
            redis::Client::open(format!("redis://127.0.0.1:{}", self.sentinels[0].port)).ok()?;
        let mut sentinel = client.get_multiplexed_async_connection().await.ok()?;
        let (_, port): (String, u16) = redis::cmd("SENTINEL")
            .arg("GET-MASTER-ADDR-BY-NAME")
            .arg("duet")
            .query_async(&mut sentinel)
            .await
            .ok()?;
        Some(port)
    }

    /// The service's flags for this setup.
    pub fn flags(&self) -> Vec<String> {
        let sentinels: Vec<String> = self
            .sentinels
            .iter()
            .map(|s| format!("127.0.0.1:{}", s.port))
            .collect();
        vec![
            "--redis-sentinel".into(),
            sentinels.join(","),
            "--redis-master-name".into(),
            "duet".into(),
        ]
    }
}

/// A `redis-server` that speaks only TLS, with certificates the test makes (openssl): its
/// own CA, a server certificate for 127.0.0.1, and a client certificate, which the server
/// asks for (`tls-auth-clients yes`).
pub struct TlsRedis {
    pub port: u16,
    _server: Redis,
    dir: Scratch,
}

impl TlsRedis {
    pub fn start() -> Self {
        let dir = Scratch::new("tls");
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(&dir.0)
                .output()
                .expect("openssl runs");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        // P-256 keys: quick to make, and what rustls's ring provider verifies.
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        openssl(
            &[
                &["req", "-x509", "-days", "1", "-subj", "/CN=Duet test CA"][..],
                &ec,
                &[
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.pem",
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                ],
            ]
            .concat(),
        );
        for (who, usage) in [("server", "serverAuth"), ("client", "clientAuth")] {
            openssl(
                &[
                    &["req", "-subj", &format!("/CN=Duet test {who}")][..],
                    &ec,
                    &[
                        "-keyout",
                        &format!("{who}.key"),
                        "-out",
                        &format!("{who}.csr"),
                    ],
                ]
                .concat(),
            );
            std::fs::write(
                dir.0.join(format!("{who}.ext")),
                format!("subjectAltName=IP:127.0.0.1\nextendedKeyUsage={usage}\n"),
            )
            .expect("an extensions file");
            openssl(&[
                "x509",
                "-req",
                "-days",
                "1",
                "-in",
                &format!("{who}.csr"),
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-extfile",
                &format!("{who}.ext"),
                "-out",
                &format!("{who}.pem"),
            ]);
        }
        let port = free_port();
        let file = |name: &str| dir.0.join(name).display().to_string();
        let (mut command, own) = server_command(0);
        command.args([
            "--tls-port",
            &port.to_string(),
            "--tls-cert-file",
            &file("server.pem"),
            "--tls-key-file",
            &file("server.key"),
            "--tls-ca-cert-file",
            &file("ca.pem"),
            "--tls-auth-clients",
            "yes",
        ]);
        let (child, _) = spawn_until(command, "Ready to accept connections");
        Self {
            port,
            _server: Redis {
                port,
                child,
                _dir: own,
            },
            dir,
        }
    }

    /// The service's flags for this server: its `rediss://` URL, the CA, and the client's
    /// certificate and key.
    pub fn flags(&self) -> Vec<String> {
        let file = |name: &str| self.dir.0.join(name).display().to_string();
        vec![
            "--redis-url".into(),
            format!("rediss://127.0.0.1:{}", self.port),
            "--redis-tls-ca".into(),
            file("ca.pem"),
            "--redis-tls-cert".into(),
            file("client.pem"),
            "--redis-tls-key".into(),
            file("client.key"),
        ]
    }
}
