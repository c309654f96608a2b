//! The admin API's answers (`/admin/api/tokens…`): a token as an admin sees it, one or a
//! page of them, and the two answers that carry a token's value.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tollgate::catalog::Permission;
use tollgate::model::{
    CreatedToken, LeakReport, Metadata, PreviousValue, Restrictions, RevealedSecret, Suspension,
    TokenStatus, TokenType, TokenView,
};
use utoipa::ToSchema;

use super::restrictions;

/// A token as the admin API shows it: never its value, only a hint of it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminToken {
    #[schema(required = true)]
    pub created_at: DateTime<Utc>,
    /// The creating admin's name; `null` for the tokens Tollgate made on its first start.
    #[schema(required = true)]
    pub created_by: Option<String>,
    /// That admin has been removed since (the token keeps working).
    pub created_by_removed: bool,
    /// Empty when the token has none.
    pub description: String,
    /// `null`: never expires.
    #[schema(required = true)]
    pub expires_at: Option<DateTime<Utc>>,
    /// When that expiry was chosen (the create, an edit of it, a renew): a renew extends the
    /// token by `expires_at` − `expiry_set_at`, from the moment of the renew. `null` when it
    /// never expires.
    #[schema(required = true)]
    pub expiry_set_at: Option<DateTime<Utc>>,
    /// `tg_…` and the last four characters.
    #[schema(example = "tg_…a1B2")]
    pub hint: String,
    #[schema(example = 42)]
    pub id: i64,
    /// `null` until the token is first used.
    #[schema(required = true)]
    pub last_used_at: Option<DateTime<Utc>>,
    /// The client address of that last use.
    #[schema(required = true)]
    pub last_used_ip: Option<String>,
    /// Set when the token was revoked because its value was reported as leaked
    /// (`POST /api/tokens/leaked`); `null` otherwise.
    #[schema(required = true)]
    pub leak: Option<Leak>,
    #[schema(schema_with = restrictions::metadata)]
    pub metadata: Metadata,
    #[schema(example = "CI publisher")]
    pub name: String,
    /// The token works, but the token policy in force would not allow its expiry today
    /// (it expires later than the maximum lifetime allows, or never while the policy
    /// requires an expiry). It keeps working; `GET /admin/api/tokens?policy=outside` lists
    /// these, and "bring into policy" shortens them.
    pub outside_policy: bool,
    /// `resource.action`; empty unless the type is `custom`.
    #[schema(value_type = Vec<String>, example = json!(["articles.create"]))]
    pub permissions: Vec<Permission>,
    /// The value before the last regenerate, while its grace period lasts; `null` once
    /// it stopped working.
    #[schema(required = true)]
    pub previous_value: Option<GraceValue>,
    /// What the quota has left in its period; `null` without a quota.
    #[schema(required = true)]
    pub quota_remaining: Option<i64>,
    #[schema(schema_with = restrictions::restrictions_answer)]
    pub restrictions: Restrictions,
    /// `null` unless revoked.
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
    /// The revoking admin's name; `null` for working tokens, and once that admin is gone.
    #[schema(required = true)]
    pub revoked_by: Option<String>,
    /// Why Tollgate revoked it when no admin did: `leaked` (a leak report) or `unused`
    /// (the token policy's inactivity rule); `null` otherwise.
    #[schema(required = true, value_type = Option<String>, example = "unused")]
    pub revoked_reason: Option<&'static str>,
    #[schema(schema_with = super::token_status)]
    pub status: TokenStatus,
    /// `null` unless suspended.
    #[schema(required = true)]
    pub suspended: Option<Hold>,
    #[serde(rename = "type")]
    #[schema(schema_with = super::token_type)]
    pub token_type: TokenType,
}

/// A suspension: who stopped the token, when and why.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Suspension)]
pub struct Hold {
    pub at: DateTime<Utc>,
    /// The suspending admin's name; `null` once that admin is gone.
    #[schema(required = true)]
    pub by: Option<String>,
    /// Empty when none was given.
    pub reason: String,
}

