//! Things that happen once per database rather than once per process.

use chrono::{DateTime, Utc};

use super::audit::{INSERT_AUDIT_EVENT, append_audit, insert_audit_query};
use super::tokens::{INSERT_TOKEN, insert_token_query, permissions_json};
use super::{NewAuditEvent, NewTokenRecord, Store, StoreResult, on_pool};
use crate::model::AuditTargetKind;

/// The `instance` row written by the first start of a database.
const FIRST_START: &str = "first_start_done";

impl Store {
    /// Stores `tokens` if and only if this database has never had its first start, and
    /// marks it as had, in one transaction: `true` when this call did it. Each token's
    /// creation is recorded as `audit` (its target set to that token) in the same
    /// transaction. Of two instances starting together on Postgres, the second waits on
    /// the marker's key until the first commits and then finds it taken; on SQLite the
    /// writes are serialised anyway.
    pub async fn first_start(
        &self,
        now: DateTime<Utc>,
        tokens: &[NewTokenRecord<'_>],
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<bool> {
        const MARK: &str = "INSERT INTO instance (event, happened_at) VALUES ($1, $2) \
                            ON CONFLICT (event) DO NOTHING";
        let first = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let marked = sqlx::query(MARK)
                .bind(FIRST_START)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if marked {
                for token in tokens {
                    let permissions = permissions_json(token.permissions);
                    let id = insert_token_query!(token, &permissions)
                        .fetch_one(&mut *tx)
                        .await?;
                    let created = audit.about(AuditTargetKind::Token, id, token.name);
                    append_audit!(tx, &created);
                }
            }
            tx.commit().await?;
            marked
        });
        Ok(first)
    }
}
