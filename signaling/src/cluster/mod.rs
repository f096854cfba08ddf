//! Redis mode: the room registry and the message bus that replicas of the service share.
//!
//! With `--redis-url`, who holds a room's two slots is decided in Redis by Lua scripts
//! (atomic, so concurrent joins on any replicas cannot overfill a room), and a message for a
//! person connected to another replica goes over Redis pub/sub to that replica's channel.
//! Each replica still runs its room actors for the people connected to it; this module is the
//! one small interface they use instead of the in-memory [`crate::room::Room`].
//!
//! Presence is a lease: a replica renews its people's slots every heartbeat interval
//! ([`Cluster::refresh`]); the slots of a replica that died expire after the client timeout.

mod bus;

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix::Recipient;
use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script, Value};
use shared::{ResumeToken, Role, RoomKey};
use tokio::sync::mpsc;

pub use bus::{BusEvent, Envelope, FromBus};

use crate::room::SessionId;

/// Where every Redis key of Duet starts, so that one Redis can serve other things too.
const PREFIX: &str = "duet:";

/// One replica's identity: random per process start, so a restarted replica is a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplicaId(pub u64);

/// A person's connection anywhere in the cluster: which replica, which session on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Seat {
    /// The replica the connection is on.
    pub replica: ReplicaId,
    /// The session on that replica.
    pub session: SessionId,
}

impl fmt::Display for Seat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}-{}", self.replica.0, self.session.0)
    }
}

/// Text that is not a [`Seat`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a seat: {0:?}")]
pub struct InvalidSeat(String);

impl FromStr for Seat {
    type Err = InvalidSeat;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidSeat(text.to_owned());
        let (replica, session) = text.split_once('-').ok_or_else(invalid)?;
        Ok(Self {
            replica: ReplicaId(u64::from_str_radix(replica, 16).map_err(|_| invalid())?),
            session: SessionId(session.parse().map_err(|_| invalid())?),
        })
    }
}

impl serde::Serialize for Seat {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Seat {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

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

/// What a join came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinOutcome {
    /// Admitted, with the same facts as [`crate::room::Admission`], seats for sessions.
    Admitted {
        /// The joiner's role.
        role: Role,
        /// The joiner's resume token.
        token: ResumeToken,
        /// The other person, if any.
        peer: Option<Seat>,
        /// On a takeover, the connection that lost the slot.
        replaced: Option<Seat>,
    },
    /// Two other people are in the room.
    Full,
    /// The resume token belongs to another room.
    WrongRoom,
}

/// A slot freed by [`Cluster::leave`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure {
    /// The other person, who must be told.
    pub peer: Option<Seat>,
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

/// What Redis says of one of this replica's people after [`Cluster::refresh`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Still in the room, with this other person.
    Here {
        /// The other person, if any.
        peer: Option<Seat>,
    },
    /// Put back in the room: Redis had lost it (a restart). The other person may not have
    /// been put back yet by their own replica.
    Restored {
        /// The other person, if back already.
        peer: Option<Seat>,
    },
    /// Another connection took the slot over with its resume token.
    Replaced,
    /// The slot is gone and the room has no place for them any more.
    Lost,
}

