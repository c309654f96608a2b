//! Argon2, bounded. Each hash takes ~19 MiB and tens of milliseconds on purpose; run
//! unbounded, a burst of sign-ins is a burst of gigabytes. So hashes run on the blocking
//! pool, at most one per core at a time, and a request that can't get a slot soon is
//! answered "busy, retry shortly" instead of queueing without end.

use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng as PasswordRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use tokio::sync::Semaphore;

use crate::error::ServiceError;

/// How long a request waits for a hashing slot before it is told to retry.
pub const SLOT_WAIT: Duration = Duration::from_secs(2);
/// What `Retry-After` says when no slot came free in time.
const RETRY_AFTER: Duration = Duration::from_secs(2);

/// Verified against when an email is unknown, so a wrong email costs as much time as a
/// wrong password and response times don't reveal which accounts exist.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not a real password, only for timing"));

/// The slots every password hash and check of one instance shares. Cheap to clone.
#[derive(Clone)]
pub struct PasswordHashing {
    slots: Arc<Semaphore>,
    slot_count: usize,
    wait: Duration,
    in_flight: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl Default for PasswordHashing {
    /// One slot per core: more would only queue inside the CPU, and cost memory.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(cores, SLOT_WAIT)
    }
}

impl PasswordHashing {
    pub fn new(slots: usize, wait: Duration) -> Self {
        let slot_count = slots.max(1);
        Self {
            slots: Arc::new(Semaphore::new(slot_count)),
            slot_count,
            wait,
            in_flight: Arc::default(),
            peak: Arc::default(),
        }
    }

    /// How many hashes may run at once.
    pub fn slots(&self) -> usize {
        self.slot_count
    }

    /// The most hashes that ever ran at once (for tests and capacity planning).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// A new Argon2id hash of `password`, with its own salt.
    pub async fn hash(&self, password: &str) -> Result<String, ServiceError> {
        let password = password.to_owned();
        self.run(move || hash_password(&password)).await
    }

    /// Whether `password` matches `stored_hash`; `None` checks against a dummy hash, so an
    /// unknown account takes as long as a known one.
    pub async fn verify(
        &self,
        password: &str,
        stored_hash: Option<String>,
    ) -> Result<bool, ServiceError> {
        let password = password.to_owned();
        self.run(move || {
            let stored = stored_hash.as_deref().unwrap_or(&DUMMY_HASH);
            verify_password(&password, stored) && stored_hash.is_some()
        })
        .await
    }

    /// Runs `work` on the blocking pool once a slot is free, or answers `Busy`.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ServiceError> {
        let permit = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| ServiceError::Busy(RETRY_AFTER))?
            .expect("the hashing semaphore is never closed");
        let (in_flight, peak) = (self.in_flight.clone(), self.peak.clone());
        // The permit moves into the blocking task: a request given up on (the client went
        // away) still holds its slot until its hash is done, so the bound always holds.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            let result = work();
            in_flight.fetch_sub(1, Ordering::SeqCst);
            result
        })
        .await
        .map_err(|_| ServiceError::Busy(RETRY_AFTER))
    }
}

fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut PasswordRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 accepts any password with a generated salt")
        .to_string()
}

fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_are_argon2id_salted_and_verifiable() {
        let a = hash_password("correct horse battery staple");
        let b = hash_password("correct horse battery staple");
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify_password("correct horse battery staple", &a));
        assert!(!verify_password("correct horse battery stapler", &a));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[tokio::test]
    async fn the_dummy_hash_never_matches() {
        let hashing = PasswordHashing::default();
        let dummy = "not a real password, only for timing";
        assert!(!hashing.verify(dummy, None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_run_at_once_than_there_are_slots() {
        let hashing = PasswordHashing::new(2, Duration::from_secs(60));
        let mut runs = tokio::task::JoinSet::new();
        for i in 0..12 {
            let hashing = hashing.clone();
            runs.spawn(async move { hashing.hash(&format!("password {i}")).await });
        }
        while let Some(run) = runs.join_next().await {
            run.unwrap().unwrap();
        }
        assert!(
            hashing.peak() >= 1 && hashing.peak() <= 2,
            "{}",
            hashing.peak()
        );
    }

    #[tokio::test]
    async fn a_request_that_waits_too_long_for_a_slot_is_told_to_retry() {
        let hashing = PasswordHashing::new(1, Duration::from_millis(20));
        // Hold the only slot, as a long-running hash would.
        let held = hashing.slots.clone().acquire_owned().await.unwrap();
        let refused = hashing.hash("anything").await.unwrap_err();
        assert!(
            matches!(refused, ServiceError::Busy(retry) if retry.as_secs() >= 1),
            "{refused}"
        );
        drop(held);
        assert!(hashing.verify("anything", None).await.is_ok());
    }
}
