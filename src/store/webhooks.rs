//! Settings > Webhooks' tables: endpoints (each change audited in its transaction) and
//! the recent deliveries an endpoint's page lists.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::audit::{INSERT_AUDIT_EVENT, append_audit, insert_audit_query, update_audited};
use super::{NewAuditEvent, Store, StoreError, StoreResult, on_pool};
use crate::model::{
    AuditTargetKind, DeliveryState, WebhookDeliveryView, WebhookEvent, WebhookView,
};
use crate::webhooks::OutboxEvent;

/// An endpoint's settings as the store writes them (validated by the service).
#[derive(Debug, Clone)]
pub struct WebhookRecord<'a> {
    pub url: &'a str,
    pub description: &'a str,
    pub events: &'a [WebhookEvent],
    pub enabled: bool,
}

impl WebhookRecord<'_> {
    fn events_json(&self) -> String {
        serde_json::to_string(self.events).expect("event names serialise")
    }
}

const ENDPOINT_COLUMNS: &str =
    "id, url, description, events, enabled, failing_since, created_at, updated_at";

#[derive(FromRow)]
struct EndpointRow {
    id: i64,
    url: String,
    description: String,
    events: String,
    enabled: bool,
    failing_since: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<EndpointRow> for WebhookView {
    type Error = StoreError;
    fn try_from(row: EndpointRow) -> StoreResult<Self> {
        let names: Vec<String> = serde_json::from_str(&row.events)
            .map_err(|e| StoreError::Corrupt(format!("webhook {} events: {e}", row.id)))?;
        // A name this version does not know (written by a newer one) is skipped, not fatal.
        let events = names
            .iter()
            .filter_map(|n| WebhookEvent::parse(n))
            .collect();
        Ok(WebhookView {
            created_at: row.created_at,
            description: row.description,
            enabled: row.enabled,
            events,
            failing_since: row.failing_since,
            id: row.id,
            updated_at: row.updated_at,
            url: row.url,
        })
    }
}

#[derive(FromRow)]
struct DeliveryRow {
    id: i64,
    message_id: String,
    event: String,
    created_at: DateTime<Utc>,
    state: String,
    attempts: i64,
    next_attempt_at: Option<DateTime<Utc>>,
    last_attempt_at: Option<DateTime<Utc>>,
    status_code: Option<i32>,
    response_excerpt: Option<String>,
    error: Option<String>,
}

impl TryFrom<DeliveryRow> for WebhookDeliveryView {
    type Error = StoreError;
    fn try_from(row: DeliveryRow) -> StoreResult<Self> {
        let state = DeliveryState::parse(&row.state)
            .ok_or_else(|| StoreError::Corrupt(format!("delivery state {}", row.state)))?;
        Ok(WebhookDeliveryView {
            attempts: row.attempts,
            created_at: row.created_at,
            error: row.error,
            event: row.event,
            id: row.id,
            last_attempt_at: row.last_attempt_at,
            message_id: row.message_id,
            next_attempt_at: (state == DeliveryState::Pending)
                .then_some(row.next_attempt_at)
                .flatten(),
            response_excerpt: row.response_excerpt,
            state,
            status_code: row.status_code,
        })
    }
}

impl Store {
    pub async fn webhooks(&self) -> StoreResult<Vec<WebhookView>> {
        let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY id");
        let rows: Vec<EndpointRow> =
            on_pool!(self, |pool| sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await?);
        rows.into_iter().map(WebhookView::try_from).collect()
    }

    pub async fn webhook(&self, id: i64) -> StoreResult<Option<WebhookView>> {
        let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1");
        let row: Option<EndpointRow> =
            on_pool!(self, |pool| sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?);
        row.map(WebhookView::try_from).transpose()
    }

