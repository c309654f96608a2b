//! The admin API's answers about the token policy (`/admin/api/policy…`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use tollgate::policy::{BroughtIntoPolicy, PolicyPreview, TokenPolicy};
use utoipa::ToSchema;

/// The token policy in force. Lifetimes count from the moment a token is created, edited
/// or regenerated.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Days the create form starts with; `null`: unlimited.
    #[schema(required = true, example = 30)]
    pub default_duration_days: Option<u32>,
    /// Days before expiry at which admins are warned, longest first.
    #[schema(example = json!([7, 1]))]
    pub expiry_warning_days: Vec<u32>,
    /// The longest a token may live from a write; `null`: no maximum.
    #[schema(required = true, example = 90)]
    pub max_lifetime_days: Option<u32>,
    /// Every token must expire (always `true` with a maximum).
    pub require_expiry: bool,
    /// Tokens unused this many days are to be revoked; `null`: never.
    #[schema(required = true)]
    pub revoke_unused_after_days: Option<u32>,
}

impl From<TokenPolicy> for Policy {
    fn from(policy: TokenPolicy) -> Self {
        Self {
            default_duration_days: policy.default_duration_days,
            expiry_warning_days: policy.expiry_warning_days,
            max_lifetime_days: policy.max_lifetime_days,
            require_expiry: policy.require_expiry,
            revoke_unused_after_days: policy.revoke_unused_after_days,
        }
    }
}

/// `GET` and `PUT /admin/api/policy`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyData {
    pub data: Policy,
}

impl PolicyData {
    pub fn new(policy: TokenPolicy) -> Self {
        Self {
            data: policy.into(),
        }
    }
}

/// What saving a candidate policy would do today.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyImpact {
    /// Working tokens (not revoked, not expired) that would be outside the policy. They
    /// keep working; "bring into policy" shortens them.
    pub outside_policy: i64,
    /// The names of the first 10 tokens the inactivity rule would revoke, longest unused
    /// first.
    pub unused_names: Vec<String>,
    /// Working tokens the inactivity rule would revoke today.
    pub unused_to_revoke: i64,
}

/// `POST /admin/api/policy/preview`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyPreviewData {
    pub data: PolicyImpact,
}

impl PolicyPreviewData {
    pub fn new(preview: PolicyPreview) -> Self {
        Self {
            data: PolicyImpact {
                outside_policy: preview.outside_policy,
                unused_names: preview.unused_names,
                unused_to_revoke: preview.unused_to_revoke,
            },
        }
    }
}

/// What "bring into policy" changed.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BroughtIn {
    /// The expiry the shortened tokens now have; `null` when none was outside.
    #[schema(required = true)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Tokens whose expiry was shortened, each audited.
    pub shortened: i64,
}

/// `POST /admin/api/policy/bring-into-policy`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BroughtInData {
    pub data: BroughtIn,
}

impl BroughtInData {
    pub fn new(brought: BroughtIntoPolicy) -> Self {
        Self {
            data: BroughtIn {
                expires_at: brought.expires_at,
                shortened: brought.shortened,
            },
        }
    }
}
