use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::store::{Store, StoreResult};

/// Remembers when each token was last used, in memory, so the hot path never writes to
/// the database. A background job calls [`UsageRecorder::flush`] every few seconds and at
/// shutdown.
#[derive(Clone, Default)]
pub struct UsageRecorder {
    pending: Arc<Mutex<HashMap<i64, DateTime<Utc>>>>,
}

impl UsageRecorder {
    pub fn record(&self, token_id: i64, at: DateTime<Utc>) {
        let mut pending = self.pending.lock().expect("usage lock is never poisoned");
        let latest = pending.entry(token_id).or_insert(at);
        if *latest < at {
            *latest = at;
        }
    }

    /// Writes everything recorded so far in one batch. On failure the batch is put back,
    /// so nothing is lost to a passing database error.
    pub async fn flush(&self, store: &Store) -> StoreResult<usize> {
        let batch: Vec<(i64, DateTime<Utc>)> = {
            let mut pending = self.pending.lock().expect("usage lock is never poisoned");
            pending.drain().collect()
        };
        if let Err(error) = store.record_last_used(&batch).await {
            for (id, at) in batch {
                self.record(id, at);
            }
            return Err(error);
        }
        Ok(batch.len())
    }

    pub fn pending(&self) -> usize {
        self.pending
            .lock()
            .expect("usage lock is never poisoned")
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_uses_collapse_to_the_latest_time() {
        let usage = UsageRecorder::default();
        let t0 = Utc::now();
        usage.record(1, t0);
        usage.record(1, t0 - chrono::Duration::seconds(5));
        usage.record(2, t0);
        assert_eq!(usage.pending(), 2);
        let pending = usage.pending.lock().unwrap();
        assert_eq!(pending[&1], t0);
    }
}
