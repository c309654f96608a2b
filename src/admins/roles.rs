//! Settings > Roles: built-in roles to read, custom roles to create, edit and delete.

use chrono::Utc;

use crate::admins::access::{require, require_all, require_confirmed};
use crate::admins::actor::Actor;
use crate::audit::{By, event};
use crate::error::ServiceError;
use crate::model::{
    AdminPermission, AdminView, AuditAction, AuditTargetKind, FieldError, RoleRequest, RoleView,
};
use crate::store::{NewAuditEvent, RoleDeletion, Store, StoreError};
use crate::validate::Name;

pub const DUPLICATE_ROLE: &str = "A role with this name already exists.";
pub const BUILT_IN_ROLE: &str =
    "Built-in roles cannot be changed or deleted; create a custom role instead.";

#[derive(Clone)]
pub struct Roles {
    store: Store,
}

impl Roles {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Who changed `name`, and its permissions as the detail: the event the store writes
    /// with the change. The caller keeps the detail, which the event borrows.
    fn audit_event<'a>(
        by: &'a Actor,
        action: AuditAction,
        target: Option<(i64, &'a str)>,
        detail: &'a str,
    ) -> NewAuditEvent<'a> {
        let target = target.map(|(id, name)| (AuditTargetKind::Role, id, name));
        event(&By::Admin(by), action, target, detail)
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
        let detail = describe(&permissions);
        let audit = Self::audit_event(by, AuditAction::RoleCreate, None, &detail);
        let id = self
            .store
            .insert_role(name.as_str(), &permissions, Utc::now(), &audit)
            .await
            .map_err(name_conflict)?;
        tracing::info!(role_id = id, by = by.id, "role created");
        self.role(id).await
    }

    /// The role `id` as stored now, or not found.
    async fn role(&self, id: i64) -> Result<RoleView, ServiceError> {
        self.store
            .role(id)
            .await?
            .ok_or(ServiceError::NotFound("role"))
    }

    /// The role `id`, refused if it is built in: only custom roles change or go.
    async fn custom_role(&self, id: i64) -> Result<RoleView, ServiceError> {
        let role = self.role(id).await?;
        if role.built_in {
            return Err(built_in());
        }
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
        let existing = self.custom_role(id).await?;
        let (name, permissions) = parse(request)?;
        require_all(by, &existing.permissions)?;
        require_all(by, &permissions)?;
        let detail = describe(&permissions);
        let target = Some((id, name.as_str()));
        let audit = Self::audit_event(by, AuditAction::RoleUpdate, target, &detail);
        if !self
            .store
            .update_role(id, name.as_str(), &permissions, &audit)
            .await
            .map_err(name_conflict)?
        {
            return Err(ServiceError::NotFound("role"));
        }
        tracing::info!(role_id = id, by = by.id, "role changed");
        self.role(id).await
    }

    /// Deletes a custom role that no administrator holds.
    pub async fn delete(&self, by: &Actor, id: i64) -> Result<(), ServiceError> {
        require_confirmed(by, AdminPermission::AdminsManage)?;
        let role = self.custom_role(id).await?;
        require_all(by, &role.permissions)?;
        let detail = describe(&role.permissions);
        let target = Some((id, role.name.as_str()));
        let audit = Self::audit_event(by, AuditAction::RoleDelete, target, &detail);
        match self.store.delete_role(id, &audit).await? {
            RoleDeletion::Deleted => {
                tracing::info!(role_id = id, by = by.id, "role deleted");
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

/// A role's permissions, as its audit events tell them.
fn describe(permissions: &[AdminPermission]) -> String {
    let names: Vec<&str> = permissions.iter().map(|p| p.as_str()).collect();
    format!("permissions: {}", names.join(", "))
}

fn parse(request: &RoleRequest) -> Result<(Name, Vec<AdminPermission>), ServiceError> {
    let name = Name::parse("name", &request.name);
    let most = AdminPermission::ALL.len();
    if request.permissions.len() > most {
        return Err(ServiceError::invalid(
            "permissions",
            &format!(
                "List each permission once: there are only {most}, and {} were sent.",
                request.permissions.len()
            ),
        ));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permission_list_is_bounded_then_deduplicated() {
        let request = |permissions: Vec<AdminPermission>| RoleRequest {
            name: "Auditor".into(),
            permissions,
        };
        let (_, kept) = parse(&request(vec![
            AdminPermission::AuditRead,
            AdminPermission::AuditRead,
        ]))
        .unwrap();
        assert_eq!(kept, vec![AdminPermission::AuditRead]);
        let flood = vec![AdminPermission::AuditRead; AdminPermission::ALL.len() + 1];
        match parse(&request(flood)) {
            Err(ServiceError::Invalid(errors)) => assert_eq!(errors[0].field, "permissions"),
            other => panic!("{other:?}"),
        }
    }
}
