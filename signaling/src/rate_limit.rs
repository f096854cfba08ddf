//! A per-connection token bucket with strikes. Time is passed in, so tests control it.
//!
//! Hand-written rather than `governor`, on purpose: governor's GCRA admits the same messages
//! as this bucket, but reads a clock of its own (tests would need its fake clock instead of
//! passing `Instant`s), and what Duet needs on top of it, closing a connection after a number
//! of refusals *in a row*, would still be written here. Its strengths (keyed limiters shared
//! between threads, waiting for capacity) are not used: each session owns its bucket, which
//! costs 40 bytes and no atomic operation a message.

use std::time::Instant;

/// What to do with one incoming message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within the limit: handle it.
    Allowed,
    /// Over the limit: refuse it with `rate_limited`, keep the connection.
    Limited,
    /// Over the limit once too often in a row: refuse it and close the connection.
    Exceeded,
}

/// How fast a connection may send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Messages that may arrive at once after a quiet spell.
    pub burst: u32,
    /// Messages per second allowed in the long run.
    pub per_second: u32,
    /// Refused messages in a row after which the connection is closed.
    pub max_strikes: u32,
}

/// A token bucket that counts consecutive refusals.
///
/// Strikes count refusals *in a row*: a client that merely runs a little hot has most of its
/// messages admitted and is never cut off, while one that keeps sending into an empty bucket
/// is closed after `max_strikes` refusals instead of being answered forever.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    limit: RateLimit,
    tokens: f64,
    last: Instant,
    strikes: u32,
}

impl RateLimiter {
    /// A full bucket.
    pub fn new(limit: RateLimit, now: Instant) -> Self {
        Self {
            limit,
            tokens: f64::from(limit.burst),
            last: now,
            strikes: 0,
        }
    }

    /// Takes a token for one message arriving at `now`.
    pub fn check(&mut self, now: Instant) -> Verdict {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = self.last.max(now);
        let burst = f64::from(self.limit.burst);
        self.tokens = (self.tokens + elapsed * f64::from(self.limit.per_second)).min(burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            self.strikes = 0;
            Verdict::Allowed
        } else {
            self.strikes = self.strikes.saturating_add(1);
            if self.strikes >= self.limit.max_strikes {
                Verdict::Exceeded
            } else {
                Verdict::Limited
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const LIMIT: RateLimit = RateLimit {
        burst: 3,
        per_second: 2,
        max_strikes: 3,
    };

    #[test]
    fn a_burst_is_allowed_then_limited() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(LIMIT, t0);
        for _ in 0..3 {
            assert_eq!(limiter.check(t0), Verdict::Allowed);
        }
        assert_eq!(limiter.check(t0), Verdict::Limited);
    }

    #[test]
    fn tokens_come_back_at_the_refill_rate() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(LIMIT, t0);
        for _ in 0..3 {
            limiter.check(t0);
        }
        assert_eq!(
            limiter.check(t0 + Duration::from_millis(100)),
            Verdict::Limited
        );
        // 2 per second: a token after half a second, with a margin for rounding.
        assert_eq!(
            limiter.check(t0 + Duration::from_millis(600)),
            Verdict::Allowed
        );
        assert_eq!(
            limiter.check(t0 + Duration::from_millis(600)),
            Verdict::Limited
        );
    }

    #[test]
    fn the_bucket_never_holds_more_than_the_burst() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(LIMIT, t0);
        let later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(limiter.check(later), Verdict::Allowed);
        }
        assert_eq!(limiter.check(later), Verdict::Limited);
    }

    #[test]
    fn consecutive_refusals_end_in_exceeded() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(LIMIT, t0);
        for _ in 0..3 {
            limiter.check(t0);
        }
        assert_eq!(limiter.check(t0), Verdict::Limited);
        assert_eq!(limiter.check(t0), Verdict::Limited);
        assert_eq!(limiter.check(t0), Verdict::Exceeded);
    }

    #[test]
    fn an_allowed_message_clears_the_strikes() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(LIMIT, t0);
        for _ in 0..3 {
            limiter.check(t0);
        }
        assert_eq!(limiter.check(t0), Verdict::Limited);
        assert_eq!(limiter.check(t0), Verdict::Limited);
        let t1 = t0 + Duration::from_millis(600);
        assert_eq!(limiter.check(t1), Verdict::Allowed);
        assert_eq!(limiter.check(t1), Verdict::Limited);
        assert_eq!(limiter.check(t1), Verdict::Limited);
        assert_eq!(limiter.check(t1), Verdict::Exceeded);
    }

    #[test]
    fn time_going_backwards_grants_nothing() {
        let t0 = Instant::now() + Duration::from_secs(10);
        let mut limiter = RateLimiter::new(LIMIT, t0);
        for _ in 0..3 {
            limiter.check(t0);
        }
        assert_eq!(limiter.check(t0 - Duration::from_secs(5)), Verdict::Limited);
    }
}
