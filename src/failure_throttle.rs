//! Failures per key (a client address, an account), so nobody can guess tokens or
//! passwords at speed.
//!
//! A fixed window per key: the first failure opens it, and once `limit` failures fall
//! inside it every attempt for that key is refused until it closes, right or not
//! (otherwise a lucky guess would still get through).
//!
//! This is one instance's view; [`shared`] shares the counts with the other instances
//! through the database and falls back on this view when the database can't be asked.

/// The counts shared by every instance, through the database.
pub mod shared;

pub use shared::{FailureWindows, Reservation, SharedThrottle, ThrottleKind};

use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The defaults: 30 failed verifications a minute from one address.
pub const DEFAULT_LIMIT: u32 = 30;
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
/// Keys tracked at most; beyond that the least recent are forgotten.
const CAPACITY: u64 = 100_000;

/// One key's window. Behind a lock, so "is there a failure left? then count one" is a
/// single step that racing attempts can't both pass.
struct Window {
    closes_at: Instant,
    failures: u32,
}

/// Failures per key; by default per client address.
#[derive(Clone)]
pub struct FailureThrottle<K = IpAddr> {
    limit: u32,
    window: Duration,
    windows: moka::sync::Cache<K, Arc<Mutex<Window>>>,
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
            // Evicted once unused for a whole window: by then its own window has closed
            // too (it closes at most a window after its last use), so nothing is
            // forgotten early.
            windows: moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_idle(window)
                .build(),
        }
    }

    /// `Err(retry_after)` when `key` has used up its failures for the current window.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        if self.limit == 0 {
            return Ok(());
        }
        match self.windows.get(key) {
            Some(window) => self.refusal(&lock(&window)).map_or(Ok(()), Err),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, key: K) {
        if self.limit == 0 {
            return;
        }
        let window = self.window_of(key);
        let mut window = lock(&window);
        self.restart_if_closed(&mut window);
        window.failures += 1;
    }

    /// Counts an attempt as a failure *before* it is tried, if `key` has one left:
    /// `Ok(failures left)` should this one fail too (`u32::MAX` when unthrottled), so the
    /// caller can warn before the last ones; `Err(retry_after)` if none is left. Racing
    /// attempts can't all slip past a check made before any of them failed. An attempt that
    /// turns out right (or was never tried) is taken back with [`forgive`](Self::forgive).
    pub fn reserve(&self, key: K) -> Result<u32, Duration> {
        if self.limit == 0 {
            return Ok(u32::MAX);
        }
        let window = self.window_of(key);
        let mut window = lock(&window);
        self.restart_if_closed(&mut window);
        if let Some(retry_after) = self.refusal(&window) {
            return Err(retry_after);
        }
        window.failures += 1;
        Ok(self.limit.saturating_sub(window.failures))
    }

    /// Takes back one [`reserve`](Self::reserve)d failure.
    pub fn forgive(&self, key: &K) {
        if let Some(window) = self.windows.get(key) {
            let mut window = lock(&window);
            window.failures = window.failures.saturating_sub(1);
        }
    }

    /// Raises `key`'s window to what the instances counted together: `failures`, in a
    /// window closing in `closes_in`. Never lowers it, so answers arriving out of order
    /// can't reopen a door, and this instance refuses as soon as it has seen the shared
    /// window full.
    pub fn observe(&self, key: K, failures: u32, closes_in: Duration) {
        if self.limit == 0 {
            return;
        }
        let window = self.window_of(key);
        let mut window = lock(&window);
        self.restart_if_closed(&mut window);
        if failures > window.failures {
            window.failures = failures;
            // Another clock: never trust it for longer than a window.
            window.closes_at = Instant::now() + closes_in.min(self.window);
        }
    }

    /// Forgets `key`'s failures (its password was reset).
    pub fn lift(&self, key: &K) {
        self.windows.invalidate(key);
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    pub fn window(&self) -> Duration {
        self.window
    }

    fn window_of(&self, key: K) -> Arc<Mutex<Window>> {
        self.windows.get_with(key, || {
            Arc::new(Mutex::new(Window {
                closes_at: Instant::now() + self.window,
                failures: 0,
            }))
        })
    }

    /// A window that has closed, or that holds no failures, starts again now: the first
    /// failure opens it.
    fn restart_if_closed(&self, window: &mut Window) {
        let now = Instant::now();
        if window.failures == 0 || now >= window.closes_at {
            window.closes_at = now + self.window;
            window.failures = 0;
        }
    }

    /// How long until `window` takes attempts again, if it is full now.
    fn refusal(&self, window: &Window) -> Option<Duration> {
        let left = window.closes_at.checked_duration_since(Instant::now())?;
        // Round up: "retry after 0 seconds" would invite an immediate retry.
        (window.failures >= self.limit).then(|| Duration::from_secs(left.as_secs() + 1))
    }
}

