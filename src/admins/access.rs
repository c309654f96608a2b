//! Who may do what: the built-in roles and the one check every admin use case starts with.

use crate::admins::actor::Actor;
use crate::error::ServiceError;
use crate::model::{AdminPermission, AdminView};

/// What a sensitive action answers when the password was not confirmed recently.
pub const CONFIRM_PASSWORD: &str = "Confirm your password to continue: this action needs it to have been typed in the last few minutes.";

/// The roles every Tollgate has. They cannot be edited or deleted; their permissions come
/// from here, not from the database, so new permissions reach them with the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltInRole {
    SuperAdmin,
    Editor,
    Viewer,
}

impl BuiltInRole {
    pub const ALL: [BuiltInRole; 3] = [
        BuiltInRole::SuperAdmin,
        BuiltInRole::Editor,
        BuiltInRole::Viewer,
    ];

    /// The `roles.built_in` key.
    pub fn key(self) -> &'static str {
        match self {
            BuiltInRole::SuperAdmin => "super-admin",
            BuiltInRole::Editor => "editor",
            BuiltInRole::Viewer => "viewer",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.key() == key)
    }

    pub fn permissions(self) -> Vec<AdminPermission> {
        use AdminPermission::*;
        match self {
            BuiltInRole::SuperAdmin => AdminPermission::ALL.to_vec(),
            BuiltInRole::Editor => vec![
                ApiTokensRead,
                ApiTokensCreate,
                ApiTokensUpdate,
                ApiTokensRegenerate,
            ],
            BuiltInRole::Viewer => vec![ApiTokensRead],
        }
    }
}

/// Refuses, with a 403 that says what is missing, unless `admin`'s role allows `permission`.
/// Every admin use case in the core calls this first, so each door (server functions, the
/// admin API) gets the same check.
pub fn require(admin: &AdminView, permission: AdminPermission) -> Result<(), ServiceError> {
    match admin.denial(permission) {
        None => Ok(()),
        Some(message) => {
            tracing::info!(
                admin_id = admin.id,
                permission = permission.as_str(),
                "refused: missing admin permission"
            );
            Err(ServiceError::Forbidden(message))
        }
    }
}

/// [`require`], and for sensitive actions (creating, regenerating and revoking tokens,
/// changing admins and roles) a password confirmed within the re-confirmation window:
/// someone at an unlocked screen can read, but not hand out or take away access.
pub fn require_confirmed(by: &Actor, permission: AdminPermission) -> Result<(), ServiceError> {
    require(by, permission)?;
    if by.needs_password_confirmation() {
        tracing::info!(admin_id = by.id, "refused: password confirmation needed");
        return Err(ServiceError::PasswordConfirmationRequired);
    }
    Ok(())
}

/// Refuses handing out a role that allows more than `admin`'s own: otherwise an admin who
/// may manage admins could make themselves (or a friend) Super Admin.
pub fn require_all(admin: &AdminView, permissions: &[AdminPermission]) -> Result<(), ServiceError> {
    match permissions.iter().find(|p| !admin.can(**p)) {
        None => Ok(()),
        Some(missing) => Err(ServiceError::Forbidden(format!(
            "Your role ({}) does not allow {}, so you cannot give a role that does.",
            admin.role.name,
            missing.doing()
        ))),
    }
}

/// Refuses changing an administrator whose role allows something `admin`'s does not: a
/// manager of admins can't demote, deactivate or remove someone above them.
pub fn require_above(admin: &AdminView, target: &AdminView) -> Result<(), ServiceError> {
    match target.permissions.iter().find(|p| !admin.can(**p)) {
        None => Ok(()),
        Some(missing) => Err(ServiceError::Forbidden(format!(
            "Your role ({}) does not allow {}, so you cannot change {}, whose role ({}) does.",
            admin.role.name,
            missing.doing(),
            target.name,
            target.role.name
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_roles_allow_what_the_issue_says() {
        use AdminPermission::*;
        let super_admin = BuiltInRole::SuperAdmin.permissions();
        assert_eq!(super_admin.len(), AdminPermission::ALL.len());
        let editor = BuiltInRole::Editor.permissions();
        assert!(editor.contains(&ApiTokensCreate) && editor.contains(&ApiTokensRegenerate));
        assert!(!editor.contains(&ApiTokensDelete) && !editor.contains(&AdminsManage));
        assert_eq!(BuiltInRole::Viewer.permissions(), vec![ApiTokensRead]);
        for role in BuiltInRole::ALL {
            assert_eq!(BuiltInRole::from_key(role.key()), Some(role));
        }
    }
}
