//! Per-address caps: concurrent WebSocket connections and join attempts.
//!
//! One table for the whole process behind a mutex: it is touched on connect, disconnect and
//! join, never per relayed message, so contention is not a concern. Time is passed in, so the
//! rules are tested without a clock.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// The caps, from the command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IpLimit {
    /// WebSocket connections one address may hold at once.
    pub max_connections: u32,
    /// Joins one address may make at once after a quiet spell.
    pub join_burst: u32,
    /// Joins per second one address may make in the long run.
    pub joins_per_second: u32,
}

/// One address's standing.
#[derive(Debug)]
struct Entry {
    connections: u32,
    /// Join tokens left at `last`.
    tokens: f64,
    last: Instant,
}

impl Entry {
    fn refill(&mut self, limit: &IpLimit, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * f64::from(limit.joins_per_second))
            .min(f64::from(limit.join_burst));
        self.last = now;
    }

    /// Whether this entry says nothing a fresh one would not: no connection, a full bucket.
    fn is_idle(&self, limit: &IpLimit) -> bool {
        self.connections == 0 && self.tokens >= f64::from(limit.join_burst)
    }
}

/// Operations between sweeps of idle entries; keeps the table from holding every address
/// ever seen without a timer.
const SWEEP_EVERY: u32 = 1024;

#[derive(Debug)]
struct Table {
    entries: HashMap<IpAddr, Entry>,
    since_sweep: u32,
}

/// The per-address table, shared by every worker.
#[derive(Debug, Clone)]
pub struct IpLimits {
    limit: IpLimit,
    table: Arc<Mutex<Table>>,
}

/// A connection refused: its address holds the maximum already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many connections from this address (at most {max})")]
pub struct TooManyConnections {
    /// The cap.
    pub max: u32,
}

/// One connection's place in the count of its address, given back when dropped.
#[derive(Debug)]
pub struct ConnectionPermit {
    ip: IpAddr,
    limits: IpLimits,
}

impl Drop for ConnectionPermit {
    fn drop(&mut self) {
        let limit = self.limits.limit;
        let mut table = self.limits.lock();
        if let Some(entry) = table.entries.get_mut(&self.ip) {
            entry.connections = entry.connections.saturating_sub(1);
            entry.refill(&limit, Instant::now());
            if entry.is_idle(&limit) {
                table.entries.remove(&self.ip);
            }
        }
    }
}

impl IpLimits {
    /// An empty table enforcing `limit`.
    pub fn new(limit: IpLimit) -> Self {
        Self {
            limit,
            table: Arc::new(Mutex::new(Table {
                entries: HashMap::new(),
                since_sweep: 0,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        // The table stays consistent across a panic (every update is a single assignment),
        // so a poisoned lock is still good to use.
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a new connection from `ip`, or refuses it.
    pub fn connect(
        &self,
        ip: IpAddr,
        now: Instant,
    ) -> Result<ConnectionPermit, TooManyConnections> {
        let limit = self.limit;
        let mut table = self.lock();
        table.since_sweep += 1;
        if table.since_sweep >= SWEEP_EVERY {
            table.since_sweep = 0;
            table.entries.retain(|_, entry| {
                entry.refill(&limit, now);
                !entry.is_idle(&limit)
            });
        }
        let entry = table.entries.entry(ip).or_insert_with(|| Entry {
            connections: 0,
            tokens: f64::from(limit.join_burst),
            last: now,
        });
        if entry.connections >= limit.max_connections {
            return Err(TooManyConnections {
                max: limit.max_connections,
            });
        }
        entry.connections += 1;
        Ok(ConnectionPermit {
            ip,
            limits: self.clone(),
        })
    }

    /// Whether a connection holding `permit` may try a join now; takes a token if so.
    pub fn allow_join(&self, permit: &ConnectionPermit, now: Instant) -> bool {
        let limit = self.limit;
        let mut table = self.lock();
        let Some(entry) = table.entries.get_mut(&permit.ip) else {
            // Unreachable while the permit lives (its entry has a connection); let it through.
            return true;
        };
        entry.refill(&limit, now);
        if entry.tokens >= 1.0 {
            entry.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Addresses the table holds, for tests.
    pub fn tracked(&self) -> usize {
        self.lock().entries.len()
    }
}

impl ConnectionPermit {
    /// Whether this connection may try a join now (see [`IpLimits::allow_join`]).
    pub fn allow_join(&self, now: Instant) -> bool {
        self.limits.allow_join(self, now)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const LIMIT: IpLimit = IpLimit {
        max_connections: 2,
        join_burst: 3,
        joins_per_second: 2,
    };
    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn connections_are_capped_per_address_and_given_back() -> Result<(), TooManyConnections> {
        let limits = IpLimits::new(LIMIT);
        let now = Instant::now();
        let first = limits.connect(A, now)?;
        let _second = limits.connect(A, now)?;
        assert_eq!(
            limits.connect(A, now).err(),
            Some(TooManyConnections { max: 2 })
        );
        // Another address is not affected.
        let _other = limits.connect(B, now)?;
        drop(first);
        let _third = limits.connect(A, now)?;
        Ok(())
    }

    #[test]
    fn joins_are_a_token_bucket_per_address() -> Result<(), TooManyConnections> {
        let limits = IpLimits::new(LIMIT);
        let t0 = Instant::now();
        let one = limits.connect(A, t0)?;
        let two = limits.connect(A, t0)?;
        // The bucket is the address's, not the connection's.
        assert!(one.allow_join(t0));
        assert!(two.allow_join(t0));
        assert!(one.allow_join(t0));
        assert!(!two.allow_join(t0));
        assert!(!one.allow_join(t0 + Duration::from_millis(400)));
        assert!(one.allow_join(t0 + Duration::from_millis(500)));
        let other = limits.connect(B, t0)?;
        assert!(other.allow_join(t0));
        Ok(())
    }

    #[test]
    fn idle_addresses_are_forgotten() -> Result<(), TooManyConnections> {
        let limits = IpLimits::new(LIMIT);
        let now = Instant::now();
        let permit = limits.connect(A, now)?;
        assert_eq!(limits.tracked(), 1);
        drop(permit);
        assert_eq!(limits.tracked(), 0);
        // An address that used its joins is remembered until its bucket refills, so that
        // reconnecting does not reset it.
        let permit = limits.connect(A, now)?;
        assert!(permit.allow_join(now));
        drop(permit);
        assert_eq!(limits.tracked(), 1);
        let permit = limits.connect(A, now)?;
        assert!(permit.allow_join(now));
        assert!(permit.allow_join(now));
        assert!(!permit.allow_join(now));
        drop(permit);
        // The sweep drops it once refilled.
        let later = now + Duration::from_secs(10);
        for _ in 0..SWEEP_EVERY {
            drop(limits.connect(B, later)?);
        }
        assert_eq!(limits.tracked(), 0);
        Ok(())
    }
}
