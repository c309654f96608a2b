//! The sealed no-JS handoffs (`crate::form_handoffs`): one row per session and page.

use chrono::{DateTime, Utc};

use super::{Store, StoreResult, on_pool};

const PUT: &str = "INSERT INTO form_handoffs (session_hash, page, sealed, expires_at) \
     VALUES ($1, $2, $3, $4) \
     ON CONFLICT (session_hash, page) DO UPDATE \
     SET sealed = excluded.sealed, expires_at = excluded.expires_at";
const TAKE: &str = "DELETE FROM form_handoffs WHERE session_hash = $1 AND page = $2 \
     RETURNING sealed, expires_at";
const PURGE: &str = "DELETE FROM form_handoffs WHERE expires_at <= $1";

impl Store {
    pub async fn put_form_handoff(
        &self,
        session_hash: &str,
        page: &str,
        sealed: &[u8],
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(self, |pool| sqlx::query(PUT)
            .bind(session_hash)
            .bind(page)
            .bind(sealed)
            .bind(expires_at)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Deletes the row and returns what it held: a second read finds nothing.
    pub async fn take_form_handoff(
        &self,
        session_hash: &str,
        page: &str,
    ) -> StoreResult<Option<(Vec<u8>, DateTime<Utc>)>> {
        Ok(on_pool!(self, |pool| sqlx::query_as(TAKE)
            .bind(session_hash)
            .bind(page)
            .fetch_optional(pool)
            .await?))
    }

    pub async fn purge_form_handoffs(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        Ok(on_pool!(self, |pool| sqlx::query(PURGE)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()))
    }
}
