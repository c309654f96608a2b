//! The one error body every door answers with (`json_error::ApiError` builds it):
//! `{"error": {"code", "details": [{"field", "message"}], "message", "status"}}`.

use serde::Serialize;
use tollgate::model::FieldError;
use utoipa::ToSchema;

/// Every error of the JSON APIs.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Error)]
pub struct ErrorResponse<'a> {
    pub error: ErrorBody<'a>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody<'a> {
    /// A stable, machine-readable reason. The token check: `missing_token`,
    /// `invalid_token`, `invalid_request`, `insufficient_scope`, `too_many_requests`, and
    /// the token's restrictions: `token_suspended`, `token_not_yet_valid`,
    /// `ip_not_allowed`, `rate_limited`, `quota_exhausted`;
    /// forward-auth also `no_matching_route` and `ambiguous_path`; the admin API
    /// `unauthenticated`, `forbidden`, `cross_site_request`,
    /// `password_confirmation_required`, `validation_failed`, `conflict`,
    /// `already_revoked`; any route `not_found`, `method_not_allowed`,
    /// `payload_too_large`, `request_timeout`, `busy`, `unavailable`, `internal`.
    #[schema(example = "insufficient_scope")]
    pub code: &'a str,
    /// One entry per field at fault; empty when the error is not about a field.
    pub details: Vec<FieldProblem<'a>>,
    /// What went wrong and how to fix it, for people.
    #[schema(example = "The token lacks the permission `articles.create`.")]
    pub message: &'a str,
    /// The HTTP status, repeated for clients that only keep the body.
    #[schema(example = 403)]
    pub status: u16,
}

/// One field at fault.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = FieldError)]
pub struct FieldProblem<'a> {
    /// The field's name: a body field, `id`, `query`, `body`, or a header.
    #[schema(example = "id")]
    pub field: &'a str,
    #[schema(example = "The document id must be a whole number.")]
    pub message: &'a str,
}

impl<'a> From<&'a FieldError> for FieldProblem<'a> {
    fn from(error: &'a FieldError) -> Self {
        // Every field by name: one added to `FieldError` must be added here too.
        let FieldError { field, message } = error;
        Self { field, message }
    }
}
