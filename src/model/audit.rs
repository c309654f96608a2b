//! The audit log as the panel and the server share it: one event, the filters of
//! Settings > Audit log, and a page of results.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::FieldError;

/// Events per page of the audit log.
pub const AUDIT_PAGE_SIZE: u32 = 50;
/// Longest token filter text accepted.
const TOKEN_FILTER_MAX: usize = 100;

/// What happened. A closed set: the page's action filter lists exactly these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignOut,
    SignOutEverywhere,
    PasswordConfirmed,
    PasswordConfirmFailed,
    TokenCreate,
    TokenUpdate,
    TokenRegenerate,
    TokenRenew,
    TokenRevoke,
    TokenSuspend,
    TokenResume,
    /// A value was reported as leaked: its token revoked (or a previous value's grace ended).
    TokenLeaked,
    TokenExport,
    AdminSetUp,
    AdminAdd,
    AdminRoleChange,
    AdminDeactivate,
    AdminReactivate,
    AdminRemove,
    AdminRename,
    AdminPasswordChange,
    AdminPasswordReset,
    RoleCreate,
    RoleUpdate,
    RoleDelete,
    PolicyUpdate,
    WebhookCreate,
    WebhookUpdate,
    WebhookDelete,
    WebhookRotateSecret,
}

impl AuditAction {
    pub const ALL: [AuditAction; 32] = [
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignOut,
        AuditAction::SignOutEverywhere,
        AuditAction::PasswordConfirmed,
        AuditAction::PasswordConfirmFailed,
        AuditAction::TokenCreate,
        AuditAction::TokenUpdate,
        AuditAction::TokenRegenerate,
        AuditAction::TokenRenew,
        AuditAction::TokenRevoke,
        AuditAction::TokenSuspend,
        AuditAction::TokenResume,
        AuditAction::TokenLeaked,
        AuditAction::TokenExport,
        AuditAction::AdminSetUp,
        AuditAction::AdminAdd,
        AuditAction::AdminRoleChange,
        AuditAction::AdminDeactivate,
        AuditAction::AdminReactivate,
        AuditAction::AdminRemove,
        AuditAction::AdminRename,
        AuditAction::AdminPasswordChange,
        AuditAction::AdminPasswordReset,
        AuditAction::RoleCreate,
        AuditAction::RoleUpdate,
        AuditAction::RoleDelete,
        AuditAction::PolicyUpdate,
        AuditAction::WebhookCreate,
        AuditAction::WebhookUpdate,
        AuditAction::WebhookDelete,
        AuditAction::WebhookRotateSecret,
    ];

    /// The stable identifier, as stored and used in URLs (`token.revoke`).
    pub fn as_str(self) -> &'static str {
        use AuditAction::*;
        match self {
            SignIn => "sign_in",
            SignInFailed => "sign_in.failed",
            SignOut => "sign_out",
            SignOutEverywhere => "sign_out.everywhere",
            PasswordConfirmed => "password.confirmed",
            PasswordConfirmFailed => "password.confirm_failed",
            TokenCreate => "token.create",
            TokenUpdate => "token.update",
            TokenRegenerate => "token.regenerate",
            TokenRenew => "token.renew",
            TokenRevoke => "token.revoke",
            TokenSuspend => "token.suspend",
            TokenResume => "token.resume",
            TokenLeaked => "token.leaked",
            TokenExport => "token.export",
            AdminSetUp => "admin.set_up",
            AdminAdd => "admin.add",
            AdminRoleChange => "admin.role_change",
            AdminDeactivate => "admin.deactivate",
            AdminReactivate => "admin.reactivate",
            AdminRemove => "admin.remove",
            AdminRename => "admin.rename",
            AdminPasswordChange => "admin.password_change",
            AdminPasswordReset => "admin.password_reset",
            RoleCreate => "role.create",
            RoleUpdate => "role.update",
            RoleDelete => "role.delete",
            PolicyUpdate => "policy.update",
            WebhookCreate => "webhook.create",
            WebhookUpdate => "webhook.update",
            WebhookDelete => "webhook.delete",
            WebhookRotateSecret => "webhook.rotate_secret",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == value)
    }

    /// How the page names it.
    pub fn label(self) -> &'static str {
        use AuditAction::*;
        match self {
            SignIn => "Signed in",
            SignInFailed => "Failed sign-in",
            SignOut => "Signed out",
            SignOutEverywhere => "Signed out everywhere",
            PasswordConfirmed => "Confirmed password",
            PasswordConfirmFailed => "Failed password confirmation",
            TokenCreate => "Created token",
            TokenUpdate => "Edited token",
            TokenRegenerate => "Regenerated token",
            TokenRenew => "Renewed token",
            TokenRevoke => "Revoked token",
            TokenSuspend => "Suspended token",
            TokenResume => "Resumed token",
            TokenLeaked => "Token reported as leaked",
            TokenExport => "Exported tokens",
            AdminSetUp => "Set up Tollgate",
            AdminAdd => "Added administrator",
            AdminRoleChange => "Changed role of administrator",
            AdminDeactivate => "Deactivated administrator",
            AdminReactivate => "Reactivated administrator",
            AdminRemove => "Removed administrator",
            AdminRename => "Renamed self",
            AdminPasswordChange => "Changed own password",
            AdminPasswordReset => "Reset password (command line)",
            RoleCreate => "Created role",
            RoleUpdate => "Edited role",
            RoleDelete => "Deleted role",
            PolicyUpdate => "Changed token policy",
            WebhookCreate => "Added webhook",
            WebhookUpdate => "Edited webhook",
            WebhookDelete => "Deleted webhook",
            WebhookRotateSecret => "Rotated webhook secret",
        }
    }
}

