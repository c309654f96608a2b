//! Administrators, their roles and what those roles allow: the plain data the panel and
//! the core share (compiles for wasm).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One thing an administrator may do in the panel (or the admin API). A role is a set of
/// these; every admin use case requires exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AdminPermission {
    #[serde(rename = "api_tokens.read")]
    ApiTokensRead,
    #[serde(rename = "api_tokens.create")]
    ApiTokensCreate,
    #[serde(rename = "api_tokens.update")]
    ApiTokensUpdate,
    #[serde(rename = "api_tokens.regenerate")]
    ApiTokensRegenerate,
    #[serde(rename = "api_tokens.delete")]
    ApiTokensDelete,
    #[serde(rename = "admins.read")]
    AdminsRead,
    #[serde(rename = "admins.manage")]
    AdminsManage,
    #[serde(rename = "audit.read")]
    AuditRead,
    #[serde(rename = "policy.manage")]
    PolicyManage,
    #[serde(rename = "webhooks.manage")]
    WebhooksManage,
}

impl AdminPermission {
    pub const ALL: [AdminPermission; 10] = [
        AdminPermission::ApiTokensRead,
        AdminPermission::ApiTokensCreate,
        AdminPermission::ApiTokensUpdate,
        AdminPermission::ApiTokensRegenerate,
        AdminPermission::ApiTokensDelete,
        AdminPermission::AdminsRead,
        AdminPermission::AdminsManage,
        AdminPermission::AuditRead,
        AdminPermission::PolicyManage,
        AdminPermission::WebhooksManage,
    ];

    /// The stable identifier (`api_tokens.read`), as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            AdminPermission::ApiTokensRead => "api_tokens.read",
            AdminPermission::ApiTokensCreate => "api_tokens.create",
            AdminPermission::ApiTokensUpdate => "api_tokens.update",
            AdminPermission::ApiTokensRegenerate => "api_tokens.regenerate",
            AdminPermission::ApiTokensDelete => "api_tokens.delete",
            AdminPermission::AdminsRead => "admins.read",
            AdminPermission::AdminsManage => "admins.manage",
            AdminPermission::AuditRead => "audit.read",
            AdminPermission::PolicyManage => "policy.manage",
            AdminPermission::WebhooksManage => "webhooks.manage",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }

    /// What the permission lets an admin do, completing "does not allow …".
    pub fn doing(self) -> &'static str {
        match self {
            AdminPermission::ApiTokensRead => "viewing API tokens",
            AdminPermission::ApiTokensCreate => "creating API tokens",
            AdminPermission::ApiTokensUpdate => "editing API tokens",
            AdminPermission::ApiTokensRegenerate => "regenerating API tokens",
            AdminPermission::ApiTokensDelete => "revoking API tokens",
            AdminPermission::AdminsRead => "viewing administrators and roles",
            AdminPermission::AdminsManage => "managing administrators and roles",
            AdminPermission::AuditRead => "reading the audit log",
            AdminPermission::PolicyManage => "managing the token policy",
            AdminPermission::WebhooksManage => "managing webhooks",
        }
    }
}

impl fmt::Display for AdminPermission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role as an admin's badge: which one, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRef {
    pub id: i64,
    pub name: String,
}

/// A signed-in administrator, as pages see them: who, their role, and what it allows
/// (read fresh from the role on every request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: RoleRef,
    pub permissions: Vec<AdminPermission>,
}

impl AdminView {
    pub fn can(&self, permission: AdminPermission) -> bool {
        self.permissions.contains(&permission)
    }

    /// Why this admin may not do `permission`, or `None` when they may. The same sentence
    /// is the 403's message and the disabled button's tooltip.
    pub fn denial(&self, permission: AdminPermission) -> Option<String> {
        (!self.can(permission)).then(|| {
            format!(
                "Your role ({}) does not allow {}.",
                self.role.name,
                permission.doing()
            )
        })
    }
}

/// Whether an administrator may sign in. Removed admins keep their row so the tokens they
/// created still name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdminStatus {
    Active,
    Deactivated,
    Removed,
}

impl AdminStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AdminStatus::Active => "active",
            AdminStatus::Deactivated => "deactivated",
            AdminStatus::Removed => "removed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AdminStatus::Active => "Active",
            AdminStatus::Deactivated => "Deactivated",
            AdminStatus::Removed => "Removed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            AdminStatus::Active,
            AdminStatus::Deactivated,
            AdminStatus::Removed,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// One row of Settings > Administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminListEntry {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: RoleRef,
    pub status: AdminStatus,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// One role with what it allows and how many administrators hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleView {
    pub id: i64,
    pub name: String,
    /// Super Admin, Editor and Viewer: they cannot be changed or deleted.
    pub built_in: bool,
    pub permissions: Vec<AdminPermission>,
    /// Administrators (not removed) holding the role; a role in use cannot be deleted.
    pub admin_count: i64,
}

/// What the role form sends (create and edit), unvalidated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RoleRequest {
    pub name: String,
    #[serde(default)]
    pub permissions: Vec<AdminPermission>,
}

/// What the add-administrator form sends: the new admin and their initial password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AddAdminRequest {
    pub email: String,
    pub name: String,
    pub role_id: i64,
    pub password: String,
}

impl fmt::Debug for AddAdminRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AddAdminRequest")
            .field("email", &self.email)
            .field("name", &self.name)
            .field("role_id", &self.role_id)
            .finish_non_exhaustive()
    }
}

/// What the change-password form sends.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub password: String,
    pub password_confirm: String,
}

impl fmt::Debug for ChangePasswordRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChangePasswordRequest { .. }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_serialise_as_their_dotted_names() {
        for permission in AdminPermission::ALL {
            let json = serde_json::to_string(&permission).unwrap();
            assert_eq!(json, format!("\"{}\"", permission.as_str()));
            assert_eq!(
                AdminPermission::parse(permission.as_str()),
                Some(permission)
            );
        }
        assert_eq!(AdminPermission::parse("admins.everything"), None);
    }

    #[test]
    fn denial_names_the_role_and_the_missing_action() {
        let viewer = AdminView {
            id: 1,
            email: "v@example.com".into(),
            name: "Vera".into(),
            role: RoleRef {
                id: 3,
                name: "Viewer".into(),
            },
            permissions: vec![AdminPermission::ApiTokensRead],
        };
        assert!(viewer.can(AdminPermission::ApiTokensRead));
        assert_eq!(viewer.denial(AdminPermission::ApiTokensRead), None);
        assert_eq!(
            viewer.denial(AdminPermission::ApiTokensCreate).unwrap(),
            "Your role (Viewer) does not allow creating API tokens."
        );
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let add = AddAdminRequest {
            password: "hunter2hunter2".into(),
            ..Default::default()
        };
        assert!(!format!("{add:?}").contains("hunter2"));
        let change = ChangePasswordRequest {
            current_password: "old-secret-value".into(),
            password: "new-secret-value".into(),
            password_confirm: "new-secret-value".into(),
        };
        assert!(!format!("{change:?}").contains("secret"));
    }
}
