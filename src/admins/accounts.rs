//! Managing other administrators: Settings > Administrators and the `tollgate admin` CLI.

use chrono::Utc;

use super::Admins;
use crate::admins::access::{require, require_above, require_all, require_confirmed};
use crate::admins::actor::Actor;
use crate::audit::{By, Target, event};
use crate::error::ServiceError;
use crate::model::{
    AddAdminRequest, AdminListEntry, AdminPermission, AdminStatus, AdminView, AuditAction,
    AuditTargetKind, FieldError, NewAdminRequest, RoleView,
};
use crate::store::{AdminChange, AdminChangeOutcome, StoreError};
use crate::validate::{Email, Lines, NewAdmin, NewPassword, text};

pub const EMAIL_TAKEN: &str =
    "An administrator with this email already exists (removed ones keep their email).";
pub const LAST_SUPER_ADMIN: &str = "This is the last active Super Admin: make another administrator Super Admin first, so someone can still manage Tollgate.";

impl Admins {
    /// Every administrator who has not been removed.
    pub async fn list(&self, by: &AdminView) -> Result<Vec<AdminListEntry>, ServiceError> {
        require(by, AdminPermission::AdminsRead)?;
        Ok(self.store.list_admins().await?)
    }

    /// Adds an administrator with an initial password, which they should change.
    pub async fn add(
        &self,
        by: &Actor,
        request: &AddAdminRequest,
    ) -> Result<AdminListEntry, ServiceError> {
        require_confirmed(by, AdminPermission::AdminsManage)?;
        let role = self.grantable_role(by, request.role_id).await?;
        let added = self
            .insert(
                By::Admin(by),
                &request.email,
                &request.name,
                &role,
                &request.password,
            )
            .await?;
        tracing::info!(admin_id = added.id, by = by.id, "administrator added");
        Ok(added)
    }

    /// For servers where nobody can sign in yet: adds an admin with the role named
    /// `role_name` (ignoring case). Whoever runs the command holds the server, so no
    /// permission is checked.
    pub async fn add_from_command_line(
        &self,
        email: &str,
        name: &str,
        role_name: &str,
        password: &str,
    ) -> Result<AdminListEntry, ServiceError> {
        text::check("role", "The role", role_name, Lines::One)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let role = self.store.role_named(role_name.trim()).await?.ok_or_else(|| {
            ServiceError::invalid("role", "No role has this name: use Super Admin, Editor, Viewer or a custom role's name.")
        })?;
        self.insert(By::CommandLine, email, name, &role, password)
            .await
    }

    /// Sets a new password for the admin with this email, ends their sessions and lifts
    /// their sign-in lock.
    pub async fn reset_password_from_command_line(
        &self,
        email: &str,
        password: &str,
    ) -> Result<(), ServiceError> {
        let email = Email::parse(email).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let password =
            NewPassword::parse(password, password).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let id = self
            .store
            .admin_id_by_email(email.as_str())
            .await?
            .ok_or(ServiceError::NotFound("administrator"))?;
        let name = self
            .store
            .admin(id)
            .await?
            .map(|a| a.name)
            .unwrap_or_default();
        let target = Some(admin_target(id, &name));
        let audit = event(
            &By::CommandLine,
            AuditAction::AdminPasswordReset,
            target,
            "",
        );
        let hash = self.passwords.hash(password.expose()).await?;
        self.store
            .set_admin_password(id, &hash, None, &audit)
            .await?;
        // The lock was for guesses at the old password: on every instance, it ends now.
        self.throttle.lift_account(email.as_str()).await?;
        tracing::info!(admin_id = id, "password reset from the command line");
        Ok(())
    }

    pub async fn change_role(&self, by: &Actor, id: i64, role_id: i64) -> Result<(), ServiceError> {
        require_confirmed(by, AdminPermission::AdminsManage)?;
        let role = self.grantable_role(by, role_id).await?;
        let change = AdminChange::Role(role_id);
        self.apply(by, id, change, AuditAction::AdminRoleChange, |before| {
            format!("role: {} → {}", before.role.name, role.name)
        })
        .await
    }

    /// Stops an admin from signing in, and signs them out everywhere at once.
    pub async fn deactivate(&self, by: &Actor, id: i64) -> Result<(), ServiceError> {
        self.set_status(by, id, AdminStatus::Deactivated).await
    }

    pub async fn reactivate(&self, by: &Actor, id: i64) -> Result<(), ServiceError> {
        self.set_status(by, id, AdminStatus::Active).await
    }

