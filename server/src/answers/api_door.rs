//! The API door's answers of a fixed shape: the self-check and forward-auth's grant.
//! (Stored documents have none: their fields are their client's; see `openapi::schemas`.)

use chrono::{DateTime, Utc};
use serde::Serialize;
use tollgate::catalog::Permission;
use tollgate::model::{Metadata, TokenStatus, TokenType};
use utoipa::ToSchema;

use super::restrictions;

/// `GET /api/tokens/verify`: the presented token, as far as its holder may know it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TokenStatus)]
pub struct TokenCheck {
    /// `null` for a token that never expires.
    #[schema(required = true)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Seconds from now to `expires_at`; `null` for a token that never expires.
    #[schema(required = true)]
    pub expires_in_seconds: Option<i64>,
    #[schema(example = 42)]
    pub id: i64,
    #[schema(schema_with = restrictions::metadata)]
    pub metadata: Metadata,
    #[schema(example = "CI publisher")]
    pub name: String,
    /// Every permission the token holds, its type's included (`resource.action`).
    #[schema(value_type = Vec<String>, example = json!(["articles.find", "articles.findOne"]))]
    pub permissions: Vec<Permission>,
    /// Always `active`: any other token is refused with the 401 that says why.
    #[schema(schema_with = active)]
    pub status: TokenStatus,
    #[serde(rename = "type")]
    #[schema(schema_with = super::token_type)]
    pub token_type: TokenType,
}

fn active() -> utoipa::openapi::schema::ObjectBuilder {
    super::one_of(
        "Always `active`: any other token is refused with the 401 that says why.",
        [TokenStatus::Active.as_str()],
    )
}

/// `GET /auth/forward`: who may pass.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardGranted {
    /// The token's id (also in `X-Tollgate-Token-Id`).
    #[schema(example = 42)]
    pub id: i64,
    /// The token's metadata (also in `X-Tollgate-Token-Metadata`, as ASCII JSON).
    #[schema(schema_with = restrictions::metadata)]
    pub metadata: Metadata,
    /// The token's name (also in `X-Tollgate-Token-Name`, percent-encoded when not ASCII).
    #[schema(example = "CI publisher")]
    pub name: String,
    /// The permission the original request needed.
    #[schema(value_type = String, example = "articles.find")]
    pub permission: Permission,
}

/// The answer to every accepted leak report, whatever its values were.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeakReportReceived {
    /// How many values the report carried (valid or not: the answer never says).
    #[schema(example = 2)]
    pub received: usize,
}
