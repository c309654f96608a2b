//! Per-token rate limits, counted once for every instance. A limit counts in fixed windows
//! aligned to the clock (each second, minute or hour), and the database holds each token's
//! current window (`rate_windows`). An instance leases a block of the window's requests
//! with one locked upsert ([`Store::lease_rate_window`]) and spends it in memory; once the
//! database says the window is used up, the instance refuses the token by itself until the
//! window ends, with no further writes.
//!
//! - Overshoot: none. A request is only let through from a block already counted in the
//!   window, so all instances together never let more than the limit through in a window;
//!   "1 per hour" lets exactly one request an hour through. The exception is an admin
//!   changing the limit: until the change reaches an instance (at once here, milliseconds
//!   elsewhere through the change feed) it may spend the block it holds.
//! - Fixed windows: a client may spend one window's allowance at its end and the next
//!   one's at its start, so up to twice the limit within one window's length across a
//!   boundary (the price of one counter per token that every instance can share).
//! - Undershoot: an instance holding an unspent block while another is refused: at most a
//!   block per instance of a window goes unused. Blocks are sized as quota blocks are
//!   ([`lease_blocks`]: a tenth of the limit but at least 1 and at first at most 100,
//!   doubling for a busy token), so a limit under 20 is leased one request at a time.
//! - Database away: a request that needs a new block is refused with `503 unavailable`,
//!   as one that needs a quota block is; a limit never comes loose. A block in hand is
//!   still spent, and a used-up window still refuses (`429`), with no database.
//!
//! A token's limiter is kept by token id, beside the cache: re-reading a token (after an
//! edit elsewhere, or the cache's time to live) keeps the block it holds.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::model::{RateLimit, RatePeriod};
use crate::store::{RateGrant, Store, StoreResult};
use crate::tokens::lease_blocks;

/// A limiter is dropped after this long unused (its block, if any, is lost: undershoot):
/// longer than the longest window, an hour.
const IDLE: Duration = Duration::from_secs(2 * 3600);

/// Where a limited token stands after a request, for the `RateLimit-Policy` and
/// `RateLimit` headers (draft-ietf-httpapi-ratelimit-headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateState {
    /// Requests per window.
    pub limit: u32,
    pub window_seconds: u64,
    /// Requests left in this window: this instance's block and what no instance had
    /// leased when it took it (other instances may have taken some since).
    pub remaining: u32,
    /// Seconds until the window ends and the whole allowance is back.
    pub reset_seconds: u64,
}

/// A request over the limit: when to retry, and the state for the headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverLimit {
    pub retry_after: Duration,
    pub state: RateState,
}

/// The start of the window of `per` that `now` falls in: whole seconds, minutes or hours
/// since the Unix epoch, the same on every instance.
pub fn window_start(per: RatePeriod, now: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = per.seconds() as i64;
    let start = now.timestamp().div_euclid(seconds) * seconds;
    DateTime::from_timestamp(start, 0).unwrap_or(now)
}

/// This instance's block of one token's window.
#[derive(Debug, Default)]
struct Lease {
    /// The limit it was leased under: under a changed limit it decides nothing.
    limit: Option<RateLimit>,
    /// The window it counts in.
    window_start: Option<DateTime<Utc>>,
    left: i64,
    /// What no instance had leased of the window when this block was taken.
    unleased: i64,
    /// The window was used up when this block was asked for.
    exhausted: bool,
    /// The size asked for, and when: what sizes the next block.
    last_block: Option<(i64, Instant)>,
}

impl Lease {
    /// Whether this lease decides a request under `limit` at `now`. A lease counted in a
    /// later window (another instance's clock is ahead) decides too: it is stricter.
    fn decides(&self, limit: RateLimit, now: DateTime<Utc>) -> bool {
        self.limit == Some(limit)
            && self
                .window_start
                .is_some_and(|start| start >= window_start(limit.per, now))
            && (self.left > 0 || self.exhausted)
    }

    /// One request off the block, or refused until the window ends.
    fn take(&mut self, limit: RateLimit, now: DateTime<Utc>) -> Result<RateState, OverLimit> {
        let window_seconds = limit.per.seconds();
        let start = self.window_start.unwrap_or(now);
        let end = start + chrono::Duration::seconds(window_seconds as i64);
        // Whole seconds, never 0: a client told "retry in 0" retries at once.
        let reset_seconds = ((end - now).num_milliseconds().max(0) as u64).div_ceil(1000);
        let reset_seconds = reset_seconds.clamp(1, window_seconds);
        let state = |remaining: i64| RateState {
            limit: limit.requests,
            window_seconds,
            remaining: u32::try_from(remaining.max(0)).unwrap_or(u32::MAX),
            reset_seconds,
        };
        if self.left > 0 {
            self.left -= 1;
            return Ok(state(self.left + self.unleased));
        }
        Err(OverLimit {
            retry_after: Duration::from_secs(reset_seconds),
            state: state(0),
        })
    }
}