/// A replica's handle on the shared registry and bus.
pub struct Cluster {
    replica: ReplicaId,
    redis: ConnectionManager,
    lease: Duration,
    join: Script,
    leave: Script,
    refresh: Script,
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

fn script(body: &str) -> Script {
    Script::new(&format!("{}\n{body}", include_str!("common.lua")))
}

fn room_key(key: &RoomKey) -> String {
    format!("{PREFIX}room:{}", key.as_str())
}

fn token_prefix() -> String {
    format!("{PREFIX}token:")
}

fn channel(replica: ReplicaId) -> String {
    format!("{PREFIX}bus:{:016x}", replica.0)
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
        let subscription =
            bus::subscribe(client, channel(replica), inbox, subscribed.clone()).await?;
        actix::spawn(subscription);
        tracing::info!(
            replica = format!("{:016x}", replica.0),
            "Redis mode: rooms shared with other replicas"
        );
        Ok(Self {
            replica,
            redis,
            lease,
            join: script(include_str!("join.lua")),
            leave: script(include_str!("leave.lua")),
            refresh: script(include_str!("refresh.lua")),
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
        let mut redis = self.redis.clone();
        let answer: Result<Vec<String>, _> = self
            .join
            .key(room_key(room))
            .key(&fresh_key)
            .key(&resume_key)
            .arg(seat.to_string())
            .arg(fresh.as_str())
            .arg(resume.map_or("", ResumeToken::as_str))
            .arg(self.lease_ms())
            .arg(room.as_str())
            .arg(&tokens)
            .invoke_async(&mut redis)
            .await;
        self.track(answer.map_err(ClusterError::from).and_then(parse_join))
    }

    /// Frees `seat`'s slot in `room`. `None` when it holds none (taken over, or expired).
    pub async fn leave(
        &self,
        room: &RoomKey,
        seat: Seat,
    ) -> Result<Option<Departure>, ClusterError> {
        let mut redis = self.redis.clone();
        let answer: Result<Vec<String>, _> = self
            .leave
            .key(room_key(room))
            .arg(seat.to_string())
            .arg(self.lease_ms())
            .arg(token_prefix())
            .invoke_async(&mut redis)
            .await;
        self.track(
            answer
                .map_err(ClusterError::from)
                .and_then(|answer| match answer.as_slice() {
                    [none] if none == "none" => Ok(None),
                    [left, _token, peer] if left == "left" => Ok(Some(Departure {
                        peer: parse_seat(peer)?,
                    })),
                    _ => Err(ClusterError::Answer(format!("{answer:?}"))),
                }),
        )
    }

    /// Renews the leases of this replica's `holders` in `room` and answers, for each in
    /// order, where they stand.
    pub async fn refresh(
        &self,
        room: &RoomKey,
        holders: &[Holder],
    ) -> Result<Vec<Presence>, ClusterError> {
        let mut redis = self.redis.clone();
        let mut invocation = self.refresh.key(room_key(room));
        invocation
            .arg(self.lease_ms())
            .arg(token_prefix())
            .arg(room.as_str());
        for holder in holders {
            invocation
                .arg(holder.seat.to_string())
                .arg(holder.token.as_str())
                .arg(role_text(holder.role));
        }
        let answer: Result<Vec<String>, _> = invocation.invoke_async(&mut redis).await;
        self.track(answer.map_err(ClusterError::from).and_then(|answer| {
            if answer.len() != holders.len() * 2 {
                return Err(ClusterError::Answer(format!("{answer:?}")));
            }
            answer
                .chunks(2)
                .map(|pair| match (pair[0].as_str(), &pair[1]) {
                    ("here", peer) => Ok(Presence::Here {
                        peer: parse_seat(peer)?,
                    }),
                    ("restored", peer) => Ok(Presence::Restored {
                        peer: parse_seat(peer)?,
                    }),
                    ("replaced", _) => Ok(Presence::Replaced),
                    ("lost", _) => Ok(Presence::Lost),
                    _ => Err(ClusterError::Answer(format!("{answer:?}"))),
                })
                .collect()
        }))
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

fn role_text(role: Role) -> &'static str {
    match role {
        Role::Polite => "polite",
        Role::Impolite => "impolite",
    }
}

fn parse_role(text: &str) -> Result<Role, ClusterError> {
    match text {
        "polite" => Ok(Role::Polite),
        "impolite" => Ok(Role::Impolite),
        other => Err(ClusterError::Answer(format!("role {other:?}"))),
    }
}

fn parse_seat(text: &str) -> Result<Option<Seat>, ClusterError> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|e: InvalidSeat| ClusterError::Answer(e.to_string()))
}

fn parse_join(answer: Vec<String>) -> Result<JoinOutcome, ClusterError> {
    match answer.as_slice() {
        [full] if full == "full" => Ok(JoinOutcome::Full),
        [wrong] if wrong == "wrong_room" => Ok(JoinOutcome::WrongRoom),
        [admitted, role, token, peer, replaced] if admitted == "admitted" => {
            Ok(JoinOutcome::Admitted {
                role: parse_role(role)?,
                token: ResumeToken::parse(token)
                    .map_err(|e| ClusterError::Answer(format!("token: {e}")))?,
                peer: parse_seat(peer)?,
                replaced: parse_seat(replaced)?,
            })
        }
        _ => Err(ClusterError::Answer(format!("{answer:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seat_reads_back_as_written() {
        let seat = Seat {
            replica: ReplicaId(0xdead_beef_0000_0001),
            session: SessionId(42),
        };
        assert_eq!(seat.to_string(), "deadbeef00000001-42");
        assert_eq!("deadbeef00000001-42".parse::<Seat>(), Ok(seat));
        assert!("nonsense".parse::<Seat>().is_err());
        assert!("zz-1".parse::<Seat>().is_err());
    }

    #[test]
    fn script_answers_parse_or_fail_clearly() {
        let text = |parts: &[&str]| parts.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(parse_join(text(&["full"])).ok(), Some(JoinOutcome::Full));
        let token = "0123456789abcdef0123456789abcdef";
        let admitted = parse_join(text(&[
            "admitted",
            "polite",
            token,
            "00000000000000ff-7",
            "",
        ]));
        assert!(matches!(
            admitted,
            Ok(JoinOutcome::Admitted {
                role: Role::Polite,
                peer: Some(_),
                replaced: None,
                ..
            })
        ));
        assert!(parse_join(text(&["admitted", "rude", token, "", ""])).is_err());
        assert!(parse_join(text(&["what"])).is_err());
    }
}
