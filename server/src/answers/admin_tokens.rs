//! The admin API's answers (`/admin/api/tokens…`): a token as an admin sees it, one or a
//! page of them, and the two answers that carry a token's value.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tollgate::catalog::Permission;
use tollgate::model::{CreatedToken, RevealedSecret, TokenStatus, TokenType, TokenView};
use utoipa::ToSchema;

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
    #[schema(example = "CI publisher")]
    pub name: String,
    /// `resource.action`; empty unless the type is `custom`.
    #[schema(value_type = Vec<String>, example = json!(["articles.create"]))]
    pub permissions: Vec<Permission>,
    /// `null` unless revoked.
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
    /// The revoking admin's name; `null` for working tokens, and once that admin is gone.
    #[schema(required = true)]
    pub revoked_by: Option<String>,
    #[schema(schema_with = super::token_status)]
    pub status: TokenStatus,
    #[serde(rename = "type")]
    #[schema(schema_with = super::token_type)]
    pub token_type: TokenType,
}

impl AdminToken {
    /// The token as it stands at `now`. The pattern names every field of the view, so a
    /// field added to [`TokenView`] does not compile here until someone decides whether the
    /// API shows it (and the schema then says so).
    pub fn new(token: TokenView, now: DateTime<Utc>) -> Self {
        let status = token.status(now);
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
            // Not shown by the admin API yet: issue 14 adds them here and to the schema.
            restrictions: _,
            quota_remaining: _,
            metadata: _,
            suspended: _,
            previous_value: _,
        } = token;
        Self {
            created_at,
            created_by,
            created_by_removed,
            description,
            expires_at,
            hint,
            id,
            last_used_at,
            last_used_ip,
            name,
            permissions,
            revoked_at,
            revoked_by,
            status,
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
