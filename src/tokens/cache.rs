//! Working tokens by hash, in memory, so a verification usually never reaches the database.
//!
//! Correctness rule: once [`TokenCache::invalidate`] returns, no lookup answers from the
//! entry it removed, and no lookup that read the database *before* the change can put
//! the old row back. The second half is what the generation counter is for: a miss notes
//! the generation before its read and only keeps its result if no invalidation happened
//! while it was reading.
//!
//! On Postgres other instances change tokens too, and the entries are only as good as the
//! change feed ([`crate::tokens::change_feed`]) that reports those changes. So the cache also knows its
//! [`Trust`]: entries are answered from, and new ones kept, only while the feed is
//! listening and has caught up. Every change of trust bumps the generation, so a lookup
//! that read the database before the feed was lost or regained never keeps its row.

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::tokens::format::TokenHash;
use crate::tokens::verifier::CachedToken;

/// How many tokens stay cached at most; the least used are dropped first.
pub const DEFAULT_CAPACITY: u64 = 100_000;
/// An entry is re-read after this long even if nobody said it changed: a safety net for a
/// cross-instance notification that never arrived.
pub const DEFAULT_TIME_TO_LIVE: Duration = Duration::from_secs(300);

/// Per-token state this instance keeps beside the cache (rate limiters, quota slots), by
/// token id: as many tokens as the cache holds, each dropped after `idle` unused.
pub fn per_token<V: Clone + Send + Sync + 'static>(idle: Duration) -> moka::sync::Cache<i64, V> {
    moka::sync::Cache::builder()
        .max_capacity(DEFAULT_CAPACITY)
        .time_to_idle(idle)
        .build()
}

#[derive(Clone)]
pub struct TokenCache {
    entries: moka::sync::Cache<String, Arc<CachedToken>>,
    generation: Arc<AtomicU64>,
    /// One of the `TRUST_*` values; the hot path reads only this.
    trust: Arc<AtomicU8>,
    /// When the entries were last known current (meaningful while not `TRUST_CURRENT`).
    unconfirmed_since: Arc<Mutex<Instant>>,
}

/// Whether the entries can be believed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Nothing changed a token without this cache hearing of it: SQLite (every change goes
    /// through this process), or Postgres with the change feed listening and caught up.
    Current,
    /// The feed is not listening (lost, reconnecting, catching up, or never started):
    /// the entries were current at `since` at best. `database_away`: the feed cannot
    /// reach the database either, so asking it would only wait.
    Unconfirmed { since: Instant, database_away: bool },
}

const TRUST_CURRENT: u8 = 0;
const TRUST_UNCONFIRMED: u8 = 1;
const TRUST_DATABASE_AWAY: u8 = 2;

impl Default for TokenCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY, DEFAULT_TIME_TO_LIVE)
    }
}

impl TokenCache {
    pub fn new(capacity: u64, time_to_live: Duration) -> Self {
        Self {
            entries: moka::sync::Cache::builder()
                .max_capacity(capacity)
                .time_to_live(time_to_live)
                .build(),
            generation: Arc::new(AtomicU64::new(0)),
            trust: Arc::new(AtomicU8::new(TRUST_CURRENT)),
            unconfirmed_since: Arc::new(Mutex::new(Instant::now())),
        }
    }

    /// A cache that trusts nothing until a change feed confirms it (Postgres).
    pub fn unconfirmed() -> Self {
        let cache = Self::default();
        cache.trust.store(TRUST_UNCONFIRMED, Ordering::SeqCst);
        cache
    }

    fn is_current(&self) -> bool {
        self.trust.load(Ordering::SeqCst) == TRUST_CURRENT
    }

    pub fn trust(&self) -> Trust {
        let database_away = match self.trust.load(Ordering::SeqCst) {
            TRUST_CURRENT => return Trust::Current,
            TRUST_DATABASE_AWAY => true,
            _ => false,
        };
        Trust::Unconfirmed {
            since: *self.unconfirmed_since.lock().expect("never poisoned"),
            database_away,
        }
    }

