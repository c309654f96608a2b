//! Managing administrators: the list, adding one, and changes of role or status that must
//! never leave Tollgate without an active Super Admin.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::audit::{INSERT_AUDIT_EVENT, append_audit, insert_audit_query};
use super::{NewAuditEvent, Store, StoreError, StoreResult, on_pool};
use crate::model::{AdminListEntry, AdminStatus, AuditTargetKind, RoleRef};

#[derive(FromRow)]
struct AdminEntryRow {
    id: i64,
    email: String,
    name: String,
    role_id: i64,
    role_name: String,
    status: String,
    last_sign_in_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl TryFrom<AdminEntryRow> for AdminListEntry {
    type Error = StoreError;
    fn try_from(row: AdminEntryRow) -> StoreResult<Self> {
        Ok(AdminListEntry {
            status: AdminStatus::parse(&row.status)
                .ok_or_else(|| StoreError::Corrupt(format!("admin status `{}`", row.status)))?,
            id: row.id,
            email: row.email,
            name: row.name,
            role: RoleRef {
                id: row.role_id,
                name: row.role_name,
            },
            last_sign_in_at: row.last_sign_in_at,
            created_at: row.created_at,
        })
    }
}

macro_rules! select_entries {
    ($tail:literal) => {
        concat!(
            "SELECT a.id, a.email, a.name, r.id AS role_id, r.name AS role_name, a.status, ",
            "a.last_sign_in_at, a.created_at FROM admins a JOIN roles r ON r.id = a.role_id ",
            $tail
        )
    };
}

/// One change to an administrator that could touch the "always a Super Admin" rule.
#[derive(Debug, Clone, Copy)]
pub enum AdminChange {
    Role(i64),
    /// Deactivated and removed also end every session of the admin.
    Status(AdminStatus),
}

#[derive(Debug, PartialEq, Eq)]
pub enum AdminChangeOutcome {
    Changed,
    /// No such admin, or a removed one (removal is final).
    NotFound,
    /// The change would leave no active Super Admin: nothing was written.
    WouldLeaveNoSuperAdmin,
}

impl Store {
    /// Administrators who have not been removed, in the order they were added.
    pub async fn list_admins(&self) -> StoreResult<Vec<AdminListEntry>> {
        const SQL: &str = select_entries!("WHERE a.status <> 'removed' ORDER BY a.id");
        let rows: Vec<AdminEntryRow> =
            on_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await?);
        rows.into_iter().map(AdminListEntry::try_from).collect()
    }

