//! The JSON bodies the server answers with, as types: the handlers serialize them and the
//! OpenAPI document derives its schemas from them (utoipa `ToSchema`), so what is sent and
//! what is documented cannot drift apart.
//!
//! Two conventions hold in every type here:
//! - Fields are declared in alphabetical order. The answers were built as
//!   `serde_json::Value`s before, whose maps sort their keys; declaring the fields in that
//!   order keeps every answer byte for byte what it was (the snapshot tests in
//!   `server/tests/integration/answer_bodies.rs` check it).
//! - `#[serde(deny_unknown_fields)]` makes each schema closed (`additionalProperties:
//!   false`), so a fuzzer reading the document fails on a field it does not list.
//!
//! What is not here: a stored document's fields are whatever its client sent, so the
//! content routes answer the core's `Document` inside `{"data": …}` and its schema is
//! built by hand (`openapi::schemas`); so are the request bodies' schemas, whose permission
//! lists come from the running server's catalog (`openapi::token_requests`).

mod admin_tokens;
mod api_door;
mod error;
mod health;
mod policy;
mod restrictions;
mod webhooks;

pub use admin_tokens::{AdminToken, GraceValue, Hold, Leak, TokenData, TokenPage, TokenWithSecret};
pub use api_door::{ForwardGranted, LeakReportReceived, TokenCheck};
pub use error::{ErrorBody, ErrorResponse, FieldProblem};
pub use health::{Health, Readiness};
pub use policy::{BroughtIn, BroughtInData, Policy, PolicyData, PolicyImpact, PolicyPreviewData};
pub(crate) use restrictions::{metadata as metadata_schema, restrictions as restrictions_schema};
pub use webhooks::{
    Delivery, DeliveryData, DeliveryList, Webhook, WebhookData, WebhookList, WebhookWithSecret,
};

use tollgate::model::{TokenStatus, TokenType};
use utoipa::openapi::schema::{ObjectBuilder, Type};

/// A string schema listing exactly `values`.
fn one_of<'a>(description: &str, values: impl IntoIterator<Item = &'a str>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values))
}

/// The token types, named as everywhere in the API; read from the core, so they can't drift.
fn token_type() -> ObjectBuilder {
    one_of("The token's type.", TokenType::ALL.map(TokenType::as_str))
}

/// Where a token stands right now; read from the core too.
fn token_status() -> ObjectBuilder {
    one_of(
        "Right now: `active`, `suspended`, `expired` or `revoked` (revoked wins over expired, which wins over suspended).",
        TokenStatus::ALL.map(TokenStatus::as_str),
    )
}
