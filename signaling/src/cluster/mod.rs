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
//! The same renewal puts a replica's people back after Redis lost them: a restart, or a
//! failover to a replica that had not heard the last writes ([`link`] follows Sentinel).
//!
//! Redis is one server, a Redis Cluster (every script touches only its room's slot: see
//! [`keys`]), or a primary watched by Sentinel ([`Endpoint`]).

mod bus;
mod keys;
mod link;
mod scripts;
mod seat;

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix::Recipient;
use redis::{AsyncCommands, ScriptInvocation, Value};
use shared::{LeaveReason, ResumeToken, Role, RoomKey, ROOM_CAPACITY};
use tokio::sync::mpsc;

pub use bus::{BusEvent, Envelope, FromBus};
pub use link::{Endpoint, SentinelSettings, TlsFiles};
pub use scripts::{JoinOutcome, Presence};
pub use seat::{InvalidSeat, ReplicaId, Seat};

use crate::room::{Departure, SessionId};
use keys::{departures_key, room_key, token_key};
use link::Link;
use scripts::{
    parse_join, parse_leave, parse_refresh, reason_text, role_text, Scripts, UnexpectedAnswer,
};

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
    /// The other person as this replica last heard of them.
    pub peer: Option<Seat>,
}

/// A replica's handle on the shared registry and bus.
pub struct Cluster {
    replica: ReplicaId,
    redis: Link,
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
    /// Connects to Redis at `endpoint` (over TLS with `tls`'s files, where it speaks TLS),
    /// subscribes to this replica's channel and starts passing what arrives there to `inbox`.
    /// Slots are leased for `lease` (the client timeout). With Sentinel, follows failovers by
    /// itself, counting them in `failovers`.
    pub async fn connect(
        endpoint: &Endpoint,
        tls: &TlsFiles,
        lease: Duration,
        inbox: Recipient<FromBus>,
        failovers: Arc<AtomicU64>,
    ) -> Result<Self, ClusterError> {
        let (redis, subscriber, follower) = Link::open(endpoint, tls, failovers).await?;
        let mut random = [0u8; 8];
        getrandom::fill(&mut random)
            .map_err(|e| ClusterError::Answer(format!("no randomness for a replica id: {e}")))?;
        let replica = ReplicaId(u64::from_le_bytes(random));
        let healthy = Arc::new(AtomicBool::new(true));
        let (outgoing, queue) = mpsc::unbounded_channel();
        actix::spawn(bus::publish(redis.clone(), queue, healthy.clone()));
        let subscribed = Arc::new(AtomicBool::new(true));
        let subscription = bus::subscribe(subscriber, replica, inbox, subscribed.clone()).await?;
        actix::spawn(subscription);
        if let Some(follower) = follower {
            actix::spawn(follower.follow(healthy.clone()));
        }
        tracing::info!(
            replica = format!("{:016x}", replica.0),
            redis = ?endpoint,
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
        // Whose a token is never changes (a token is made for one room), so this check
        // outside the script cannot race with another join: only with the token expiring,
        // which the script then sees as an unknown token, as it would have a moment later.
        if let Some(token) = resume {
            let mut redis = self.redis.clone();
            let owner: Result<Option<String>, _> = redis.get(token_key(token)).await;
            match self.track(owner.map_err(ClusterError::from))? {
                Some(owner) if owner != room.as_str() => return Ok(JoinOutcome::WrongRoom),
                _ => {}
            }
        }
        let mut invocation = self.scripts.join.key(room_key(room));
        invocation
            .arg(seat.to_string())
            .arg(fresh.as_str())
            .arg(resume.map_or("", ResumeToken::as_str))
            .arg(self.lease_ms())
            .arg(ROOM_CAPACITY);
        let outcome = self.run(invocation, parse_join).await?;
        if let JoinOutcome::Admitted { token, .. } = &outcome {
            self.keep_tokens(room, [token]).await;
        }
        Ok(outcome)
    }

    /// (Re)writes the keys naming `room` as the room of `tokens`, for a lease. A failure is
    /// logged, not returned: the slot is held all the same, and only the check that a token
    /// is used in its own room is weaker until the next renewal writes the key.
    async fn keep_tokens<'t>(
        &self,
        room: &RoomKey,
        tokens: impl IntoIterator<Item = &'t ResumeToken>,
    ) {
        // One command each: on a cluster, tokens live in slots of their own.
        for token in tokens {
            let mut redis = self.redis.clone();
            let written: Result<(), _> = redis
                .pset_ex(token_key(token), room.as_str(), self.lease_ms())
                .await;
            if let Err(e) = self.track(written.map_err(ClusterError::from)) {
                tracing::warn!("Redis: a resume token's room not recorded: {e}");
            }
        }
    }

    /// Frees `seat`'s slot in `room`, recording `why` for the other person's replica (see
    /// [`Presence::Here`]). `None` when it holds none (taken over, or expired).
    pub async fn leave(
        &self,
        room: &RoomKey,
        seat: Seat,
        why: LeaveReason,
    ) -> Result<Option<Departure<Seat>>, ClusterError> {
        let mut invocation = self.scripts.leave.key(room_key(room));
        invocation
            .key(departures_key(room))
            .arg(seat.to_string())
            .arg(self.lease_ms())
            .arg(reason_text(why));
        let departure = self.run(invocation, parse_leave).await?;
        if let Some(departure) = &departure {
            let mut redis = self.redis.clone();
            let deleted: Result<(), _> = redis.del(token_key(&departure.token)).await;
            if let Err(e) = self.track(deleted.map_err(ClusterError::from)) {
                // It expires with its lease.
                tracing::warn!("Redis: a spent resume token not deleted: {e}");
            }
        }
        Ok(departure)
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
            .key(departures_key(room))
            .arg(self.lease_ms())
            .arg(ROOM_CAPACITY);
        for holder in holders {
            invocation
                .arg(holder.seat.to_string())
                .arg(holder.token.as_str())
                .arg(role_text(holder.role))
                .arg(holder.peer.map(|p| p.to_string()).unwrap_or_default());
        }
        let count = holders.len();
        let presences = self
            .run(invocation, |answer| parse_refresh(answer, count))
            .await?;
        let kept = holders
            .iter()
            .zip(&presences)
            .filter(|(_, p)| matches!(p, Presence::Here { .. } | Presence::Restored { .. }))
            .map(|(holder, _)| &holder.token);
        self.keep_tokens(room, kept).await;
        Ok(presences)
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
