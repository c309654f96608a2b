use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::audit::{INSERT_AUDIT_EVENT, append_audit, insert_audit_query, update_audited};
use super::{NewAuditEvent, Store, StoreError, StoreResult, on_pool};
use crate::admins::access::BuiltInRole;
use crate::model::{AdminPermission, AuditTargetKind, RoleView};
use crate::validate::fold;

/// A role's permissions: from the code for a built-in role, else the stored JSON list.
pub(super) fn role_permissions(
    built_in: Option<&str>,
    stored: &str,
) -> StoreResult<Vec<AdminPermission>> {
    match built_in {
        Some(key) => BuiltInRole::from_key(key)
            .map(BuiltInRole::permissions)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown built-in role `{key}`"))),
        None => serde_json::from_str(stored)
            .map_err(|e| StoreError::Corrupt(format!("role permissions column: {e}"))),
    }
}

fn permissions_json(permissions: &[AdminPermission]) -> String {
    serde_json::to_string(permissions).expect("permissions serialise")
}

#[derive(FromRow)]
struct RoleRow {
    id: i64,
    name: String,
    built_in: Option<String>,
    permissions: String,
    admin_count: i64,
}

impl TryFrom<RoleRow> for RoleView {
    type Error = StoreError;
    fn try_from(row: RoleRow) -> StoreResult<Self> {
        Ok(RoleView {
            permissions: role_permissions(row.built_in.as_deref(), &row.permissions)?,
            id: row.id,
            name: row.name,
            built_in: row.built_in.is_some(),
            admin_count: row.admin_count,
        })
    }
}

/// A `SELECT` of every [`RoleView`] column (admins that were removed don't count as
/// holding a role), followed by `$tail`.
macro_rules! select_roles {
    ($tail:literal) => {
        concat!(
            "SELECT r.id, r.name, r.built_in, r.permissions, ",
            "(SELECT COUNT(*) FROM admins a WHERE a.role_id = r.id AND a.status <> 'removed') ",
            "AS admin_count FROM roles r ",
            $tail
        )
    };
}

/// What deleting a role did.
#[derive(Debug, PartialEq, Eq)]
pub enum RoleDeletion {
    Deleted,
    /// Built-in, or held by an admin who is not removed: nothing changed.
    Kept,
    NotFound,
}

impl Store {
    /// Every role: the built-in ones first, then custom ones by name.
    pub async fn list_roles(&self) -> StoreResult<Vec<RoleView>> {
        const SQL: &str =
            select_roles!("ORDER BY CASE WHEN r.built_in IS NULL THEN 1 ELSE 0 END, r.id");
        let rows: Vec<RoleRow> = on_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await?);
        rows.into_iter().map(RoleView::try_from).collect()
    }

    pub async fn role(&self, id: i64) -> StoreResult<Option<RoleView>> {
        const SQL: &str = select_roles!("WHERE r.id = $1");
        let row: Option<RoleRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(id)
            .fetch_optional(pool)
            .await?);
        row.map(RoleView::try_from).transpose()
    }

    /// A role by name, as folded (ignoring case and look-alike forms).
    pub async fn role_named(&self, name: &str) -> StoreResult<Option<RoleView>> {
        const SQL: &str = select_roles!("WHERE r.name_fold = $1");
        let row: Option<RoleRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(fold(name))
            .fetch_optional(pool)
            .await?);
        row.map(RoleView::try_from).transpose()
    }

    /// Stores a custom role, with `audit` about it. A name in use (as folded) fails
    /// with [`StoreError::UniqueViolation`].
    pub async fn insert_role(
        &self,
        name: &str,
        permissions: &[AdminPermission],
        now: DateTime<Utc>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<i64> {
        const SQL: &str = "INSERT INTO roles (name, permissions, created_at, name_fold) VALUES ($1, $2, $3, $4) \
             RETURNING id";
        let permissions = permissions_json(permissions);
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(SQL)
                .bind(name)
                .bind(&permissions)
                .bind(now)
                .bind(fold(name))
                .fetch_one(&mut *tx)
                .await?;
            let created = audit.about(AuditTargetKind::Role, id, name);
            append_audit!(tx, &created);
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Renames and re-permissions a custom role, with `audit`; `false` when there is no
    /// such custom role.
    pub async fn update_role(
        &self,
        id: i64,
        name: &str,
        permissions: &[AdminPermission],
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE roles SET name = $1, permissions = $2, name_fold = $4 \
                           WHERE id = $3 AND built_in IS NULL";
        let permissions = permissions_json(permissions);
        let landed = on_pool!(self, |pool| update_audited!(
            pool,
            sqlx::query(SQL)
                .bind(name)
                .bind(&permissions)
                .bind(id)
                .bind(fold(name)),
            audit
        ));
        Ok(landed)
    }

    /// Deletes a custom role nobody holds, with `audit`, in one transaction. Removed admins
    /// who held it are moved to Viewer first: they cannot sign in, and their row only has
    /// to keep a valid role for its foreign key.
    pub async fn delete_role(
        &self,
        id: i64,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<RoleDeletion> {
        const EXISTS: &str = "SELECT COUNT(*) FROM roles WHERE id = $1";
        const MOVE_REMOVED: &str = "UPDATE admins SET role_id = \
             (SELECT id FROM roles WHERE built_in = 'viewer') \
             WHERE role_id = $1 AND status = 'removed'";
        const DELETE: &str = "DELETE FROM roles WHERE id = $1 AND built_in IS NULL \
             AND NOT EXISTS (SELECT 1 FROM admins WHERE role_id = $1)";
        let outcome = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let exists: i64 = sqlx::query_scalar(EXISTS)
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(MOVE_REMOVED).bind(id).execute(&mut *tx).await?;
            let deleted = sqlx::query(DELETE)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted == 1 {
                append_audit!(tx, audit);
                tx.commit().await?;
                RoleDeletion::Deleted
            } else {
                tx.rollback().await?;
                if exists == 0 {
                    RoleDeletion::NotFound
                } else {
                    RoleDeletion::Kept
                }
            }
        });
        Ok(outcome)
    }
}
