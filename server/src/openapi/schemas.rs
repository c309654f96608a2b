//! The JSON shapes the API answers with, as OpenAPI schemas. These types exist only to be
//! described: the handlers build the same shapes with `serde_json::json!`, and the router
//! tests and `scripts/fuzz.sh` check that what they answer matches what is documented
//! here. `deny_unknown_fields` makes each schema closed (`additionalProperties: false`), so
//! a field the server sends and the document leaves out is a failure, not a silent gap.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tollgate::model::TokenType;
use utoipa::ToSchema;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

/// Every error: `{"error": {"status", "code", "message", "details"}}`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Error)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// The HTTP status, repeated for clients that only keep the body.
    #[schema(example = 403)]
    pub status: u16,
    /// A stable, machine-readable reason: `missing_token`, `invalid_token`,
    /// `invalid_request`, `insufficient_scope`, `validation_failed`, `not_found`,
    /// `method_not_allowed`, `payload_too_large`, `too_many_requests`, `no_matching_route`,
    /// `unavailable`, `internal`.
    #[schema(example = "insufficient_scope")]
    pub code: String,
    /// What went wrong and how to fix it, for people.
    #[schema(example = "The token lacks the permission `articles.create`.")]
    pub message: String,
    /// One entry per field at fault; empty when the error is not about a field.
    pub details: Vec<FieldProblem>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = FieldError)]
pub struct FieldProblem {
    #[schema(example = "id")]
    pub field: String,
    #[schema(example = "The document id must be a whole number.")]
    pub message: String,
}

/// `GET /api/tokens/verify`: the presented token, as far as its holder may know it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenStatus {
    #[schema(example = "active")]
    pub status: String,
    #[schema(example = 42)]
    pub id: i64,
    #[schema(example = "CI publisher")]
    pub name: String,
    #[serde(rename = "type")]
    #[schema(schema_with = token_type)]
    pub token_type: String,
    /// Every permission the token holds, its type's included (`resource.action`).
    #[schema(example = json!(["articles.find", "articles.findOne"]))]
    pub permissions: Vec<String>,
    /// `null` for a token that never expires.
    pub expires_at: Option<DateTime<Utc>>,
    pub expires_in_seconds: Option<i64>,
}

/// `GET /auth/forward`: who may pass.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardGranted {
    /// The token's id (also in `X-Tollgate-Token-Id`).
    #[schema(example = 42)]
    pub id: i64,
    /// The token's name (also in `X-Tollgate-Token-Name`, percent-encoded when not ASCII).
    #[schema(example = "CI publisher")]
    pub name: String,
    /// The permission the original request needed.
    #[schema(example = "articles.find")]
    pub permission: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Readiness {
    /// `ok`, or `unavailable` when the database does not answer.
    #[schema(example = "ok")]
    pub status: String,
    /// `sqlite` or `postgres`; absent when unavailable.
    #[schema(example = "sqlite")]
    pub database: Option<String>,
}

/// The token types, named as everywhere in the API; read from the core, so they can't drift.
fn token_type() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some("The token's type."))
        .enum_values(Some(TokenType::ALL.map(TokenType::as_str)))
}

/// A token as the admin API shows it: never its value, only a hint of it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminToken {
    #[schema(example = 42)]
    pub id: i64,
    #[schema(example = "CI publisher")]
    pub name: String,
    pub description: String,
    #[serde(rename = "type")]
    #[schema(schema_with = token_type)]
    pub token_type: String,
    /// `resource.action`; empty unless the type is `custom`.
    #[schema(example = json!(["articles.create"]))]
    pub permissions: Vec<String>,
    /// `tg_…` and the last four characters.
    #[schema(example = "tg_…a1B2")]
    pub hint: String,
    /// The creating admin's name; `null` for the tokens Tollgate made on its first start.
    pub created_by: Option<String>,
    /// That admin has been removed since (the token keeps working).
    pub created_by_removed: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The client address of that last use.
    pub last_used_ip: Option<String>,
    /// `null`: never expires.
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The revoking admin's name.
    pub revoked_by: Option<String>,
    /// Right now: `active`, `expired` or `revoked`.
    #[schema(example = "active")]
    pub status: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenData {
    pub data: AdminToken,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenPage {
    pub data: Vec<AdminToken>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Create and regenerate answer with the token's value, once.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenWithSecret {
    pub data: AdminToken,
    #[schema(example = "tg_…")]
    pub secret: String,
}

/// A stored JSON document: its own fields, plus `id`, `created_at` and, once replaced,
/// `updated_at`. Built by hand because its fields are whatever clients stored.
pub fn document() -> RefOr<Schema> {
    ObjectBuilder::new()
        .description(Some(
            "A stored JSON document: the fields its client sent, plus `id`, `created_at` and, once replaced, `updated_at`.",
        ))
        .property("id", ObjectBuilder::new().schema_type(Type::Integer))
        .property(
            "created_at",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::DateTime,
                ))),
        )
        .property(
            "updated_at",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::DateTime,
                ))),
        )
        .required("id")
        .required("created_at")
        .additional_properties(Some(AdditionalProperties::FreeForm(true)))
        .into()
}

/// What a client sends as a document: any JSON object with at least one field, none of
/// them one the server sets.
pub fn document_fields() -> RefOr<Schema> {
    ObjectBuilder::new()
        .description(Some(
            "Any JSON object with at least one field; `id`, `created_at` and `updated_at` are the server's and refused.",
        ))
        .min_properties(Some(1))
        .property_names(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^(?!(id|created_at|updated_at)$)")),
        ))
        .additional_properties(Some(AdditionalProperties::FreeForm(true)))
        .into()
}

/// `{"data": …}` around one document or a list of them.
pub fn data_of(inner: RefOr<Schema>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .property("data", inner)
        .required("data")
        .into()
}
