//! The bus between replicas: one Redis pub/sub channel per replica, carrying [`Envelope`]s.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix::{Message, Recipient};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use shared::{LeaveReason, RawSignal};
use tokio::sync::mpsc;

use super::keys::channel;
use super::link::{Link, Subscriber};
use super::seat::{ReplicaId, Seat};
use crate::room::SessionId;

/// What one replica tells another about a room one of its people is in.
// Externally tagged: an internally tagged enum buffers its fields, and a `RawValue` (the
// signal) cannot be read back from that buffer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusEvent {
    /// `from` was admitted into the room (a takeover included): tell `peer_joined`.
    PeerJoined {
        /// The newcomer.
        from: Seat,
    },
    /// `from` left the room.
    PeerLeft {
        /// Who left.
        from: Seat,
        /// What the browser is told.
        reason: LeaveReason,
    },
    /// A signal from `from`, untouched.
    Signal {
        /// The sender.
        from: Seat,
        /// The payload.
        signal: RawSignal,
    },
    /// Another connection took the slot over with its resume token: close.
    Replaced,
    /// A signal this session sent was held back: the other person's backlog is full.
    NotPassedOn,
}

/// A [`BusEvent`] for one session of the receiving replica.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope {
    /// The session it is for, on the replica whose channel carries it.
    pub to: SessionId,
    /// The room it concerns (its key): a session in another room ignores it.
    pub room: String,
    /// What happened.
    pub event: BusEvent,
}

/// An [`Envelope`] arrived from another replica.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct FromBus(pub Envelope);

/// Publishes queued messages in order, as pipelines of whatever has queued up meanwhile: one
/// round trip for a burst, not one per message.
pub(super) async fn publish(
    mut redis: Link,
    mut queue: mpsc::UnboundedReceiver<(ReplicaId, String)>,
    healthy: Arc<AtomicBool>,
) {
    const BATCH: usize = 256;
    let mut batch = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut batch, BATCH).await > 0 {
        let mut pipe = redis::pipe();
        for (replica, text) in batch.drain(..) {
            pipe.cmd("PUBLISH").arg(channel(replica)).arg(text).ignore();
        }
        match pipe.query_async::<()>(&mut redis).await {
            Ok(()) => healthy.store(true, Ordering::Relaxed),
            Err(e) => {
                tracing::warn!("Redis: messages for other replicas lost: {e}");
                healthy.store(false, Ordering::Relaxed);
            }
        }
    }
}

/// Subscribes to `replica`'s channel and answers the task that passes what arrives to `inbox`,
/// resubscribing whenever the connection drops (a Redis restart) until the process ends.
pub(super) async fn subscribe(
    subscriber: Subscriber,
    replica: ReplicaId,
    inbox: Recipient<FromBus>,
    subscribed: Arc<AtomicBool>,
) -> Result<impl std::future::Future<Output = ()>, redis::RedisError> {
    let channel = channel(replica);
    let mut first = subscriber.client().get_async_pubsub().await?;
    first.subscribe(&channel).await?;
    Ok(async move {
        let mut pubsub = Some(first);
        loop {
            if let Some(connection) = pubsub.take() {
                subscribed.store(true, Ordering::Relaxed);
                let mut messages = connection.into_on_message();
                while let Some(message) = messages.next().await {
                    let payload: Result<String, _> = message.get_payload();
                    match payload.map(|text| serde_json::from_str::<Envelope>(&text)) {
                        Ok(Ok(envelope)) => inbox.do_send(FromBus(envelope)),
                        Ok(Err(e)) => tracing::warn!("bus message not understood: {e}"),
                        Err(e) => tracing::warn!("bus message not text: {e}"),
                    }
                }
                subscribed.store(false, Ordering::Relaxed);
                tracing::warn!("Redis subscription lost; resubscribing");
            }
            // A pause between attempts, so a Redis that is down is not hammered; cut short
            // when a failover names a new primary to subscribe at.
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(250)) => {}
                () = subscriber.moved() => {}
            }
            // With Sentinel, the primary named now: after a failover, the new one.
            match subscriber.client().get_async_pubsub().await {
                Ok(mut connection) => match connection.subscribe(&channel).await {
                    Ok(()) => {
                        tracing::info!("Redis subscription back");
                        pubsub = Some(connection);
                    }
                    Err(e) => tracing::debug!("cannot resubscribe yet: {e}"),
                },
                Err(e) => tracing::debug!("cannot reach Redis yet: {e}"),
            }
        }
    })
}