impl From<Suspension> for Hold {
    fn from(Suspension { at, by, reason }: Suspension) -> Self {
        Self { at, by, reason }
    }
}

/// A leak report that revoked the token (at its `revoked_at`).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LeakReport)]
pub struct Leak {
    /// The address the report came from.
    #[schema(required = true)]
    pub reported_from: Option<String>,
    /// Where the reporter found the value, if they said.
    #[schema(required = true)]
    pub source: Option<String>,
}

impl From<LeakReport> for Leak {
    fn from(
        LeakReport {
            reported_from,
            source,
        }: LeakReport,
    ) -> Self {
        Self {
            reported_from,
            source,
        }
    }
}

/// The previous value during a regenerate's grace period.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PreviousValue)]
pub struct GraceValue {
    /// `tg_…` and the old value's last four characters.
    pub hint: String,
    /// It stops working then (or when the grace period is ended early).
    pub until: DateTime<Utc>,
}

impl From<PreviousValue> for GraceValue {
    fn from(PreviousValue { hint, until }: PreviousValue) -> Self {
        Self { hint, until }
    }
}

impl AdminToken {
    /// The token as it stands at `now`. The pattern names every field of the view, so a
    /// field added to [`TokenView`] does not compile here until someone decides whether the
    /// API shows it (and the schema then says so).
    pub fn new(token: TokenView, now: DateTime<Utc>) -> Self {
        let status = token.status(now);
        let previous_works = token.previous_value_works(now);
        let TokenView {
            id,
            name,
            description,
            token_type,
            permissions,
            hint,
            created_by,
            created_by_removed,
            created_at,
            last_used_at,
            last_used_ip,
            expires_at,
            revoked_at,
            revoked_by,
            restrictions,
            quota_remaining,
            metadata,
            suspended,
            previous_value,
            leak,
            expiry_set_at,
            revoked_unused,
            outside_policy,
        } = token;
        let revoked_reason = if leak.is_some() {
            Some("leaked")
        } else {
            revoked_unused.then_some("unused")
        };
        Self {
            created_at,
            created_by,
            created_by_removed,
            description,
            expires_at,
            expiry_set_at,
            hint,
            id,
            last_used_at,
            last_used_ip,
            leak: leak.map(Leak::from),
            metadata,
            name,
            outside_policy,
            permissions,
            previous_value: previous_value
                .filter(|_| previous_works)
                .map(GraceValue::from),
            quota_remaining,
            restrictions,
            revoked_at,
            revoked_by,
            revoked_reason,
            status,
            suspended: suspended.map(Hold::from),
            token_type,
        }
    }
}

/// One token: show, change, revoke.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenData {
    pub data: AdminToken,
}

impl TokenData {
    pub fn new(token: TokenView) -> Self {
        Self {
            data: AdminToken::new(token, Utc::now()),
        }
    }
}

/// One page of the list.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenPage {
    pub data: Vec<AdminToken>,
    /// Pass as `after` for the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

impl TokenPage {
    pub fn new(page: tollgate::model::TokenPage) -> Self {
        let now = Utc::now();
        Self {
            data: page
                .data
                .into_iter()
                .map(|token| AdminToken::new(token, now))
                .collect(),
            next_cursor: page.next_cursor,
        }
    }
}

/// Create and regenerate answer with the token's value, once: the only answers that do.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenWithSecret {
    pub data: AdminToken,
    /// The token's value; store it now, it is never shown again.
    #[schema(value_type = String, example = "tg_…")]
    pub secret: RevealedSecret,
}

impl TokenWithSecret {
    pub fn new(created: CreatedToken) -> Self {
        Self {
            data: AdminToken::new(created.token, Utc::now()),
            secret: created.secret,
        }
    }
}
