use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreResult, on_pool};
use crate::model::AdminView;

#[derive(FromRow)]
struct AdminRow {
    id: i64,
    email: String,
    name: String,
}

impl From<AdminRow> for AdminView {
    fn from(row: AdminRow) -> Self {
        AdminView {
            id: row.id,
            email: row.email,
            name: row.name,
        }
    }
}

/// An admin and their password hash, for sign-in only. Never serialised, never logged.
pub struct AdminCredentials {
    pub admin: AdminView,
    pub password_hash: String,
}

#[derive(FromRow)]
struct CredentialsRow {
    id: i64,
    email: String,
    name: String,
    password_hash: String,
}

/// A live session's admin and when it ends.
pub struct SessionRecord {
    pub admin: AdminView,
    pub expires_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct SessionRow {
    id: i64,
    email: String,
    name: String,
    expires_at: DateTime<Utc>,
}

impl Store {
    pub async fn count_admins(&self) -> StoreResult<i64> {
        let count: i64 = on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM admins"
        )
        .fetch_one(pool)
        .await?);
        Ok(count)
    }

    /// Inserts the first administrator together with the one-row set-up marker, in one
    /// transaction. Fails with [`super::StoreError::UniqueViolation`] if set-up already happened,
    /// however close together two attempts arrive.
    pub async fn insert_first_admin(
        &self,
        email: &str,
        name: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<AdminView> {
        const MARK: &str = "INSERT INTO instance_setup (id, completed_at) VALUES (1, $1)";
        const INSERT: &str = "INSERT INTO admins (email, name, password_hash, created_at) \
                              VALUES ($1, $2, $3, $4) RETURNING id, email, name";
        let row: AdminRow = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(MARK).bind(now).execute(&mut *tx).await?;
            let row = sqlx::query_as(INSERT)
                .bind(email)
                .bind(name)
                .bind(password_hash)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            row
        });
        Ok(row.into())
    }

    pub async fn admin_credentials(&self, email: &str) -> StoreResult<Option<AdminCredentials>> {
        const SQL: &str = "SELECT id, email, name, password_hash FROM admins WHERE email = $1";
        let row: Option<CredentialsRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(email)
            .fetch_optional(pool)
            .await?);
        Ok(row.map(|r| AdminCredentials {
            admin: AdminView {
                id: r.id,
                email: r.email,
                name: r.name,
            },
            password_hash: r.password_hash,
        }))
    }

    pub async fn insert_session(
        &self,
        id_hash: &str,
        admin_id: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO admin_sessions (id_hash, admin_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id_hash)
            .bind(admin_id)
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await
            .map(drop)?);
        Ok(())
    }

    pub async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>> {
        const SQL: &str = "SELECT a.id, a.email, a.name, s.expires_at \
                           FROM admin_sessions s JOIN admins a ON a.id = s.admin_id WHERE s.id_hash = $1";
        let row: Option<SessionRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(id_hash)
            .fetch_optional(pool)
            .await?);
        Ok(row.map(|r| SessionRecord {
            admin: AdminView {
                id: r.id,
                email: r.email,
                name: r.name,
            },
            expires_at: r.expires_at,
        }))
    }

    pub async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        on_pool!(self, |pool| sqlx::query(
            "DELETE FROM admin_sessions WHERE id_hash = $1"
        )
        .bind(id_hash)
        .execute(pool)
        .await
        .map(drop)?);
        Ok(())
    }

    /// Removes sessions that ended before `now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let result = on_pool!(self, |pool| sqlx::query(
            "DELETE FROM admin_sessions WHERE expires_at < $1"
        )
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(result)
    }
}