/// What an event was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuditTargetKind {
    Token,
    Admin,
    Role,
    Webhook,
}

impl AuditTargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditTargetKind::Token => "token",
            AuditTargetKind::Admin => "admin",
            AuditTargetKind::Role => "role",
            AuditTargetKind::Webhook => "webhook",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Token, Self::Admin, Self::Role, Self::Webhook]
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// The token, admin or role an event was about, named as it was then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditTarget {
    pub kind: AuditTargetKind,
    pub id: i64,
    pub name: String,
}

/// One line of the audit log. Never holds a secret: no token value, hash, password or
/// session id is ever written to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub action: AuditAction,
    /// `None`: nobody was signed in (a failed sign-in, the command line).
    pub actor_id: Option<i64>,
    /// The actor's name at the time; for a failed sign-in, the email that was tried.
    pub actor_name: String,
    pub target: Option<AuditTarget>,
    /// What changed, in a few words (`role: Editor → Viewer`); may be empty.
    pub detail: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The audit page's filters and where the page starts, as its URL carries them. All
/// optional; unknown or malformed values are refused with the field named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AuditQuery {
    pub actor: Option<i64>,
    pub action: Option<AuditAction>,
    /// A token's id, or text its name (at the time) contains.
    pub token: Option<String>,
    /// First and last day, inclusive, in UTC.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only events older than this id: the next page.
    pub before: Option<i64>,
}

impl AuditQuery {
    /// Reads the URL's parameters (`actor`, `action`, `token`, `from`, `to`, `before`);
    /// empty ones count as absent.
    pub fn from_params<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let text = |name: &str| get(name).map(str::trim).filter(|v| !v.is_empty());
        let mut number = |name: &str, what: &str| {
            text(name).and_then(|v| match v.parse::<i64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errors.push(FieldError::new(name, format!("Expected {what}.")));
                    None
                }
            })
        };
        let actor = number("actor", "an administrator's id");
        let before = number("before", "the id of an event (use the page's links)");
        let action = text("action").and_then(|v| {
            AuditAction::parse(v).or_else(|| {
                errors.push(FieldError::new("action", "Pick an action from the list."));
                None
            })
        });
        let mut date = |name: &str| {
            text(name).and_then(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d").ok().or_else(|| {
                    errors.push(FieldError::new(name, "Expected a date like 2026-11-25."));
                    None
                })
            })
        };
        let from = date("from");
        let to = date("to");
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            errors.push(FieldError::new(
                "to",
                "The last day comes before the first: swap them.",
            ));
        }
        let token = text("token").map(str::to_owned);
        if token
            .as_ref()
            .is_some_and(|t| t.chars().count() > TOKEN_FILTER_MAX)
        {
            errors.push(FieldError::new(
                "token",
                format!("At most {TOKEN_FILTER_MAX} characters."),
            ));
        }
        if errors.is_empty() {
            Ok(Self {
                actor,
                action,
                token,
                from,
                to,
                before,
            })
        } else {
            Err(errors)
        }
    }
}

/// An administrator who appears in the log, for the actor filter: their latest name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditActor {
    pub id: i64,
    pub name: String,
}

/// One page of events, newest first, and where the next (older) page starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next_before: Option<i64>,
    /// Everyone who has acted, for the actor filter.
    pub actors: Vec<AuditActor>,
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<AuditQuery, Vec<FieldError>> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        AuditQuery::from_params(|name| map.get(name).copied())
    }

    #[test]
    fn actions_round_trip_through_their_names() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            assert!(!action.label().is_empty());
        }
    }

    #[test]
    fn a_query_parses_trimmed_and_blank_filters_are_none() {
        let query = parse(&[
            ("actor", "3"),
            ("action", "token.revoke"),
            ("token", " deploy "),
            ("from", "2026-11-01"),
            ("to", "2026-11-25"),
            ("before", "90"),
        ])
        .unwrap();
        assert_eq!(query.actor, Some(3));
        assert_eq!(query.token.as_deref(), Some("deploy"));
        assert_eq!(query.before, Some(90));
        assert_eq!(
            parse(&[("actor", ""), ("token", "  ")]).unwrap(),
            AuditQuery::default()
        );
    }

    #[test]
    fn bad_filters_name_their_field() {
        let errors = parse(&[
            ("actor", "bob"),
            ("action", "token.explode"),
            ("from", "2026-11-30"),
            ("to", "2026-11-01"),
        ])
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["actor", "action", "to"]);
        let errors = parse(&[("from", "yesterday")]).unwrap_err();
        assert_eq!(errors[0].field, "from");
    }
}
