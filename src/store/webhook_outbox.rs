//! The webhook outbox: deliveries queued in the transaction of the change that caused
//! them, claimed by the delivery worker of whichever instance asks first (a lease, taken
//! with `FOR UPDATE SKIP LOCKED` on Postgres; SQLite has one writer), and their outcomes.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreResult, on_pool};
use crate::model::DeliveryState;
use crate::webhooks::OutboxEvent;

/// One row per enabled endpoint subscribed to the event (possibly none).
pub(super) const ENQUEUE: &str = "INSERT INTO webhook_deliveries \
     (endpoint_id, message_id, event, token_id, payload, created_at, queued_at, next_attempt_at) \
     SELECT id, $1, $2, $3, $4, $5, $5, $5 FROM webhook_endpoints \
     WHERE enabled = TRUE AND events LIKE $6";

/// [`ENQUEUE`] with an [`OutboxEvent`] bound, to run in the change's transaction.
macro_rules! enqueue_query {
    ($event:expr) => {{
        let event: &$crate::webhooks::OutboxEvent = $event;
        sqlx::query($crate::store::webhook_outbox::ENQUEUE)
            .bind(&event.message_id)
            .bind(event.event.as_str())
            .bind(event.token_id)
            .bind(&event.payload)
            .bind(event.at)
            .bind(event.subscribers_pattern())
    }};
}
pub(crate) use enqueue_query;

/// Due, not leased, and the oldest pending one for its token at its endpoint (so one
/// token's events arrive in order: a later one waits while an earlier one retries).
/// Pending deliveries to a disabled endpoint wait for it to be enabled again.
const DUE: &str = "SELECT d.id FROM webhook_deliveries d \
     JOIN webhook_endpoints e ON e.id = d.endpoint_id \
     WHERE d.state = 'pending' AND d.next_attempt_at <= $1 \
       AND (d.lease_until IS NULL OR d.lease_until <= $1) AND e.enabled = TRUE \
       AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p \
           WHERE p.endpoint_id = d.endpoint_id AND p.token_id = d.token_id \
             AND p.state = 'pending' AND p.id < d.id) \
     ORDER BY d.id LIMIT $3";

const CLAIM_RETURNING: &str =
    " RETURNING id, endpoint_id, message_id, event, payload, attempts, queued_at";

/// A delivery this worker holds until its lease ends.
#[derive(Debug, Clone, FromRow)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub message_id: String,
    pub event: String,
    pub payload: String,
    /// Including the one about to be made.
    pub attempts: i64,
    pub queued_at: DateTime<Utc>,
}

/// What one attempt came to.
#[derive(Debug, Clone)]
pub struct AttemptRecord<'a> {
    pub at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub response_excerpt: Option<&'a str>,
    pub error: Option<&'a str>,
    /// Where the delivery goes next: delivered, failed (given up), or pending again at
    /// the time given.
    pub state: DeliveryState,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Queues `event` for every subscribed endpoint outside any other change (the
    /// changes themselves queue through the audit log: `append_audit!`).
    pub async fn enqueue_webhook_event(&self, event: &OutboxEvent) -> StoreResult<u64> {
        Ok(on_pool!(self, |pool| enqueue_query!(event)
            .execute(pool)
            .await?
            .rows_affected()))
    }

    /// Takes up to `limit` due deliveries until `lease_until`, counting the attempt. Two
    /// workers (two instances) never hold the same delivery.
    pub async fn claim_webhook_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        let set = "UPDATE webhook_deliveries SET lease_until = $2, attempts = attempts + 1, \
                   last_attempt_at = $1 WHERE id IN";
        let claimed = match self {
            Store::Sqlite(pool) => {
                let sql = format!("{set} ({DUE}){CLAIM_RETURNING}");
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(now)
                    .bind(lease_until)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
            }
            Store::Postgres(pool) => {
                // Locks the chosen rows and skips those another instance is claiming; the
                // lease condition is checked again on the row it locks.
                let sql = format!("{set} ({DUE} FOR UPDATE OF d SKIP LOCKED){CLAIM_RETURNING}");
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(now)
                    .bind(lease_until)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
            }
        };
        Ok(claimed)
    }

    /// Where and with which secret a delivery goes: `(url, secret)`.
    pub async fn webhook_target(&self, endpoint_id: i64) -> StoreResult<Option<(String, String)>> {
        const SQL: &str = "SELECT url, secret FROM webhook_endpoints WHERE id = $1";
        Ok(on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(endpoint_id)
            .fetch_optional(pool)
            .await?))
    }

    /// Records an attempt's outcome and releases the lease. A success clears the
    /// endpoint's failing mark; giving up sets it. `true` when this made the endpoint
    /// newly failing (so the admins are told once, not for every event given up on).
    pub async fn record_webhook_attempt(
        &self,
        delivery_id: i64,
        record: &AttemptRecord<'_>,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE webhook_deliveries SET state = $2, status_code = $3, \
             response_excerpt = $4, error = $5, next_attempt_at = $6, lease_until = NULL, \
             last_attempt_at = $7 WHERE id = $1 RETURNING endpoint_id";
        const HEALED: &str = "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL";
        const FAILING: &str = "UPDATE webhook_endpoints SET failing_since = $2 WHERE id = $1 AND failing_since IS NULL";
        let newly_failing = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let endpoint: Option<(i64,)> = sqlx::query_as(SQL)
                .bind(delivery_id)
                .bind(record.state.as_str())
                .bind(record.status_code)
                .bind(record.response_excerpt)
                .bind(record.error)
                .bind(record.next_attempt_at)
                .bind(record.at)
                .fetch_optional(&mut *tx)
                .await?;
            let mut newly_failing = false;
            if let Some((endpoint,)) = endpoint {
                match record.state {
                    DeliveryState::Delivered => {
                        sqlx::query(HEALED).bind(endpoint).execute(&mut *tx).await?;
                    }
                    DeliveryState::Failed => {
                        newly_failing = sqlx::query(FAILING)
                            .bind(endpoint)
                            .bind(record.at)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected()
                            == 1;
                    }
                    DeliveryState::Pending => {}
                }
            }
            tx.commit().await?;
            newly_failing
        });
        Ok(newly_failing)
    }
}
