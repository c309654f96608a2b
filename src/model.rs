use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::Permission;

mod listing;
pub use listing::{
    BULK_REVOKE_MAX, DEFAULT_LIMIT, LEAKED_STATUS, LEAKED_STATUS_LABEL, MAX_LIMIT, SEARCH_MAX,
    SortColumn, SortDirection, TokenListParams, TokenListQuery, TokenPage, TokenSort, TokenStatus,
};
mod list_filters;
pub use list_filters::{CreatorFilter, ExportFormat, PolicyFilter, TokenCreator, UnusedFor};
mod admin;
pub use admin::*;
mod restrictions;
pub use restrictions::*;
mod audit;
mod leaks;
pub use leaks::*;
mod webhooks;
pub use webhooks::*;
pub mod whole_number;
pub use crate::lifetime::TokenLifetime;
pub use audit::*;

/// What a token may do. Read-only and full access cover every content resource; custom is
/// an explicit list of resource × action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum TokenType {
    #[default]
    ReadOnly,
    FullAccess,
    Custom,
}

impl TokenType {
    pub const ALL: [TokenType; 3] = [
        TokenType::ReadOnly,
        TokenType::FullAccess,
        TokenType::Custom,
    ];

    /// The stable identifier used in the database, the API and form values.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenType::ReadOnly => "read-only",
            TokenType::FullAccess => "full-access",
            TokenType::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TokenType::ReadOnly => "Read-only",
            TokenType::FullAccess => "Full access",
            TokenType::Custom => "Custom",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }
}

/// Tollgate acting on its own (the tokens made on the first start), where an admin's name
/// would be: a token's creator, an audit event's actor.
pub const TOLLGATE_ITSELF: &str = "Tollgate (automatic)";

/// A token as the list shows it: never the secret, only a hint of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub description: String,
    #[serde(rename = "type")]
    pub token_type: TokenType,
    pub permissions: Vec<Permission>,
    /// `tg_…` and the last four characters.
    pub hint: String,
    /// The creating admin's name; `None` for tokens no admin made.
    pub created_by: Option<String>,
    /// That admin was removed: the token keeps working, the list marks the name.
    #[serde(default)]
    pub created_by_removed: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The client address of that last use.
    pub last_used_ip: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When that expiry was chosen (the create, an edit of it, a renew); `None` when the
    /// token never expires. A renew extends by `expires_at - expiry_set_at`.
    #[serde(default)]
    pub expiry_set_at: Option<DateTime<Utc>>,
    /// When the token was revoked; it stays listed (under the "revoked" filter) as history.
    pub revoked_at: Option<DateTime<Utc>>,
    /// The revoking admin's name; `None` for working tokens, and once that admin is gone.
    pub revoked_by: Option<String>,
    /// How the token may be used (networks, rate limit, quota, not before).
    #[serde(default)]
    pub restrictions: Restrictions,
    /// What a quota has left (not counting blocks instances have leased); `None`
    /// without a quota.
    #[serde(default)]
    pub quota_remaining: Option<i64>,
    #[serde(default)]
    pub metadata: Metadata,
    /// Set while the token is suspended.
    #[serde(default)]
    pub suspended: Option<Suspension>,
    /// The old value during a regenerate's grace period.
    #[serde(default)]
    pub previous_value: Option<PreviousValue>,
    /// Set when the token was revoked because its value was reported as leaked.
    #[serde(default)]
    pub leak: Option<LeakReport>,
    /// Revoked by the policy's inactivity rule (by Tollgate, not an admin).
    #[serde(default)]
    pub revoked_unused: bool,
    /// The token works but the policy in force would not allow its expiry today
    /// ([`crate::policy::TokenPolicy::puts_outside`]). Set by the services that show
    /// tokens, which read the policy; `false` as the store reads a row.
    #[serde(default)]
    pub outside_policy: bool,
}

impl TokenView {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        crate::lifetime::is_expired(self.expires_at, now)
    }

    /// Revoked wins over expired: a revoked token never works again, an expired one could
    /// be given a new expiry.
    /// Expired wins over suspended: resuming would not make it work.
    pub fn status(&self, now: DateTime<Utc>) -> TokenStatus {
        if self.revoked_at.is_some() {
            TokenStatus::Revoked
        } else if self.is_expired(now) {
            TokenStatus::Expired
        } else if self.suspended.is_some() {
            TokenStatus::Suspended
        } else {
            TokenStatus::Active
        }
    }

    /// How long a renew extends the token: the duration its current expiry was chosen
    /// with. `None` when it never expires.
    pub fn renewal(&self) -> Option<chrono::Duration> {
        crate::lifetime::renewal(self.expires_at, self.expiry_set_at)
    }

    /// The previous value still works at `now` (a regenerate's grace period).
    pub fn previous_value_works(&self, now: DateTime<Utc>) -> bool {
        self.previous_value
            .as_ref()
            .is_some_and(|p| !crate::lifetime::has_passed(p.until, now))
    }

    /// Who created the token, as the panel shows it: a removed admin's name is marked.
    pub fn creator_label(&self) -> String {
        match (&self.created_by, self.created_by_removed) {
            (Some(name), false) => name.clone(),
            (Some(name), true) => format!("{name} (removed)"),
            (None, _) => TOLLGATE_ITSELF.to_owned(),
        }
    }

    /// How the token was revoked, as the panel says it after the date: "by Ada", "as
    /// reported leaked"; `None` while it works.
    pub fn revocation_label(&self) -> Option<String> {
        self.revoked_at?;
        if self.revoked_unused {
            return Some(format!("by {TOLLGATE_ITSELF}: unused"));
        }
        Some(match (&self.leak, &self.revoked_by) {
            (Some(_), _) => "reported as leaked".to_owned(),
            (None, Some(name)) => format!("by {name}"),
            (None, None) => "by (removed admin)".to_owned(),
        })
    }
}

