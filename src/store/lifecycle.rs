//! What the token lifecycle jobs read and mark: tokens coming up to their expiry, the
//! once-only marker of each expiry warning (written with the warning's bell entries and
//! webhook event), unused tokens, and the lease a job takes so it runs on one instance.

use chrono::{DateTime, Duration, Utc};
use sqlx::FromRow;

use super::policy::unused_where;
use super::webhook_outbox::enqueue_query;
use super::{Store, StoreResult, on_pool};
use crate::webhooks::OutboxEvent;

/// A working token that expires soon: what a warning names.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ExpiringToken {
    pub id: i64,
    pub name: String,
    /// `tg_…` and the last four characters.
    pub hint: String,
    pub expires_at: DateTime<Utc>,
    pub expiry_set_at: Option<DateTime<Utc>>,
}

/// One warning to send: the marker's key, and what it writes if this instance is the one
/// that sends it.
pub struct ExpiryWarning<'a> {
    pub token_id: i64,
    /// The threshold: days before expiry.
    pub days: u32,
    /// The expiry it is about: a renewed token has another, and can be warned again.
    pub expires_at: DateTime<Utc>,
    /// The admins whose bell gets `message`.
    pub recipients: &'a [i64],
    pub message: &'a str,
    pub link: &'a str,
    /// The `token.expiring` webhook event.
    pub event: &'a OutboxEvent,
}

/// The marker lands only while the token still works with this very expiry (not revoked,
/// not renewed since it was read), and once per key.
const MARK_WARNING: &str = "INSERT INTO expiry_warnings (token_id, days, expires_at, sent_at) \
     SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM api_tokens \
         WHERE id = $1 AND revoked_at IS NULL AND expires_at = $3) \
     ON CONFLICT DO NOTHING";

const INSERT_NOTIFICATION: &str =
    "INSERT INTO notifications (admin_id, message, link, created_at) VALUES ($1, $2, $3, $4)";

/// Takes the lease named `$1` until `$2` if it is free at `$3` (never taken, or ended).
const TAKE_LEASE: &str = "INSERT INTO job_leases (name, held_until) VALUES ($1, $2) \
     ON CONFLICT (name) DO UPDATE SET held_until = excluded.held_until \
     WHERE job_leases.held_until <= $3";

impl Store {
    /// Working tokens expiring after `now` and at the latest at `until`, soonest first.
    pub async fn tokens_expiring(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Vec<ExpiringToken>> {
        const SQL: &str = "SELECT id, name, hint, expires_at, expiry_set_at FROM api_tokens \
             WHERE revoked_at IS NULL AND expires_at IS NOT NULL \
               AND expires_at > $1 AND expires_at <= $2 \
             ORDER BY expires_at, id";
        Ok(on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(now)
            .bind(until)
            .fetch_all(pool)
            .await?))
    }

    /// Marks `warning` sent and, in the same transaction, writes its bell entries and
    /// queues its webhook event: `true` when this call is the one that did (another
    /// instance, or an earlier run, did otherwise). So each warning reaches the admins once,
    /// however many instances race for it and whenever one stops halfway.
    pub async fn claim_expiry_warning(
        &self,
        warning: &ExpiryWarning<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let claimed = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let claimed = sqlx::query(MARK_WARNING)
                .bind(warning.token_id)
                .bind(i64::from(warning.days))
                .bind(warning.expires_at)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if claimed {
                for admin_id in warning.recipients {
                    sqlx::query(INSERT_NOTIFICATION)
                        .bind(admin_id)
                        .bind(warning.message)
                        .bind(warning.link)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                enqueue_query!(warning.event).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            claimed
        });
        Ok(claimed)
    }

    /// The ids of working tokens unused for `days` days at `now` (never used: since their
    /// creation), oldest first: what the inactivity rule revokes.
    pub async fn unused_tokens(&self, days: u32, now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT id FROM api_tokens WHERE {} ORDER BY id",
            unused_where()
        ));
        let cutoff = now - Duration::days(i64::from(days));
        let ids: Vec<(i64,)> = on_pool!(self, |pool| sqlx::query_as(sql)
            .bind(now)
            .bind(cutoff)
            .fetch_all(pool)
            .await?);
        Ok(ids.into_iter().map(|(id,)| id).collect())
    }

    /// Takes the job lease `name` for `hold` if no instance holds it at `now`: `true` when
    /// this instance may run the job. Nobody releases a lease; it ends, so a job runs at
    /// most once per `hold` across instances, and an instance that dies mid-run only
    /// delays the next one.
    pub async fn take_job_lease(
        &self,
        name: &str,
        now: DateTime<Utc>,
        hold: Duration,
    ) -> StoreResult<bool> {
        let taken = on_pool!(self, |pool| sqlx::query(TAKE_LEASE)
            .bind(name)
            .bind(now + hold)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(taken == 1)
    }
}
