//! Failures per key (a client address, an account), so nobody can guess tokens or
//! passwords at speed.
//!
//! A fixed window per key: the first failure opens it, and once `limit` failures fall
//! inside it every attempt for that key is refused until it closes, right or not
//! (otherwise a lucky guess would still get through).

use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The defaults: 30 failed verifications a minute from one address.
pub const DEFAULT_LIMIT: u32 = 30;
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
/// Keys tracked at most; beyond that the least recent are forgotten.
const CAPACITY: u64 = 100_000;

struct Window {
    opened: Instant,
    failures: AtomicU32,
}

/// Failures per key; by default per client address.
#[derive(Clone)]
pub struct FailureThrottle<K = IpAddr> {
    limit: u32,
    window: Duration,
    windows: moka::sync::Cache<K, Arc<Window>>,
}

impl Default for FailureThrottle {
    fn default() -> Self {
        Self::new(DEFAULT_LIMIT, DEFAULT_WINDOW)
    }
}

impl<K: Hash + Eq + Send + Sync + 'static> FailureThrottle<K> {
    /// `limit` 0 turns throttling off.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(window)
                .build(),
        }
    }

    /// `Err(retry_after)` when `key` has used up its failures for the current window.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        if self.limit == 0 {
            return Ok(());
        }
        match self.windows.get(key) {
            Some(window) if window.failures.load(Ordering::Relaxed) >= self.limit => {
                let left = self.window.saturating_sub(window.opened.elapsed());
                // Round up: "retry after 0 seconds" would invite an immediate retry.
                Err(Duration::from_secs(left.as_secs() + 1))
            }
            _ => Ok(()),
        }
    }

    pub fn record_failure(&self, key: K) {
        if self.limit == 0 {
            return;
        }
        let window = self.windows.get_with(key, || {
            Arc::new(Window {
                opened: Instant::now(),
                failures: AtomicU32::new(0),
            })
        });
        window.failures.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn the_limit_th_failure_closes_the_door_for_that_address_only() {
        let throttle = FailureThrottle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(throttle.check(&IP).is_ok());
            throttle.record_failure(IP);
        }
        let retry_after = throttle.check(&IP).unwrap_err();
        assert!(retry_after > Duration::ZERO && retry_after <= Duration::from_secs(61));
        assert!(throttle.check(&OTHER).is_ok());
    }

    #[test]
    fn the_door_opens_again_when_the_window_closes() {
        let throttle = FailureThrottle::new(1, Duration::from_millis(50));
        throttle.record_failure(IP);
        assert!(throttle.check(&IP).is_err());
        // The cache's own expiry is what reopens it; wait for that, bounded.
        let deadline = Instant::now() + Duration::from_secs(5);
        while throttle.check(&IP).is_err() {
            assert!(Instant::now() < deadline, "the window never closed");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_zero_limit_never_refuses() {
        let throttle = FailureThrottle::new(0, Duration::from_secs(60));
        for _ in 0..100 {
            throttle.record_failure(IP);
        }
        assert!(throttle.check(&IP).is_ok());
    }
}
