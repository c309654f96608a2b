//! Per-token rate limits: `governor`'s GCRA, one limiter per token, counted in this
//! instance's memory (with N instances a token may make up to N times its limit; the
//! README says so). A limiter outlives the token's cache entry: it is kept by token id
//! and reused as long as the limit is unchanged, so re-reading a token (after an edit
//! elsewhere, or the cache's time to live) never hands it a fresh allowance.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::{InMemoryState, NotKeyed};

use crate::model::RateLimit;

type Gcra =
    governor::RateLimiter<NotKeyed, InMemoryState, DefaultClock, StateInformationMiddleware>;

/// A limiter is dropped after this long unused: longer than the longest window (an hour),
/// so an idle token comes back to a full allowance, as it would anyway.
const IDLE: Duration = Duration::from_secs(2 * 3600);

/// Where a limited token stands after a request, for the `RateLimit-Policy` and
/// `RateLimit` headers (draft-ietf-httpapi-ratelimit-headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateState {
    /// Requests per window.
    pub limit: u32,
    pub window_seconds: u64,
    /// Requests left right now.
    pub remaining: u32,
    /// Seconds until the whole allowance is back.
    pub reset_seconds: u64,
}

/// One token's limiter.
pub struct TokenRateLimiter {
    limit: RateLimit,
    gcra: Gcra,
}

impl std::fmt::Debug for TokenRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRateLimiter")
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

/// A request over the limit: when to retry, and the state for the headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverLimit {
    pub retry_after: Duration,
    pub state: RateState,
}

impl TokenRateLimiter {
    fn new(limit: RateLimit) -> Self {
        let requests = NonZeroU32::new(limit.requests.max(1)).expect("at least one");
        let per_request = Duration::from_secs(limit.per.seconds()) / requests.get();
        let quota = governor::Quota::with_period(per_request)
            .expect("a positive period")
            .allow_burst(requests);
        Self {
            limit,
            gcra: governor::RateLimiter::direct(quota)
                .with_middleware::<StateInformationMiddleware>(),
        }
    }

    /// Counts one request: allowed (with what is left) or over the limit.
    pub fn check(&self) -> Result<RateState, OverLimit> {
        let window_seconds = self.limit.per.seconds();
        let per_request = window_seconds as f64 / f64::from(self.limit.requests);
        match self.gcra.check() {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let missing = self.limit.requests.saturating_sub(remaining);
                Ok(RateState {
                    limit: self.limit.requests,
                    window_seconds,
                    remaining,
                    reset_seconds: (f64::from(missing) * per_request).ceil() as u64,
                })
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                // Whole seconds, never 0: a client told "retry in 0" retries at once.
                let retry_after = Duration::from_secs(wait.as_secs_f64().ceil().max(1.0) as u64);
                Err(OverLimit {
                    retry_after,
                    state: RateState {
                        limit: self.limit.requests,
                        window_seconds,
                        remaining: 0,
                        reset_seconds: (f64::from(self.limit.requests) * per_request).ceil() as u64,
                    },
                })
            }
        }
    }
}

/// Every token's limiter, by token id.
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
    /// Token `id`'s limiter for `limit`: the one it has if the limit is the same, a new
    /// (full) one if the limit changed. Called when a token is read from the database,
    /// never on a cache hit.
    pub fn for_token(&self, id: i64, limit: RateLimit) -> Arc<TokenRateLimiter> {
        if let Some(existing) = self.limiters.get(&id).filter(|l| l.limit == limit) {
            return existing;
        }
        let fresh = Arc::new(TokenRateLimiter::new(limit));
        self.limiters.insert(id, fresh.clone());
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RatePeriod;

    fn per_minute(requests: u32) -> RateLimit {
        RateLimit {
            requests,
            per: RatePeriod::Minute,
        }
    }

    #[test]
    fn the_allowance_runs_out_and_says_when_to_retry() {
        let limiter = TokenRateLimiter::new(per_minute(3));
        let left: Vec<u32> = (0..3).map(|_| limiter.check().unwrap().remaining).collect();
        assert_eq!(left, [2, 1, 0]);
        let over = limiter.check().unwrap_err();
        // One request comes back every 20 seconds.
        assert!((19..=20).contains(&over.retry_after.as_secs()), "{over:?}");
        assert_eq!((over.state.limit, over.state.window_seconds), (3, 60));
    }

    #[test]
    fn a_limiter_is_kept_until_its_limit_changes() {
        let limiters = RateLimiters::default();
        let first = limiters.for_token(1, per_minute(1));
        first.check().unwrap();
        assert!(
            limiters.for_token(1, per_minute(1)).check().is_err(),
            "same limiter"
        );
        assert!(
            limiters.for_token(1, per_minute(2)).check().is_ok(),
            "new limit"
        );
        assert!(
            limiters.for_token(2, per_minute(1)).check().is_ok(),
            "per token"
        );
    }
}