/// Requests that presented one token, and how many of them were refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct UsageCounts {
    pub requests: i64,
    /// Refused as expired, suspended or not yet valid (401).
    pub unauthorized: i64,
    /// Refused for a missing permission or from a network it may not be used from (403).
    pub forbidden: i64,
    /// Refused by its rate limit or an exhausted quota (429).
    #[serde(default)]
    pub limited: i64,
}

/// One token's usage on one UTC day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct DailyUsage {
    pub day: NaiveDate,
    #[serde(flatten)]
    #[cfg_attr(feature = "server", sqlx(flatten))]
    pub counts: UsageCounts,
}

/// One token's page: the token and its usage over the last [`USAGE_DAYS`] days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenDetails {
    pub token: TokenView,
    /// One entry per day, oldest first, days without requests included as zeros.
    pub usage: Vec<DailyUsage>,
    /// Allowed requests per permission over the same days, most used first.
    #[serde(default)]
    pub permission_usage: Vec<PermissionUse>,
    /// Requests made with the previous value during its grace period, by address, latest
    /// first.
    #[serde(default)]
    pub previous_value_uses: Vec<PreviousValueUse>,
}

impl TokenDetails {
    /// A custom token's permissions that no request used over the charted days: what
    /// "remove unused permissions" takes away. Empty for the other types (they list no
    /// permissions; [`Self::permission_usage`] shows what they touch).
    pub fn unused_permissions(&self) -> Vec<crate::catalog::Permission> {
        if self.token.token_type != TokenType::Custom {
            return Vec::new();
        }
        self.token
            .permissions
            .iter()
            .filter(|p| {
                !self
                    .permission_usage
                    .iter()
                    .any(|u| &u.permission == *p && u.requests > 0)
            })
            .cloned()
            .collect()
    }
}

/// How many days of usage a token's page charts.
pub const USAGE_DAYS: u32 = 30;

/// What the create form sends, unvalidated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NewTokenRequest {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `None`: the token policy's default duration (an API create that sends none), which
    /// the core resolves when it reads the policy.
    #[serde(default)]
    pub lifetime: Option<TokenLifetime>,
    #[serde(rename = "type")]
    pub token_type: TokenType,
    #[serde(default)]
    pub permissions: Vec<Permission>,
    #[serde(default)]
    pub restrictions: Restrictions,
    #[serde(default)]
    pub metadata: Metadata,
}

/// What an edit sends: only the fields to change (`None` leaves a field as it is). The
/// same rules as [`NewTokenRequest`] apply to the token that results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TokenPatch {
    #[serde(default)]
    pub name: Option<String>,
    /// `Some("")` clears the description.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, rename = "type")]
    pub token_type: Option<TokenType>,
    /// Only for custom tokens. Changing the type away from custom drops them.
    #[serde(default)]
    pub permissions: Option<Vec<Permission>>,
    /// A new lifetime, counted from the moment of the change.
    #[serde(default)]
    pub lifetime: Option<TokenLifetime>,
    /// All the restrictions at once: what is not set is lifted. A changed quota starts
    /// full.
    #[serde(default)]
    pub restrictions: Option<Restrictions>,
    /// Replaces the metadata; `{}` clears it.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// Sets what the quota has left (the token must have a quota).
    #[serde(default, deserialize_with = "whole_number::option")]
    pub quota_remaining: Option<i64>,
}

/// The one response that carries a token's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: TokenView,
    pub secret: RevealedSecret,
}

/// A token's plaintext on its single way out (create / regenerate response). `Debug` is
/// redacted so the value can't slip into a log line.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RevealedSecret(pub String);

impl RevealedSecret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RevealedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RevealedSecret(<redacted>)")
    }
}

/// What the first-administrator form sends.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NewAdminRequest {
    pub email: String,
    pub name: String,
    pub password: String,
    pub password_confirm: String,
}

impl fmt::Debug for NewAdminRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAdminRequest")
            .field("email", &self.email)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// What the sign-in form sends.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

impl fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignInRequest")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// One problem with one field of a form or request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// `“a”, “b”, and 3 more`: the names `shown` of `total` things, as notifications and the
/// policy preview list them.
pub fn quoted_names(shown: &[String], total: i64) -> String {
    let mut listed: Vec<String> = shown.iter().map(|n| format!("“{n}”")).collect();
    let rest = total - shown.len() as i64;
    if rest > 0 {
        listed.push(format!("and {rest} more"));
    }
    listed.join(", ")
}

/// Formats a UTC time the same way on the server and in the browser, so hydration matches.
pub fn format_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}
