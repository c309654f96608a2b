//! The failure counts every instance shares, so N instances behind a load balancer give
//! an attacker the allowance of one, not N times it.
//!
//! Only failures write (an upsert per failure, in the database's `failure_windows`); a
//! request that does not fail reads memory only. After every answer from the database the
//! instance raises its own view ([`FailureThrottle`]) to the shared count, so
//! [`SharedThrottle::check`], on the verifier's hot path, refuses on this instance as soon
//! as it has seen the shared window full. When the database can't be asked, the instance
//! goes on with its own count: a throttle never fails a request, and while the change
//! feed finds the database away it is not even asked, so no answer waits for it.

use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, DurationRound, Utc};
use hmac::Mac;

use super::FailureThrottle;
use crate::server_key::ServerKey;
use crate::store::{SharedWindow, Store, StoreResult};
use crate::tokens::cache::{TokenCache, Trust};

/// What is counted, one shared window per kind and subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThrottleKind {
    /// Invalid tokens per client address (the verifier).
    BadTokenAddress,
    /// Failed sign-ins per account.
    SignInAccount,
    /// Failed sign-ins per client address.
    SignInAddress,
    /// Leak reports per client address.
    LeakReportAddress,
}

impl ThrottleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadTokenAddress => "bad-token-address",
            Self::SignInAccount => "sign-in-account",
            Self::SignInAddress => "sign-in-address",
            Self::LeakReportAddress => "leak-report-address",
        }
    }
}

/// A throttle's key as the database knows it: bytes that are hashed, with the server key,
/// before they are stored, so the table never holds an address or an account in clear
/// (and a plain hash of an IPv4 address would be undone in seconds).
pub trait Subject {
    fn subject_bytes(&self) -> Vec<u8>;
}

impl Subject for IpAddr {
    fn subject_bytes(&self) -> Vec<u8> {
        // `::ffff:192.0.2.1` and `192.0.2.1` are one client, so one window.
        match self.to_canonical() {
            IpAddr::V4(v4) => v4.octets().to_vec(),
            IpAddr::V6(v6) => v6.octets().to_vec(),
        }
    }
}

impl Subject for [u8; 32] {
    fn subject_bytes(&self) -> Vec<u8> {
        self.to_vec()
    }
}

/// Where the shared windows live: the store, and the key their subjects are hashed with
/// (the same on every instance, as it must be for tokens).
#[derive(Clone)]
pub struct FailureWindows {
    store: Store,
    key: Arc<ServerKey>,
    /// Whose change feed says when the database is away (Postgres).
    feed: Option<TokenCache>,
}

impl FailureWindows {
    pub fn new(store: Store, key: Arc<ServerKey>) -> Self {
        Self {
            store,
            key,
            feed: None,
        }
    }

    /// Leaves the database alone while `cache`'s change feed finds it away: asking would
    /// only make a failed sign-in or a typo'd token wait for the pool's acquire timeout.
    pub fn watching(self, cache: TokenCache) -> Self {
        Self {
            feed: Some(cache),
            ..self
        }
    }

    fn database_away(&self) -> bool {
        self.feed.as_ref().is_some_and(|cache| {
            matches!(
                cache.trust(),
                Trust::Unconfirmed {
                    database_away: true,
                    ..
                }
            )
        })
    }

    fn subject(&self, key: &impl Subject) -> Vec<u8> {
        hashed_subject(&self.key, key)
    }
}