/// One token's limiter on this instance.
#[derive(Debug, Default)]
pub struct TokenRateLimiter {
    lease: Mutex<Lease>,
    /// One lease at a time per token and instance.
    leasing: tokio::sync::Mutex<()>,
}

impl TokenRateLimiter {
    /// Counts one request of token `id` under `limit` at `now`: allowed (with what is
    /// left) or over the limit. Only a request that finds the block spent (or the window
    /// over) waits for the database.
    pub async fn check(
        &self,
        store: &Store,
        id: i64,
        limit: RateLimit,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<RateState, OverLimit>> {
        if let Some(decided) = self.spend(limit, now) {
            return Ok(decided);
        }
        // Boxed: only this rare path holds the store's future, so the verify future every
        // request moves stays small.
        Box::pin(self.lease(store, id, limit, now)).await
    }

    fn spend(&self, limit: RateLimit, now: DateTime<Utc>) -> Option<Result<RateState, OverLimit>> {
        let mut lease = self.locked();
        lease.decides(limit, now).then(|| lease.take(limit, now))
    }

    /// Leases a new block (unless another request did while this one waited its turn) and
    /// spends one request of it.
    async fn lease(
        &self,
        store: &Store,
        id: i64,
        limit: RateLimit,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<RateState, OverLimit>> {
        let _one_at_a_time = self.leasing.lock().await;
        if let Some(decided) = self.spend(limit, now) {
            return Ok(decided);
        }
        let requests = i64::from(limit.requests);
        let started = Instant::now();
        let block = lease_blocks::next_block(requests, self.locked().last_block, started);
        let window = (limit.per.seconds() as i64, window_start(limit.per, now));
        let RateGrant { granted, window } =
            store.lease_rate_window(id, requests, window, block).await?;
        let mut lease = self.locked();
        *lease = Lease {
            limit: Some(limit),
            window_start: Some(window.start),
            left: granted,
            unleased: requests - window.used,
            exhausted: granted == 0,
            last_block: Some((block, started)),
        };
        Ok(lease.take(limit, now))
    }

    fn locked(&self) -> std::sync::MutexGuard<'_, Lease> {
        self.lease
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Every token's limiter on this instance, by token id.
#[derive(Clone)]
pub struct RateLimiters {
    limiters: moka::sync::Cache<i64, Arc<TokenRateLimiter>>,
}

impl Default for RateLimiters {
    fn default() -> Self {
        Self {
            limiters: super::cache::per_token(IDLE),
        }
    }
}

impl RateLimiters {
    /// Token `id`'s limiter, for its cache entry: looked up on a miss, never on a hit.
    pub fn for_token(&self, id: i64) -> Arc<TokenRateLimiter> {
        self.limiters.get_with(id, Default::default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn per_minute(requests: u32) -> RateLimit {
        RateLimit {
            requests,
            per: RatePeriod::Minute,
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn windows_are_aligned_to_the_clock() {
        let now = at("2026-12-03T19:42:17.5Z");
        assert_eq!(
            window_start(RatePeriod::Second, now),
            at("2026-12-03T19:42:17Z")
        );
        assert_eq!(
            window_start(RatePeriod::Minute, now),
            at("2026-12-03T19:42:00Z")
        );
        assert_eq!(
            window_start(RatePeriod::Hour, now),
            at("2026-12-03T19:00:00Z")
        );
    }

    #[test]
    fn a_block_is_spent_then_the_window_refuses_until_it_ends() {
        let limit = per_minute(10);
        let now = at("2026-12-03T19:42:15Z");
        let mut lease = Lease {
            limit: Some(limit),
            window_start: Some(at("2026-12-03T19:42:00Z")),
            left: 2,
            unleased: 5,
            ..Lease::default()
        };
        assert!(lease.decides(limit, now));
        let first = lease.take(limit, now).unwrap();
        assert_eq!((first.remaining, first.reset_seconds), (6, 45));
        lease.take(limit, now).unwrap();
        assert!(!lease.decides(limit, now), "spent: lease again");
        lease.exhausted = true;
        let over = lease.take(limit, now).unwrap_err();
        assert_eq!(over.retry_after, Duration::from_secs(45));
        assert_eq!((over.state.limit, over.state.remaining), (10, 0));
        assert!(lease.decides(limit, now));
        assert!(!lease.decides(per_minute(20), now), "a changed limit");
        assert!(
            !lease.decides(limit, at("2026-12-03T19:43:00Z")),
            "a new window"
        );
    }

    #[test]
    fn retry_after_is_whole_seconds_and_never_zero() {
        let limit = per_minute(1);
        let mut lease = Lease {
            limit: Some(limit),
            window_start: Some(at("2026-12-03T19:42:00Z")),
            exhausted: true,
            ..Lease::default()
        };
        let late = lease.take(limit, at("2026-12-03T19:42:59.9Z")).unwrap_err();
        assert_eq!(late.retry_after, Duration::from_secs(1));
        let early = lease.take(limit, at("2026-12-03T19:42:00.2Z")).unwrap_err();
        assert_eq!(early.retry_after, Duration::from_secs(60));
    }
}