    /// The feed stopped listening: from now on nothing is kept, and no lookup that read
    /// the database before this keeps its row. `database_away`: it lost the database too.
    pub fn lose_feed(&self, database_away: bool) {
        *self.unconfirmed_since.lock().expect("never poisoned") = Instant::now();
        // Trust first, then the generation: a lookup that saw the new generation also
        // sees the lost trust, and one that saw the old generation fails its check.
        self.trust.store(
            if database_away {
                TRUST_DATABASE_AWAY
            } else {
                TRUST_UNCONFIRMED
            },
            Ordering::SeqCst,
        );
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// While unconfirmed: whether the feed can reach the database at the moment.
    pub fn set_database_away(&self, away: bool) {
        let (from, to) = if away {
            (TRUST_UNCONFIRMED, TRUST_DATABASE_AWAY)
        } else {
            (TRUST_DATABASE_AWAY, TRUST_UNCONFIRMED)
        };
        let _ = self
            .trust
            .compare_exchange(from, to, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// The feed listens again and has dropped everything it may have missed: the
    /// entries are current again.
    pub fn confirm(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.trust.store(TRUST_CURRENT, Ordering::SeqCst);
    }

    pub fn get(&self, hash: &TokenHash) -> Option<Arc<CachedToken>> {
        self.entries.get(hash.as_str())
    }

    /// Read before a database lookup, and hand back to [`TokenCache::insert_if_unchanged`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Keeps a row read from the database, unless an invalidation or a change of trust ran
    /// since `seen`, or the entries are not current (then the row may be stale and is
    /// dropped; the next request reads again).
    pub fn insert_if_unchanged(&self, hash: &TokenHash, record: Arc<CachedToken>, seen: u64) {
        if self.generation() != seen || !self.is_current() {
            return;
        }
        self.entries.insert(hash.as_str().to_owned(), record);
        // An invalidation between the check above and the insert would have removed
        // nothing; take the entry back out ourselves.
        if self.generation() != seen || !self.is_current() {
            self.entries.invalidate(hash.as_str());
        }
    }

    /// Forgets one token (by the hash it was stored under). Call after the database write.
    pub fn invalidate(&self, hash: &str) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.invalidate(hash);
    }

    /// Forgets everything: when change notifications may have been missed.
    pub fn invalidate_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.invalidate_all();
    }

    /// Entries currently held, once moka has applied pending writes.
    #[cfg(test)]
    fn len(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.entry_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TokenType;
    use crate::server_key::ServerKey;
    use crate::tokens::format::PlainToken;

    fn record(id: i64) -> Arc<CachedToken> {
        Arc::new(CachedToken::bare(crate::store::TokenAuthRecord {
            id,
            name: format!("token {id}"),
            token_type: TokenType::ReadOnly,
            permissions: Vec::new(),
            expires_at: None,
            restrictions: Default::default(),
            networks: Vec::new(),
            metadata: Default::default(),
            suspended: false,
            quota_epoch: 0,
            previous_until: None,
        }))
    }

    fn hash() -> TokenHash {
        PlainToken::generate().hash(&ServerKey::from_bytes([3; 32]))
    }

    #[test]
    fn a_kept_row_is_found_until_invalidated() {
        let cache = TokenCache::default();
        let h = hash();
        cache.insert_if_unchanged(&h, record(1), cache.generation());
        assert_eq!(cache.get(&h).map(|r| r.record.id), Some(1));
        cache.invalidate(h.as_str());
        assert!(cache.get(&h).is_none());
    }

    #[test]
    fn a_read_that_raced_an_invalidation_is_not_kept() {
        let cache = TokenCache::default();
        let h = hash();
        let seen = cache.generation();
        // A revoke lands while the lookup is still reading the old row.
        cache.invalidate(h.as_str());
        cache.insert_if_unchanged(&h, record(1), seen);
        assert!(cache.get(&h).is_none());
    }

    #[test]
    fn nothing_is_kept_while_unconfirmed_nor_by_a_read_from_before() {
        let cache = TokenCache::unconfirmed();
        let h = hash();
        cache.insert_if_unchanged(&h, record(1), cache.generation());
        assert!(cache.get(&h).is_none(), "no feed yet");

        cache.confirm();
        let before_the_loss = cache.generation();
        cache.lose_feed(true);
        assert!(matches!(
            cache.trust(),
            Trust::Unconfirmed {
                database_away: true,
                ..
            }
        ));
        cache.confirm();
        // The lookup read the database before the feed was lost and found again.
        cache.insert_if_unchanged(&h, record(1), before_the_loss);
        assert!(cache.get(&h).is_none());
        cache.insert_if_unchanged(&h, record(1), cache.generation());
        assert_eq!(cache.get(&h).map(|r| r.record.id), Some(1));
    }

    #[test]
    fn invalidate_all_forgets_every_token() {
        let cache = TokenCache::default();
        let (a, b) = (hash(), hash());
        cache.insert_if_unchanged(&a, record(1), cache.generation());
        cache.insert_if_unchanged(&b, record(2), cache.generation());
        assert_eq!(cache.len(), 2);
        cache.invalidate_all();
        assert!(cache.get(&a).is_none() && cache.get(&b).is_none());
    }
}