/// HMAC-SHA256(server key, `key`'s bytes): what the database stores for `key`.
fn hashed_subject(server_key: &ServerKey, key: &impl Subject) -> Vec<u8> {
    let mut mac = server_key.mac();
    // Apart from token hashes, which are keyed with the same key.
    mac.update(b"failure-window\0");
    mac.update(&key.subject_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// One reserved failure: what [`SharedThrottle::forgive`] takes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reservation {
    failures_left: u32,
    /// The shared window it was counted in (`None`: counted by this instance alone, the
    /// database being away, or not counted at all, the throttle being off). A forgiveness
    /// only ever takes it back from that window: a new one owes nothing.
    shared_window: Option<DateTime<Utc>>,
}

impl Reservation {
    /// Failures left should this one fail too (`u32::MAX` when unthrottled).
    pub fn failures_left(&self) -> u32 {
        self.failures_left
    }
}

/// A [`FailureThrottle`] whose counts are shared by every instance on the database.
#[derive(Clone)]
pub struct SharedThrottle<K = IpAddr> {
    kind: ThrottleKind,
    local: FailureThrottle<K>,
    /// `None`: this instance counts alone (core tests that build a service by hand).
    shared: Option<FailureWindows>,
}

impl<K> SharedThrottle<K>
where
    K: Subject + Hash + Eq + Clone + Send + Sync + 'static,
{
    /// Counts in this instance's memory only, until [`shared_through`](Self::shared_through).
    /// `limit` 0 turns throttling off.
    pub fn new(kind: ThrottleKind, limit: u32, window: Duration) -> Self {
        Self {
            kind,
            local: FailureThrottle::new(limit, window),
            shared: None,
        }
    }

    /// Shares the counts with every instance on `windows`' database.
    pub fn shared_through(self, windows: FailureWindows) -> Self {
        Self {
            shared: Some(windows),
            ..self
        }
    }

    fn is_off(&self) -> bool {
        self.local.limit() == 0
    }

    /// The shared windows, unless there are none or the database is known to be away.
    fn windows(&self) -> Option<&FailureWindows> {
        self.shared
            .as_ref()
            .filter(|windows| !windows.database_away())
    }

    /// `Err(retry_after)` when `key` has used up its failures, as far as this instance has
    /// seen: memory only, for the hot path.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        self.local.check(key)
    }

    /// Counts a failure here and in the shared window, and raises this instance's view
    /// to the shared count.
    pub async fn record_failure(&self, key: K) {
        if self.is_off() {
            return;
        }
        self.local.record_failure(key.clone());
        let Some(windows) = self.windows() else {
            return;
        };
        let now = now();
        let subject = windows.subject(&key);
        match windows
            .store
            .count_failure(self.kind.as_str(), &subject, now, self.window())
            .await
        {
            Ok(shared) => self.observe(key, &shared, now),
            Err(error) => self.went_alone("count a failure", &error),
        }
    }

    /// Counts an attempt as a failure *before* it is tried, if `key` has one left across
    /// the instances (see [`FailureThrottle::reserve`]): racing attempts on any instances
    /// get the limit and no more. `Err(retry_after)`, with nothing counted, if none is left.
    pub async fn reserve(&self, key: K) -> Result<Reservation, Duration> {
        if self.is_off() {
            return Ok(Reservation {
                failures_left: u32::MAX,
                shared_window: None,
            });
        }
        if let Some(windows) = self.windows() {
            let now = now();
            let subject = windows.subject(&key);
            let limit = self.local.limit();
            match windows
                .store
                .reserve_failure(self.kind.as_str(), &subject, limit, now, self.window())
                .await
            {
                Ok(Ok(shared)) => {
                    self.observe(key, &shared, now);
                    return Ok(Reservation {
                        failures_left: limit.saturating_sub(shared.failures),
                        shared_window: Some(shared.closes_at),
                    });
                }
                Ok(Err(reopens_at)) => {
                    let full = SharedWindow {
                        failures: limit,
                        closes_at: reopens_at,
                    };
                    self.observe(key, &full, now);
                    return Err(retry_after(reopens_at, now));
                }
                Err(error) => self.went_alone("reserve a failure", &error),
            }
        }
        self.local.reserve(key).map(|failures_left| Reservation {
            failures_left,
            shared_window: None,
        })
    }

    /// Takes back one [`reserve`](Self::reserve)d failure, where it was counted.
    pub async fn forgive(&self, key: &K, reservation: Reservation) {
        if self.is_off() {
            return;
        }
        self.local.forgive(key);
        let (Some(windows), Some(closes_at)) = (self.windows(), reservation.shared_window) else {
            return;
        };
        let subject = windows.subject(key);
        if let Err(error) = windows
            .store
            .forgive_failure(self.kind.as_str(), &subject, closes_at)
            .await
        {
            // The failure stays counted: stricter, never looser.
            self.went_alone("take back a failure", &error);
        }
    }

    /// Forgets `key`'s failures on this instance and in the shared window.
    pub async fn lift(&self, key: &K) -> StoreResult<()> {
        self.local.lift(key);
        if let Some(windows) = &self.shared {
            let subject = windows.subject(key);
            windows
                .store
                .delete_failure_window(self.kind.as_str(), &subject)
                .await?;
        }
        Ok(())
    }

    fn window(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.local.window()).unwrap_or(chrono::Duration::MAX)
    }

    fn observe(&self, key: K, shared: &SharedWindow, now: DateTime<Utc>) {
        let closes_in = (shared.closes_at - now).to_std().unwrap_or_default();
        self.local.observe(key, shared.failures, closes_in);
    }

    fn went_alone(&self, what: &str, error: &crate::store::StoreError) {
        tracing::warn!(
            %error,
            throttle = self.kind.as_str(),
            "could not {what} in the shared window; counting on this instance alone"
        );
    }
}

