//! Working tokens by hash, in memory, so a verification usually never reaches the database.
//!
//! Correctness rule: once [`TokenCache::invalidate`] returns, no lookup answers from the
//! entry it removed, and no lookup that read the database *before* the change can put
//! the old row back. The second half is what the generation counter is for: a miss notes
//! the generation before its read and only keeps its result if no invalidation happened
//! while it was reading.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::store::TokenAuthRecord;
use crate::token::TokenHash;

/// How many tokens stay cached at most; the least used are dropped first.
pub const DEFAULT_CAPACITY: u64 = 100_000;
/// An entry is re-read after this long even if nobody said it changed: a safety net for a
/// cross-instance notification that never arrived.
pub const DEFAULT_TIME_TO_LIVE: Duration = Duration::from_secs(300);

#[derive(Clone)]
pub struct TokenCache {
    entries: moka::sync::Cache<String, Arc<TokenAuthRecord>>,
    generation: Arc<AtomicU64>,
}

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
        }
    }

    pub fn get(&self, hash: &TokenHash) -> Option<Arc<TokenAuthRecord>> {
        self.entries.get(hash.as_str())
    }

    /// Read before a database lookup, and hand back to [`TokenCache::insert_if_unchanged`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Keeps a row read from the database, unless an invalidation ran since `seen` (then the
    /// row may be stale and is dropped; the next request reads again).
    pub fn insert_if_unchanged(&self, hash: &TokenHash, record: Arc<TokenAuthRecord>, seen: u64) {
        if self.generation() != seen {
            return;
        }
        self.entries.insert(hash.as_str().to_owned(), record);
        // An invalidation between the check above and the insert would have removed
        // nothing; take the entry back out ourselves.
        if self.generation() != seen {
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
    use crate::key::ServerKey;
    use crate::model::TokenType;
    use crate::token::PlainToken;

    fn record(id: i64) -> Arc<TokenAuthRecord> {
        Arc::new(TokenAuthRecord {
            id,
            name: format!("token {id}"),
            token_type: TokenType::ReadOnly,
            permissions: Vec::new(),
            expires_at: None,
        })
    }

    fn hash() -> TokenHash {
        PlainToken::generate().hash(&ServerKey::from_bytes([3; 32]))
    }

    #[test]
    fn a_kept_row_is_found_until_invalidated() {
        let cache = TokenCache::default();
        let h = hash();
        cache.insert_if_unchanged(&h, record(1), cache.generation());
        assert_eq!(cache.get(&h).map(|r| r.id), Some(1));
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