/// A poisoned lock only means another attempt panicked mid-count: the count is still usable.
fn lock(window: &Mutex<Window>) -> std::sync::MutexGuard<'_, Window> {
    window
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
    fn racing_reservations_get_the_limit_and_no_more() {
        let throttle = FailureThrottle::new(5, Duration::from_secs(60));
        let granted = std::sync::atomic::AtomicU32::new(0);
        std::thread::scope(|scope| {
            for _ in 0..64 {
                scope.spawn(|| {
                    if throttle.reserve(IP).is_ok() {
                        granted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                });
            }
        });
        assert_eq!(granted.into_inner(), 5);
        assert!(throttle.check(&IP).is_err());
    }

    #[test]
    fn a_forgiven_reservation_is_no_failure() {
        let throttle = FailureThrottle::new(2, Duration::from_secs(60));
        for _ in 0..10 {
            throttle.reserve(IP).unwrap();
            throttle.forgive(&IP);
        }
        throttle.reserve(IP).unwrap();
        throttle.reserve(IP).unwrap();
        let retry_after = throttle.reserve(IP).unwrap_err();
        assert!(retry_after > Duration::ZERO && retry_after <= Duration::from_secs(61));
    }

    #[test]
    fn a_reservation_says_how_many_failures_are_left_after_it() {
        let throttle = FailureThrottle::new(3, Duration::from_secs(60));
        assert_eq!(throttle.reserve(IP), Ok(2));
        assert_eq!(throttle.reserve(IP), Ok(1));
        throttle.forgive(&IP);
        assert_eq!(throttle.reserve(IP), Ok(1));
        assert_eq!(throttle.reserve(IP), Ok(0));
        assert!(throttle.reserve(IP).is_err());
        assert_eq!(throttle.reserve(OTHER), Ok(2));
    }

    #[test]
    fn an_observed_shared_count_raises_the_window_and_never_lowers_it() {
        let throttle = FailureThrottle::new(3, Duration::from_secs(60));
        throttle.record_failure(IP);
        throttle.observe(IP, 3, Duration::from_secs(20));
        let retry_after = throttle.check(&IP).unwrap_err();
        assert!(retry_after <= Duration::from_secs(21), "{retry_after:?}");
        throttle.observe(IP, 1, Duration::from_secs(60));
        assert!(throttle.check(&IP).is_err(), "a lower count is no news");
        assert!(throttle.check(&OTHER).is_ok());
    }

    #[test]
    fn an_observed_window_lasts_no_longer_than_a_window() {
        let throttle = FailureThrottle::new(1, Duration::from_secs(60));
        throttle.observe(IP, 1, Duration::from_secs(3600));
        assert!(throttle.check(&IP).unwrap_err() <= Duration::from_secs(61));
    }

    #[test]
    fn a_lifted_key_starts_afresh() {
        let throttle = FailureThrottle::new(1, Duration::from_secs(60));
        throttle.record_failure(IP);
        throttle.lift(&IP);
        assert!(throttle.check(&IP).is_ok());
    }

    #[test]
    fn a_zero_limit_never_refuses() {
        let throttle = FailureThrottle::new(0, Duration::from_secs(60));
        for _ in 0..100 {
            throttle.record_failure(IP);
            throttle.reserve(IP).unwrap();
        }
        assert!(throttle.check(&IP).is_ok());
    }
}