/// Now, to the microsecond both databases keep, so a window's `closes_at` reads back as
/// it was written and a forgiveness finds its window.
fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(chrono::Duration::microseconds(1))
        .unwrap_or(now)
}

/// How long until a full window reopens. Rounded up, and at least a second: "retry after 0
/// seconds" would invite an immediate retry.
fn retry_after(reopens_at: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    let left = (reopens_at - now).to_std().unwrap_or_default();
    Duration::from_secs(left.as_secs() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_one_subject_however_the_socket_spelled_it() {
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(v4.subject_bytes(), mapped.subject_bytes());
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(v6.subject_bytes().len(), 16);
    }

    #[test]
    fn subjects_are_keyed_hashes_never_the_address() {
        let hash = |byte, ip: &str| {
            let ip: IpAddr = ip.parse().unwrap();
            hashed_subject(&ServerKey::from_bytes([byte; 32]), &ip)
        };
        let subject = hash(1, "192.0.2.1");
        assert_eq!(subject.len(), 32);
        assert_eq!(subject, hash(1, "192.0.2.1"), "the same on every instance");
        assert_ne!(subject, hash(2, "192.0.2.1"), "keyed");
        assert_ne!(subject, hash(1, "192.0.2.2"));
        assert!(!subject.windows(4).any(|w| w == [192, 0, 2, 1]));
    }

    #[test]
    fn a_refusal_waits_at_least_a_second_rounded_up() {
        let now = now();
        assert_eq!(retry_after(now, now), Duration::from_secs(1));
        assert_eq!(
            retry_after(now - chrono::Duration::seconds(5), now),
            Duration::from_secs(1)
        );
        assert_eq!(
            retry_after(now + chrono::Duration::milliseconds(59_500), now),
            Duration::from_secs(60)
        );
    }

    #[tokio::test]
    async fn without_a_database_it_counts_like_the_local_throttle() {
        let throttle = SharedThrottle::new(ThrottleKind::SignInAccount, 2, Duration::from_secs(60));
        let key = [7u8; 32];
        let first = throttle.reserve(key).await.unwrap();
        assert_eq!(first.failures_left(), 1);
        throttle.forgive(&key, first).await;
        throttle.reserve(key).await.unwrap();
        throttle.reserve(key).await.unwrap();
        assert!(throttle.reserve(key).await.is_err());
        assert!(throttle.check(&key).is_err());
        throttle.lift(&key).await.unwrap();
        assert!(throttle.check(&key).is_ok());
    }

    #[tokio::test]
    async fn a_zero_limit_never_refuses_nor_counts() {
        let throttle =
            SharedThrottle::new(ThrottleKind::BadTokenAddress, 0, Duration::from_secs(60));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..10 {
            throttle.record_failure(ip).await;
            assert_eq!(
                throttle.reserve(ip).await.unwrap().failures_left(),
                u32::MAX
            );
        }
        assert!(throttle.check(&ip).is_ok());
    }
}