    /// Removes an admin for good and signs them out everywhere. Their row stays, so the
    /// tokens they created still name them; those tokens keep working.
    pub async fn remove(&self, by: &Actor, id: i64) -> Result<(), ServiceError> {
        self.set_status(by, id, AdminStatus::Removed).await
    }

    async fn set_status(
        &self,
        by: &Actor,
        id: i64,
        status: AdminStatus,
    ) -> Result<(), ServiceError> {
        require_confirmed(by, AdminPermission::AdminsManage)?;
        if id == by.id && status != AdminStatus::Active {
            return Err(ServiceError::Conflict(vec![FieldError::new(
                "admin",
                "You cannot deactivate or remove yourself; ask another administrator.",
            )]));
        }
        let action = match status {
            AdminStatus::Active => AuditAction::AdminReactivate,
            AdminStatus::Deactivated => AuditAction::AdminDeactivate,
            AdminStatus::Removed => AuditAction::AdminRemove,
        };
        let change = AdminChange::Status(status);
        self.apply(by, id, change, action, |_| String::new()).await
    }

    /// Applies `change` to admin `id`, within `by`'s reach, and records `action` with the
    /// detail `describe` gives for the admin as they were, in the same transaction.
    async fn apply(
        &self,
        by: &Actor,
        id: i64,
        change: AdminChange,
        action: AuditAction,
        describe: impl FnOnce(&AdminView) -> String,
    ) -> Result<(), ServiceError> {
        let target = self
            .store
            .admin(id)
            .await?
            .ok_or(ServiceError::NotFound("administrator"))?;
        require_above(by, &target)?;
        let detail = describe(&target);
        let about = Some(admin_target(id, &target.name));
        let audit = event(&By::Admin(by), action, about, &detail);
        let outcome = self
            .store
            .change_admin(id, change, &audit)
            .await
            .map_err(|e| match e {
                // The role was deleted between the check and the write.
                StoreError::ForeignKeyViolation => {
                    ServiceError::invalid("role_id", "Choose one of the roles.")
                }
                other => other.into(),
            })?;
        match outcome {
            AdminChangeOutcome::Changed => {
                tracing::info!(admin_id = id, by = by.id, ?change, "administrator changed");
                Ok(())
            }
            AdminChangeOutcome::NotFound => Err(ServiceError::NotFound("administrator")),
            AdminChangeOutcome::WouldLeaveNoSuperAdmin => {
                Err(ServiceError::Conflict(vec![FieldError::new(
                    "admin",
                    LAST_SUPER_ADMIN,
                )]))
            }
        }
    }

    /// The role `role_id`, if it exists and gives nothing `by` lacks.
    async fn grantable_role(&self, by: &AdminView, role_id: i64) -> Result<RoleView, ServiceError> {
        let role = self
            .store
            .role(role_id)
            .await?
            .ok_or_else(|| ServiceError::invalid("role_id", "Choose one of the roles."))?;
        require_all(by, &role.permissions)?;
        Ok(role)
    }

    /// Validates and stores a new admin, recording it as added `by` in the same transaction.
    async fn insert(
        &self,
        by: By<'_>,
        email: &str,
        name: &str,
        role: &RoleView,
        password: &str,
    ) -> Result<AdminListEntry, ServiceError> {
        let request = NewAdminRequest {
            email: email.to_owned(),
            name: name.to_owned(),
            password: password.to_owned(),
            password_confirm: password.to_owned(),
        };
        let new = NewAdmin::parse(&request).map_err(ServiceError::Invalid)?;
        let (email, name) = (new.email, new.name);
        let hash = self.passwords.hash(new.password.expose()).await?;
        let detail = format!("{} as {}", email.as_str(), role.name);
        let audit = event(&by, AuditAction::AdminAdd, None, &detail);
        let id = self
            .store
            .insert_admin(
                email.as_str(),
                name.as_str(),
                role.id,
                &hash,
                Utc::now(),
                &audit,
            )
            .await
            .map_err(|e| match e {
                StoreError::UniqueViolation => {
                    ServiceError::Conflict(vec![FieldError::new("email", EMAIL_TAKEN)])
                }
                StoreError::ForeignKeyViolation => {
                    ServiceError::invalid("role_id", "Choose one of the roles.")
                }
                other => other.into(),
            })?;
        self.store
            .admin_entry(id)
            .await?
            .ok_or(ServiceError::NotFound("administrator"))
    }
}

fn admin_target(id: i64, name: &str) -> Target<'_> {
    (AuditTargetKind::Admin, id, name)
}
