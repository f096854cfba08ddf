//! Redis mode: the room registry and the message bus that replicas of the service share.
//!
//! With `--redis-url`, who holds a room's two slots is decided in Redis by Lua scripts
//! (atomic, so concurrent joins on any replicas cannot overfill a room), and a message for a
//! person connected to another replica goes over Redis pub/sub to that replica's channel.
//! Each replica still runs its room actors for the people connected to it; this module is the
//! Redis client their seats use ([`crate::seats::in_redis`]) where one process applies
//! [`crate::room::Room`]'s rules in memory.
//!
//! Presence is a lease: a replica renews its people's slots every heartbeat interval
//! ([`Cluster::refresh`]); the slots of a replica that died expire after the client timeout.

mod bus;
mod keys;
mod scripts;
mod seat;

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix::Recipient;
use redis::aio::ConnectionManager;
use redis::{AsyncCommands, ScriptInvocation, Value};
use shared::{ResumeToken, Role, RoomKey, ROOM_CAPACITY};
use tokio::sync::mpsc;

pub use bus::{BusEvent, Envelope, FromBus};
pub use scripts::{JoinOutcome, Presence};
pub use seat::{InvalidSeat, ReplicaId, Seat};

use crate::room::{Departure, SessionId};
use keys::{room_key, token_prefix};
use scripts::{parse_join, parse_leave, parse_refresh, role_text, Scripts, UnexpectedAnswer};

/// Why Redis could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// Redis is unreachable or answered with an error.
    #[error("Redis: {0}")]
    Redis(#[from] redis::RedisError),
    /// A script answered something this version does not understand.
    #[error("unexpected answer from a room script: {0}")]
    Answer(String),
}

impl From<UnexpectedAnswer> for ClusterError {
    fn from(e: UnexpectedAnswer) -> Self {
        Self::Answer(e.0)
    }
}

/// One of this replica's people, as [`Cluster::refresh`] renews them.
#[derive(Debug, Clone)]
pub struct Holder {
    /// Their connection.
    pub seat: Seat,
    /// Their slot's token.
    pub token: ResumeToken,
    /// Their slot's role.
    pub role: Role,
}

/// A replica's handle on the shared registry and bus.
pub struct Cluster {
    replica: ReplicaId,
    redis: ConnectionManager,
    lease: Duration,
    scripts: Scripts,
    outgoing: mpsc::UnboundedSender<(ReplicaId, String)>,
    /// False from a failed Redis command until one succeeds again.
    healthy: Arc<AtomicBool>,
    /// False while this replica's channel is not subscribed (Redis down or restarting).
    subscribed: Arc<AtomicBool>,
}

impl fmt::Debug for Cluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cluster")
            .field("replica", &self.replica)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

