use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::roles::role_permissions;
use super::{Store, StoreResult, on_pool};
use crate::model::{AdminView, RoleRef};

/// A `SELECT` of an [`AdminView`]'s columns (admin `a` and role `r`), then `$extra` columns,
/// then `$tail` (the `FROM … JOIN roles r …` and the filter).
macro_rules! select_admin_views {
    ($extra:literal, $tail:literal) => {
        concat!(
            "SELECT a.id, a.email, a.name, r.id AS role_id, r.name AS role_name, ",
            "r.built_in AS role_built_in, r.permissions AS role_permissions",
            $extra,
            " ",
            $tail
        )
    };
}

#[derive(FromRow)]
pub(super) struct AdminRow {
    id: i64,
    email: String,
    name: String,
    role_id: i64,
    role_name: String,
    role_built_in: Option<String>,
    role_permissions: String,
}

impl TryFrom<AdminRow> for AdminView {
    type Error = super::StoreError;
    fn try_from(row: AdminRow) -> StoreResult<Self> {
        Ok(AdminView {
            permissions: role_permissions(row.role_built_in.as_deref(), &row.role_permissions)?,
            id: row.id,
            email: row.email,
            name: row.name,
            role: RoleRef {
                id: row.role_id,
                name: row.role_name,
            },
        })
    }
}

/// An active admin and their password hash, for sign-in only. Never serialised, never logged.
pub struct AdminCredentials {
    pub admin: AdminView,
    pub password_hash: String,
}

#[derive(FromRow)]
struct CredentialsRow {
    #[sqlx(flatten)]
    admin: AdminRow,
    password_hash: String,
}

/// A live session's admin (with their role as it is now), when it ends, and when it was
/// last used.
pub struct SessionRecord {
    pub admin: AdminView,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// Until when the password counts as just typed, if it ever did.
    pub confirmed_until: Option<DateTime<Utc>>,
}

#[derive(FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    admin: AdminRow,
    expires_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    confirmed_until: Option<DateTime<Utc>>,
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

    /// Inserts the first administrator, a Super Admin, together with the one-row set-up
    /// marker, in one transaction. Fails with [`super::StoreError::UniqueViolation`] if
    /// set-up already happened, however close together two attempts arrive.
    pub async fn insert_first_admin(
        &self,
        email: &str,
        name: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<AdminView> {
        const MARK: &str = "INSERT INTO instance_setup (id, completed_at) VALUES (1, $1)";
        const INSERT: &str = "INSERT INTO admins (email, name, password_hash, created_at, role_id) \
             VALUES ($1, $2, $3, $4, (SELECT id FROM roles WHERE built_in = 'super-admin')) \
             RETURNING id";
        let id: i64 = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(MARK).bind(now).execute(&mut *tx).await?;
            let id = sqlx::query_scalar(INSERT)
                .bind(email)
                .bind(name)
                .bind(password_hash)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            id
        });
        self.admin(id)
            .await?
            .ok_or_else(|| super::StoreError::Corrupt("the new admin vanished".into()))
    }

    /// Every active admin, with their role's permissions.
    pub async fn active_admins(&self) -> StoreResult<Vec<AdminView>> {
        const SQL: &str = select_admin_views!(
            "",
            "FROM admins a JOIN roles r ON r.id = a.role_id WHERE a.status = 'active' ORDER BY a.id"
        );
        let rows: Vec<AdminRow> =
            on_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await?);
        rows.into_iter().map(AdminView::try_from).collect()
    }

    /// Any admin by id, whatever their status.
    pub async fn admin(&self, id: i64) -> StoreResult<Option<AdminView>> {
        const SQL: &str = select_admin_views!(
            "",
            "FROM admins a JOIN roles r ON r.id = a.role_id WHERE a.id = $1"
        );
        let row: Option<AdminRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(id)
            .fetch_optional(pool)
            .await?);
        row.map(AdminView::try_from).transpose()
    }

    /// The credentials of an *active* admin: deactivated and removed ones cannot sign in.
    pub async fn admin_credentials(&self, email: &str) -> StoreResult<Option<AdminCredentials>> {
        const SQL: &str = select_admin_views!(
            ", a.password_hash",
            "FROM admins a JOIN roles r ON r.id = a.role_id \
             WHERE a.email = $1 AND a.status = 'active'"
        );
        let row: Option<CredentialsRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(email)
            .fetch_optional(pool)
            .await?);
        row.map(|r| {
            Ok(AdminCredentials {
                admin: r.admin.try_into()?,
                password_hash: r.password_hash,
            })
        })
        .transpose()
    }

    /// Stores a new session and records the sign-in time, together.
    pub async fn insert_session(
        &self,
        id_hash: &str,
        admin_id: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        confirmed_until: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO admin_sessions (id_hash, admin_id, created_at, expires_at, confirmed_until) VALUES ($1, $2, $3, $4, $5)";
        const SIGNED_IN: &str = "UPDATE admins SET last_sign_in_at = $1 WHERE id = $2";
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(SQL)
                .bind(id_hash)
                .bind(admin_id)
                .bind(now)
                .bind(expires_at)
                .bind(confirmed_until)
                .execute(&mut *tx)
                .await?;
            sqlx::query(SIGNED_IN)
                .bind(now)
                .bind(admin_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?
        });
        Ok(())
    }

    /// A session and its admin, with the role's permissions as they are now, so a role
    /// change counts from the next request. Only active admins have sessions.
    pub async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>> {
        const SQL: &str = select_admin_views!(
            ", s.expires_at, COALESCE(s.last_seen_at, s.created_at) AS last_seen_at, s.confirmed_until",
            "FROM admin_sessions s JOIN admins a ON a.id = s.admin_id \
             JOIN roles r ON r.id = a.role_id WHERE s.id_hash = $1 AND a.status = 'active'"
        );
        let row: Option<SessionRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(id_hash)
            .fetch_optional(pool)
            .await?);
        row.map(|r| {
            Ok(SessionRecord {
                admin: r.admin.try_into()?,
                expires_at: r.expires_at,
                last_seen_at: r.last_seen_at,
                confirmed_until: r.confirmed_until,
            })
        })
        .transpose()
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

    /// Notes that a session was used at `now`.
    pub async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        const SQL: &str = "UPDATE admin_sessions SET last_seen_at = $2 WHERE id_hash = $1";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id_hash)
            .bind(now)
            .execute(pool)
            .await
            .map(drop)?);
        Ok(())
    }

    /// Opens (or with `None` closes) a session's password re-confirmation window.
    pub async fn confirm_session(
        &self,
        id_hash: &str,
        until: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        const SQL: &str = "UPDATE admin_sessions SET confirmed_until = $2 WHERE id_hash = $1";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id_hash)
            .bind(until)
            .execute(pool)
            .await
            .map(drop)?);
        Ok(())
    }

    /// Ends every session of one admin; returns how many there were.
    pub async fn delete_admin_sessions(&self, admin_id: i64) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM admin_sessions WHERE admin_id = $1";
        Ok(on_pool!(self, |pool| sqlx::query(SQL)
            .bind(admin_id)
            .execute(pool)
            .await?
            .rows_affected()))
    }

    /// Removes sessions that ended before `now` or were last used before `idle_since`;
    /// returns how many.
    pub async fn delete_expired_sessions(
        &self,
        now: DateTime<Utc>,
        idle_since: DateTime<Utc>,
    ) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM admin_sessions \
                           WHERE expires_at < $1 OR COALESCE(last_seen_at, created_at) < $2";
        let result = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(now)
            .bind(idle_since)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(result)
    }
}
