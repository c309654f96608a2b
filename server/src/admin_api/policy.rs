//! `/admin/api/policy[/preview|/bring-into-policy]`: the token policy, what a candidate
//! would do, and shortening the tokens outside it. The rules are the core's.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use tollgate::policy::PolicyRequest;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};

use super::AdminSession;
use crate::answers::{BroughtInData, PolicyData, PolicyPreviewData};
use crate::json_body::JsonBody;
use crate::json_error::ApiError;
use crate::router::AppState;

/// A whole policy, for `PUT` and the preview. Absent or `null` days mean none.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    /// Days the create form starts with, at most the maximum; `null`: unlimited (only
    /// without a maximum or a required expiry).
    #[schema(example = 30, minimum = 1, maximum = 3650)]
    #[serde(default, deserialize_with = "tollgate::model::whole_number::option")]
    default_duration_days: Option<i64>,
    /// Up to 5 distinct day counts before expiry at which admins are warned.
    #[schema(schema_with = warning_days)]
    #[serde(deserialize_with = "tollgate::model::whole_number::list")]
    expiry_warning_days: Vec<i64>,
    /// The longest a token may live; `null`: no maximum.
    #[schema(example = 90, minimum = 1, maximum = 3650)]
    #[serde(default, deserialize_with = "tollgate::model::whole_number::option")]
    max_lifetime_days: Option<i64>,
    /// Every token must expire (implied by a maximum).
    require_expiry: bool,
    /// Revoke tokens unused this many days; `null`: never.
    #[schema(minimum = 1, maximum = 3650)]
    #[serde(default, deserialize_with = "tollgate::model::whole_number::option")]
    revoke_unused_after_days: Option<i64>,
}

/// `expiry_warning_days`: the item bounds and uniqueness the core checks, in the schema.
fn warning_days() -> ArrayBuilder {
    let day = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(tollgate::policy::MAX_WARNING_DAYS));
    ArrayBuilder::new()
        .items(day)
        .max_items(Some(tollgate::policy::MAX_WARNINGS))
        .unique_items(true)
        .description(Some(
            "Up to 5 distinct day counts (1 to 365) before expiry at which admins are warned.",
        ))
        .examples([serde_json::json!([7, 1])])
}

impl From<PolicyBody> for PolicyRequest {
    fn from(body: PolicyBody) -> Self {
        Self {
            default_duration_days: body.default_duration_days,
            expiry_warning_days: body.expiry_warning_days,
            max_lifetime_days: body.max_lifetime_days,
            require_expiry: body.require_expiry,
            revoke_unused_after_days: body.revoke_unused_after_days,
        }
    }
}

/// `GET /admin/api/policy`.
pub async fn show(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
) -> Result<Json<PolicyData>, ApiError> {
    let policy = state.core.policy.get(&admin).await?;
    Ok(Json(PolicyData::new(policy)))
}

/// `PUT /admin/api/policy`: the whole policy; audited with what changed.
pub async fn update(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    JsonBody(body): JsonBody<PolicyBody>,
) -> Result<Json<PolicyData>, ApiError> {
    let policy = state.core.policy.save(&admin, &body.into()).await?;
    Ok(Json(PolicyData::new(policy)))
}

/// `POST /admin/api/policy/preview`: a candidate policy, not saved; the counts it would
/// give today.
pub async fn preview(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    JsonBody(body): JsonBody<PolicyBody>,
) -> Result<Json<PolicyPreviewData>, ApiError> {
    let preview = state.core.policy.preview(&admin, &body.into()).await?;
    Ok(Json(PolicyPreviewData::new(preview)))
}

/// `POST /admin/api/policy/bring-into-policy`: shortens every working token outside the
/// policy in force.
pub async fn bring_into_policy(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
) -> Result<Json<BroughtInData>, ApiError> {
    let brought = state.core.tokens.bring_into_policy(&admin).await?;
    Ok(Json(BroughtInData::new(brought)))
}