impl Cluster {
    /// Connects to Redis at `url`, subscribes to this replica's channel and starts passing
    /// what arrives there to `inbox`. Slots are leased for `lease` (the client timeout).
    pub async fn connect(
        url: &str,
        lease: Duration,
        inbox: Recipient<FromBus>,
    ) -> Result<Self, ClusterError> {
        let client = redis::Client::open(url)?;
        // Short timeouts and few retries: a join waiting on an unreachable Redis should hear
        // `unavailable` in about a second, not hang; the manager reconnects in the background.
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(1))
            .set_response_timeout(Duration::from_secs(2))
            .set_number_of_retries(1)
            .set_max_delay(500);
        let redis = ConnectionManager::new_with_config(client.clone(), config).await?;
        let mut random = [0u8; 8];
        getrandom::fill(&mut random)
            .map_err(|e| ClusterError::Answer(format!("no randomness for a replica id: {e}")))?;
        let replica = ReplicaId(u64::from_le_bytes(random));
        let healthy = Arc::new(AtomicBool::new(true));
        let (outgoing, queue) = mpsc::unbounded_channel();
        actix::spawn(bus::publish(redis.clone(), queue, healthy.clone()));
        let subscribed = Arc::new(AtomicBool::new(true));
        let subscription = bus::subscribe(client, replica, inbox, subscribed.clone()).await?;
        actix::spawn(subscription);
        tracing::info!(
            replica = format!("{:016x}", replica.0),
            "Redis mode: rooms shared with other replicas"
        );
        Ok(Self {
            replica,
            redis,
            lease,
            scripts: Scripts::load(),
            outgoing,
            healthy,
            subscribed,
        })
    }

    /// How long a slot stays held without renewal.
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// This replica.
    pub fn replica(&self) -> ReplicaId {
        self.replica
    }

    /// This replica's seat for a local session.
    pub fn seat(&self, session: SessionId) -> Seat {
        Seat {
            replica: self.replica,
            session,
        }
    }

    /// Whether Redis answered the last command and the subscription is up.
    pub fn is_healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed) && self.subscribed.load(Ordering::Relaxed)
    }

    fn lease_ms(&self) -> u64 {
        u64::try_from(self.lease.as_millis()).unwrap_or(u64::MAX)
    }

    fn track<T>(&self, result: Result<T, ClusterError>) -> Result<T, ClusterError> {
        self.healthy.store(result.is_ok(), Ordering::Relaxed);
        result
    }

    /// Asks for a slot in `room` for `seat`: [`crate::room::Room::join`]'s rules, in Redis.
    pub async fn join(
        &self,
        room: &RoomKey,
        seat: Seat,
        resume: Option<&ResumeToken>,
        fresh: &ResumeToken,
    ) -> Result<JoinOutcome, ClusterError> {
        let tokens = token_prefix();
        let fresh_key = format!("{tokens}{}", fresh.as_str());
        let resume_key =
            resume.map_or_else(|| fresh_key.clone(), |t| format!("{tokens}{}", t.as_str()));
        let mut invocation = self.scripts.join.key(room_key(room));
        invocation
            .key(&fresh_key)
            .key(&resume_key)
            .arg(seat.to_string())
            .arg(fresh.as_str())
            .arg(resume.map_or("", ResumeToken::as_str))
            .arg(self.lease_ms())
            .arg(room.as_str())
            .arg(&tokens)
            .arg(ROOM_CAPACITY);
        self.run(invocation, parse_join).await
    }

    /// Frees `seat`'s slot in `room`. `None` when it holds none (taken over, or expired).
    pub async fn leave(
        &self,
        room: &RoomKey,
        seat: Seat,
    ) -> Result<Option<Departure<Seat>>, ClusterError> {
        let mut invocation = self.scripts.leave.key(room_key(room));
        invocation
            .arg(seat.to_string())
            .arg(self.lease_ms())
            .arg(token_prefix());
        self.run(invocation, parse_leave).await
    }

    /// Renews the leases of this replica's `holders` in `room` and answers, for each in
    /// order, where they stand.
    pub async fn refresh(
        &self,
        room: &RoomKey,
        holders: &[Holder],
    ) -> Result<Vec<Presence>, ClusterError> {
        let mut invocation = self.scripts.refresh.key(room_key(room));
        invocation
            .arg(self.lease_ms())
            .arg(token_prefix())
            .arg(room.as_str())
            .arg(ROOM_CAPACITY);
        for holder in holders {
            invocation
                .arg(holder.seat.to_string())
                .arg(holder.token.as_str())
                .arg(role_text(holder.role));
        }
        let count = holders.len();
        self.run(invocation, |answer| parse_refresh(answer, count))
            .await
    }

    /// Runs a room script and reads its answer with `parse`.
    async fn run<T>(
        &self,
        invocation: ScriptInvocation<'_>,
        parse: impl FnOnce(Vec<String>) -> Result<T, UnexpectedAnswer>,
    ) -> Result<T, ClusterError> {
        let mut redis = self.redis.clone();
        let answer: Result<Vec<String>, _> = invocation.invoke_async(&mut redis).await;
        self.track(match answer {
            Ok(answer) => parse(answer).map_err(ClusterError::from),
            Err(e) => Err(e.into()),
        })
    }

    /// Sends `event` for `to`'s session, in `room`, to its replica. Messages to one replica
    /// arrive in the order they were sent; a failure shows in [`Cluster::is_healthy`].
    pub fn send(&self, to: Seat, room: &RoomKey, event: BusEvent) {
        let envelope = Envelope {
            to: to.session,
            room: room.as_str().to_owned(),
            event,
        };
        match serde_json::to_string(&envelope) {
            Ok(text) => {
                if self.outgoing.send((to.replica, text)).is_err() {
                    tracing::error!(
                        "the Redis publisher is gone: message for another replica dropped"
                    );
                    self.healthy.store(false, Ordering::Relaxed);
                }
            }
            // Unreachable: every field serialises; logged rather than trusted.
            Err(e) => tracing::error!("cannot encode a bus message: {e}"),
        }
    }

    /// Answers whether Redis answers a PING now (for tests and diagnostics).
    pub async fn ping(&self) -> Result<(), ClusterError> {
        let mut redis = self.redis.clone();
        let answer: Result<Value, _> = redis.ping().await;
        self.track(answer.map(|_| ()).map_err(ClusterError::from))
    }
}