    /// Inserts an endpoint with its secret, audited (the event learns the new id): its id.
    pub async fn insert_webhook(
        &self,
        record: &WebhookRecord<'_>,
        secret: &str,
        now: DateTime<Utc>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<i64> {
        const SQL: &str = "INSERT INTO webhook_endpoints \
             (url, description, events, enabled, secret, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id";
        let events = record.events_json();
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let (id,): (i64,) = sqlx::query_as(SQL)
                .bind(record.url)
                .bind(record.description)
                .bind(&events)
                .bind(record.enabled)
                .bind(secret)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            let created = audit.about(AuditTargetKind::Webhook, id, record.url);
            append_audit!(tx, &created);
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Replaces an endpoint's settings, audited: `false` when there is no such endpoint.
    pub async fn update_webhook(
        &self,
        id: i64,
        record: &WebhookRecord<'_>,
        now: DateTime<Utc>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE webhook_endpoints SET url = $2, description = $3, \
             events = $4, enabled = $5, updated_at = $6 WHERE id = $1";
        let events = record.events_json();
        Ok(on_pool!(self, |pool| update_audited!(
            pool,
            sqlx::query(SQL)
                .bind(id)
                .bind(record.url)
                .bind(record.description)
                .bind(&events)
                .bind(record.enabled)
                .bind(now),
            audit
        )))
    }

    /// Gives an endpoint a new secret, audited: `false` when there is no such endpoint.
    pub async fn set_webhook_secret(
        &self,
        id: i64,
        secret: &str,
        now: DateTime<Utc>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE webhook_endpoints SET secret = $2, updated_at = $3 WHERE id = $1";
        Ok(on_pool!(self, |pool| update_audited!(
            pool,
            sqlx::query(SQL).bind(id).bind(secret).bind(now),
            audit
        )))
    }

    /// Deletes an endpoint and its deliveries, audited: `false` when there is none.
    pub async fn delete_webhook(&self, id: i64, audit: &NewAuditEvent<'_>) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM webhook_endpoints WHERE id = $1";
        Ok(on_pool!(self, |pool| update_audited!(
            pool,
            sqlx::query(SQL).bind(id),
            audit
        )))
    }

    /// An endpoint's newest `limit` deliveries.
    pub async fn webhook_deliveries(
        &self,
        endpoint_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<WebhookDeliveryView>> {
        const SQL: &str = "SELECT id, message_id, event, created_at, state, attempts, \
             next_attempt_at, last_attempt_at, status_code, response_excerpt, error \
             FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2";
        let rows: Vec<DeliveryRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(endpoint_id)
            .bind(limit)
            .fetch_all(pool)
            .await?);
        rows.into_iter()
            .map(WebhookDeliveryView::try_from)
            .collect()
    }

    /// Which endpoint a delivery belongs to.
    pub async fn webhook_delivery_endpoint(&self, delivery_id: i64) -> StoreResult<Option<i64>> {
        const SQL: &str = "SELECT endpoint_id FROM webhook_deliveries WHERE id = $1";
        let row: Option<(i64,)> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(delivery_id)
            .fetch_optional(pool)
            .await?);
        Ok(row.map(|(id,)| id))
    }

    /// Queues `event` for one endpoint, whatever it subscribes to (a test event): the
    /// delivery's id.
    pub async fn enqueue_webhook_for(
        &self,
        endpoint_id: i64,
        event: &OutboxEvent,
    ) -> StoreResult<i64> {
        const SQL: &str = "INSERT INTO webhook_deliveries \
             (endpoint_id, message_id, event, token_id, payload, created_at, queued_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $6) RETURNING id";
        let (id,): (i64,) = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(endpoint_id)
            .bind(&event.message_id)
            .bind(event.event.as_str())
            .bind(event.token_id)
            .bind(&event.payload)
            .bind(event.at)
            .fetch_one(pool)
            .await?);
        Ok(id)
    }

    /// Sends a delivery again from now, with a fresh round of retries and the same
    /// `webhook-id`: `false` when there is no such delivery.
    pub async fn redeliver_webhook(
        &self,
        delivery_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, \
             queued_at = $2, next_attempt_at = $2, lease_until = NULL WHERE id = $1";
        Ok(on_pool!(self, |pool| sqlx::query(SQL)
            .bind(delivery_id)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
            == 1))
    }
}
