//! Documents by resource and id, in memory, so `GET /api/{resource}/{id}` usually never
//! reaches the database (the read, and parsing the stored JSON, were most of that answer's
//! cost: docs/PERFORMANCE.md).
//!
//! Only where this process is the only writer: on SQLite (one instance owns the file, and
//! every document write goes through [`super::Content`]). On Postgres another instance may
//! replace a document at any time and nothing here would hear of it, so there is no cache.
//!
//! Correctness rule, as for the token cache: once [`DocumentCache::forget`] returns, no read
//! answers from the entry it removed, and no read that reached the database *before* the
//! write can put the old document back. A miss notes the generation before its read and
//! drops what it stored if a write happened meanwhile.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::store::{Document, StoreResult};

/// How many documents stay cached at most; the least used go first. A document is at most
/// 64 KiB of JSON, most are far smaller.
const CAPACITY: u64 = 10_000;
/// A safety net only: nothing else writes the file while the server runs.
const TIME_TO_LIVE: Duration = Duration::from_secs(300);

type Key = (Arc<str>, i64);

#[derive(Clone)]
pub struct DocumentCache {
    entries: moka::sync::Cache<Key, Arc<Document>>,
    generation: Arc<AtomicU64>,
}

impl Default for DocumentCache {
    fn default() -> Self {
        Self {
            entries: moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(TIME_TO_LIVE)
                .build(),
            generation: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl DocumentCache {
    /// The cached document, or what `read` finds (kept unless a write came in between).
    /// A missing document is not kept: the next read asks again.
    pub async fn read_through<F>(
        &self,
        resource: &str,
        id: i64,
        read: F,
    ) -> StoreResult<Option<Arc<Document>>>
    where
        F: Future<Output = StoreResult<Option<Document>>>,
    {
        let key: Key = (Arc::from(resource), id);
        if let Some(hit) = self.entries.get(&key) {
            return Ok(Some(hit));
        }
        let before = self.generation.load(Ordering::SeqCst);
        let Some(document) = read.await? else {
            return Ok(None);
        };
        let document = Arc::new(document);
        self.entries.insert(key.clone(), document.clone());
        // Inserted first, checked after: a write that bumped the generation before this
        // check is seen here, and one that bumps it later removes the entry itself.
        if self.generation.load(Ordering::SeqCst) != before {
            self.entries.invalidate(&key);
        }
        Ok(Some(document))
    }

    /// Drops the document after a write to it has been committed.
    pub fn forget(&self, resource: &str, id: i64) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.invalidate(&(Arc::from(resource), id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn document(title: &str) -> Document {
        let serde_json::Value::Object(fields) = serde_json::json!({ "title": title }) else {
            unreachable!()
        };
        Document {
            id: 1,
            created_at: Utc::now(),
            updated_at: None,
            fields,
        }
    }

    #[tokio::test]
    async fn a_second_read_is_answered_from_memory_until_a_write_forgets_it() {
        let cache = DocumentCache::default();
        let first = cache
            .read_through("articles", 1, async { Ok(Some(document("old"))) })
            .await
            .unwrap();
        assert_eq!(first.unwrap().fields["title"], "old");
        let again = cache
            .read_through("articles", 1, async { panic!("read the database again") })
            .await
            .unwrap();
        assert_eq!(again.unwrap().fields["title"], "old");

        cache.forget("articles", 1);
        let fresh = cache
            .read_through("articles", 1, async { Ok(Some(document("new"))) })
            .await
            .unwrap();
        assert_eq!(fresh.unwrap().fields["title"], "new");
        // The same id of another resource is another document.
        let other = cache
            .read_through("authors", 1, async { Ok(None) })
            .await
            .unwrap();
        assert!(other.is_none());
    }

    #[tokio::test]
    async fn a_read_that_overlapped_a_write_does_not_keep_the_old_document() {
        let cache = DocumentCache::default();
        let (started, reading) = tokio::sync::oneshot::channel::<()>();
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let slow = {
            let cache = cache.clone();
            tokio::spawn(async move {
                cache
                    .read_through("articles", 1, async move {
                        started.send(()).unwrap();
                        wait.await.unwrap();
                        Ok(Some(document("read before the write")))
                    })
                    .await
            })
        };
        reading.await.unwrap();
        cache.forget("articles", 1); // the write commits while the read is out
        release.send(()).unwrap();
        let answered = slow.await.unwrap().unwrap().unwrap();
        assert_eq!(answered.fields["title"], "read before the write");

        let next = cache
            .read_through("articles", 1, async {
                Ok(Some(document("after the write")))
            })
            .await
            .unwrap();
        assert_eq!(next.unwrap().fields["title"], "after the write");
    }

    #[tokio::test]
    async fn a_missing_document_is_asked_for_again() {
        let cache = DocumentCache::default();
        assert!(
            cache
                .read_through("articles", 9, async { Ok(None) })
                .await
                .unwrap()
                .is_none()
        );
        let found = cache
            .read_through("articles", 9, async { Ok(Some(document("created"))) })
            .await
            .unwrap();
        assert!(found.is_some());
    }
}
