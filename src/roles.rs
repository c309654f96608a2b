//! Settings > Roles: built-in roles to read, custom roles to create, edit and delete.

use chrono::Utc;

use crate::access::{require, require_all, require_confirmed};
use crate::actor::Actor;
use crate::audit::{Audit, By};
use crate::error::ServiceError;
use crate::model::{
    AdminPermission, AdminView, AuditAction, AuditTargetKind, FieldError, RoleRequest, RoleView,
};
use crate::store::{RoleDeletion, Store, StoreError};
use crate::validate::Name;

pub const DUPLICATE_ROLE: &str = "A role with this name already exists.";
pub const BUILT_IN_ROLE: &str =
    "Built-in roles cannot be changed or deleted; create a custom role instead.";

#[derive(Clone)]
pub struct Roles {
    store: Store,
    audit: Audit,
}

impl Roles {
    pub fn new(store: Store, audit: Audit) -> Self {
        Self { store, audit }
    }

    /// Writes `action` on `role` to the audit log, with its permissions as the detail.
    async fn record(&self, by: &Actor, action: AuditAction, role: &RoleView) {
        let permissions: Vec<&str> = role.permissions.iter().map(|p| p.as_str()).collect();
        let detail = format!("permissions: {}", permissions.join(", "));
        let target = (AuditTargetKind::Role, role.id, role.name.as_str());
        self.audit
            .record(By::Admin(by), action, Some(target), &detail)
            .await;
    }

    pub async fn list(&self, by: &AdminView) -> Result<Vec<RoleView>, ServiceError> {
        require(by, AdminPermission::AdminsRead)?;
        Ok(self.store.list_roles().await?)
    }

    pub async fn create(
        &self,
        by: &Actor,
        request: &RoleRequest,
    ) -> Result<RoleView, ServiceError> {
        require_confirmed(by, AdminPermission::AdminsManage)?;
        let (name, permissions) = parse(request)?;
        require_all(by, &permissions)?;
        let id = self
            .store
            .insert_role(name.as_str(), &permissions, Utc::now())
            .await
            .map_err(name_conflict)?;
        tracing::info!(role_id = id, by = by.id, "role created");
        let role = self
            .store
            .role(id)
            .await?
            .ok_or(ServiceError::NotFound("role"))?;
        self.record(by, AuditAction::RoleCreate, &role).await;
        Ok(role)
    }

    /// Renames and re-permissions a custom role; its admins get the change on their next
    /// request.
    pub async fn update(
        &self,
        by: &Actor,
        id: i64,
        request: &RoleRequest,
    ) -> Result<RoleView, ServiceError> {
        require_confirmed(by, AdminPermission::AdminsManage)?;
        let existing = self
            .store
            .role(id)
            .await?
            .ok_or(ServiceError::NotFound("role"))?;
        if existing.built_in {
            return Err(built_in());
        }
        let (name, permissions) = parse(request)?;
        require_all(by, &existing.permissions)?;
        require_all(by, &permissions)?;
        if !self
            .store
            .update_role(id, name.as_str(), &permissions)
            .await
            .map_err(name_conflict)?
        {
            return Err(ServiceError::NotFound("role"));
        }
        tracing::info!(role_id = id, by = by.id, "role changed");
        let role = self
            .store
            .role(id)
            .await?
            .ok_or(ServiceError::NotFound("role"))?;
        self.record(by, AuditAction::RoleUpdate, &role).await;
        Ok(role)
    }

    /// Deletes a custom role that no administrator holds.
    pub async fn delete(&self, by: &Actor, id: i64) -> Result<(), ServiceError> {
        require_confirmed(by, AdminPermission::AdminsManage)?;
        let role = self
            .store
            .role(id)
            .await?
            .ok_or(ServiceError::NotFound("role"))?;
        if role.built_in {
            return Err(built_in());
        }
        require_all(by, &role.permissions)?;
        match self.store.delete_role(id).await? {
            RoleDeletion::Deleted => {
                tracing::info!(role_id = id, by = by.id, "role deleted");
                self.record(by, AuditAction::RoleDelete, &role).await;
                Ok(())
            }
            RoleDeletion::NotFound => Err(ServiceError::NotFound("role")),
            RoleDeletion::Kept => Err(ServiceError::Conflict(vec![FieldError::new(
                "role",
                "Administrators still have this role: give them another role first.",
            )])),
        }
    }
}

fn parse(request: &RoleRequest) -> Result<(Name, Vec<AdminPermission>), ServiceError> {
    let name = Name::parse("name", &request.name);
    let mut permissions = request.permissions.clone();
    permissions.sort();
    permissions.dedup();
    let chosen = if permissions.is_empty() {
        Err(FieldError::new(
            "permissions",
            "Choose at least one permission.",
        ))
    } else {
        Ok(permissions)
    };
    match (name, chosen) {
        (Ok(name), Ok(permissions)) => Ok((name, permissions)),
        (name, chosen) => Err(ServiceError::Invalid(
            [name.err(), chosen.err()].into_iter().flatten().collect(),
        )),
    }
}

fn name_conflict(error: StoreError) -> ServiceError {
    match error {
        StoreError::UniqueViolation => {
            ServiceError::Conflict(vec![FieldError::new("name", DUPLICATE_ROLE)])
        }
        other => other.into(),
    }
}

fn built_in() -> ServiceError {
    ServiceError::Conflict(vec![FieldError::new("role", BUILT_IN_ROLE)])
}