    /// One administrator's row, whatever their status.
    pub async fn admin_entry(&self, id: i64) -> StoreResult<Option<AdminListEntry>> {
        const SQL: &str = select_entries!("WHERE a.id = $1");
        let row: Option<AdminEntryRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(id)
            .fetch_optional(pool)
            .await?);
        row.map(AdminListEntry::try_from).transpose()
    }

    /// The id of the admin with this (normalised) email, whatever their status.
    pub async fn admin_id_by_email(&self, email: &str) -> StoreResult<Option<i64>> {
        let id = on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT id FROM admins WHERE email = $1"
        )
        .bind(email)
        .fetch_optional(pool)
        .await?);
        Ok(id)
    }

    /// Adds an active administrator, with `audit` about them. Also closes first-admin
    /// set-up, so an admin made from the command line on a fresh server counts as the
    /// first. All in one transaction. A taken email fails with
    /// [`StoreError::UniqueViolation`], a role deleted meanwhile with
    /// [`StoreError::ForeignKeyViolation`].
    pub async fn insert_admin(
        &self,
        email: &str,
        name: &str,
        role_id: i64,
        password_hash: &str,
        now: DateTime<Utc>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<i64> {
        const MARK: &str = "INSERT INTO instance_setup (id, completed_at) VALUES (1, $1) \
                            ON CONFLICT (id) DO NOTHING";
        const INSERT: &str = "INSERT INTO admins (email, name, password_hash, created_at, role_id) \
                              VALUES ($1, $2, $3, $4, $5) RETURNING id";
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(MARK).bind(now).execute(&mut *tx).await?;
            let id: i64 = sqlx::query_scalar(INSERT)
                .bind(email)
                .bind(name)
                .bind(password_hash)
                .bind(now)
                .bind(role_id)
                .fetch_one(&mut *tx)
                .await?;
            let added = audit.about(AuditTargetKind::Admin, id, name);
            append_audit!(tx, &added);
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Applies `change` to a non-removed admin, with `audit`, in one transaction that also
    /// checks an active Super Admin remains; if none would, nothing is written.
    pub async fn change_admin(
        &self,
        id: i64,
        change: AdminChange,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<AdminChangeOutcome> {
        // A write to the Super Admin role's row first: it serialises every guarded change
        // (a row lock on Postgres, the write lock on SQLite), so two admins demoting the
        // last two Super Admins at once cannot both pass the count below.
        const LOCK: &str = "UPDATE roles SET name = name WHERE built_in = 'super-admin'";
        const SET_ROLE: &str =
            "UPDATE admins SET role_id = $1 WHERE id = $2 AND status <> 'removed'";
        const SET_STATUS: &str =
            "UPDATE admins SET status = $1 WHERE id = $2 AND status <> 'removed'";
        const END_SESSIONS: &str = "DELETE FROM admin_sessions WHERE admin_id = $1";
        const SUPER_ADMINS: &str = "SELECT COUNT(*) FROM admins a JOIN roles r ON r.id = a.role_id \
             WHERE r.built_in = 'super-admin' AND a.status = 'active'";
        let outcome = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(LOCK).execute(&mut *tx).await?;
            let changed = match change {
                AdminChange::Role(role_id) => sqlx::query(SET_ROLE).bind(role_id),
                AdminChange::Status(status) => sqlx::query(SET_STATUS).bind(status.as_str()),
            }
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Ok(AdminChangeOutcome::NotFound);
            }
            if matches!(
                change,
                AdminChange::Status(AdminStatus::Deactivated | AdminStatus::Removed)
            ) {
                sqlx::query(END_SESSIONS).bind(id).execute(&mut *tx).await?;
            }
            let super_admins: i64 = sqlx::query_scalar(SUPER_ADMINS).fetch_one(&mut *tx).await?;
            if super_admins == 0 {
                tx.rollback().await?;
                AdminChangeOutcome::WouldLeaveNoSuperAdmin
            } else {
                append_audit!(tx, audit);
                tx.commit().await?;
                AdminChangeOutcome::Changed
            }
        });
        Ok(outcome)
    }

    /// Renames an admin, with `audit`.
    pub async fn set_admin_name(
        &self,
        id: i64,
        name: &str,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<()> {
        const SQL: &str = "UPDATE admins SET name = $1 WHERE id = $2";
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(SQL)
                .bind(name)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, audit);
            tx.commit().await?
        });
        Ok(())
    }

    pub async fn admin_password_hash(&self, id: i64) -> StoreResult<Option<String>> {
        let hash = on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT password_hash FROM admins WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        Ok(hash)
    }

    /// Replaces an admin's password and, in the same transaction, ends all their sessions
    /// but `keep` (the one that changed it, if any) and appends `audit`.
    pub async fn set_admin_password(
        &self,
        id: i64,
        password_hash: &str,
        keep: Option<&str>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<()> {
        const SET: &str = "UPDATE admins SET password_hash = $1 WHERE id = $2";
        const END_OTHERS: &str = "DELETE FROM admin_sessions WHERE admin_id = $1 \
                                  AND ($2 IS NULL OR id_hash <> $2)";
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(SET)
                .bind(password_hash)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(END_OTHERS)
                .bind(id)
                .bind(keep)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, audit);
            tx.commit().await?
        });
        Ok(())
    }
}
