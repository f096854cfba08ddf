//! A person's connection anywhere in the cluster, as Redis and the bus name it.

use std::fmt;
use std::str::FromStr;

use crate::room::SessionId;

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
}
