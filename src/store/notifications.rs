use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreResult, on_pool};
use crate::notifications::NotificationView;

#[derive(FromRow)]
struct NotificationRow {
    id: i64,
    message: String,
    link: Option<String>,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

impl From<NotificationRow> for NotificationView {
    fn from(row: NotificationRow) -> Self {
        NotificationView {
            id: row.id,
            message: row.message,
            link: row.link,
            created_at: row.created_at,
            read: row.read_at.is_some(),
        }
    }
}

impl Store {
    /// One notification per recipient, all or none. The admin who did the thing (`actor`)
    /// keeps the entry but gets it already read: your own actions are not news to you.
    pub async fn insert_notifications(
        &self,
        recipients: &[i64],
        actor: Option<i64>,
        message: &str,
        link: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO notifications (admin_id, message, link, created_at, read_at) VALUES ($1, $2, $3, $4, $5)";
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for admin_id in recipients {
                let read_at = (actor == Some(*admin_id)).then_some(now);
                sqlx::query(SQL)
                    .bind(admin_id)
                    .bind(message)
                    .bind(link)
                    .bind(now)
                    .bind(read_at)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// An admin's newest `limit` notifications, and how many of all theirs are unread.
    pub async fn inbox(
        &self,
        admin_id: i64,
        limit: i64,
    ) -> StoreResult<(Vec<NotificationView>, i64)> {
        const LIST: &str = "SELECT id, message, link, created_at, read_at FROM notifications \
                            WHERE admin_id = $1 ORDER BY id DESC LIMIT $2";
        const UNREAD: &str =
            "SELECT COUNT(*) FROM notifications WHERE admin_id = $1 AND read_at IS NULL";
        let rows: Vec<NotificationRow> = on_pool!(self, |pool| sqlx::query_as(LIST)
            .bind(admin_id)
            .bind(limit)
            .fetch_all(pool)
            .await?);
        let unread: i64 = on_pool!(self, |pool| sqlx::query_scalar(UNREAD)
            .bind(admin_id)
            .fetch_one(pool)
            .await?);
        Ok((rows.into_iter().map(Into::into).collect(), unread))
    }

    pub async fn mark_notifications_read(
        &self,
        admin_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        const SQL: &str =
            "UPDATE notifications SET read_at = $2 WHERE admin_id = $1 AND read_at IS NULL";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(admin_id)
            .bind(now)
            .execute(pool)
            .await
            .map(drop)?);
        Ok(())
    }
}
