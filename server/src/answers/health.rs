//! The health checks' answers (`/healthz`, `/readyz`).

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::ObjectBuilder;

/// `/healthz`: always `{"status": "ok"}`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    #[schema(schema_with = ok)]
    pub status: &'static str,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Readiness {
    /// `sqlite` or `postgres`; absent when unavailable.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "sqlite")]
    pub database: Option<&'static str>,
    #[schema(schema_with = ready)]
    pub status: &'static str,
}

fn ok() -> ObjectBuilder {
    super::one_of("Always `ok`.", ["ok"])
}

fn ready() -> ObjectBuilder {
    super::one_of(
        "`ok`, or `unavailable` when the database does not answer.",
        ["ok", "unavailable"],
    )
}
