//! The admin JSON API (`/admin/api/tokens…`) as OpenAPI path items: signed in by the admin
//! session cookie, each operation needing one admin permission.

use utoipa::ToSchema;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::PathsBuilder;
use utoipa::openapi::path::{HttpMethod, Operation, Parameter, ParameterIn, PathItem, Paths};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{RefOr, Required, Schema};

use super::PERMISSION_EXTENSION;
use super::export;
use super::operation::{Failure, Op, id_in_path, schema_ref};
use super::token_requests;
use crate::answers::{ErrorResponse, TokenData, TokenPage, TokenWithSecret};

/// The security scheme's name: the panel's session cookie.
pub const SESSION_SCHEME: &str = "adminSession";

pub fn paths() -> Paths {
    PathsBuilder::new()
        .path(
            "/admin/api/tokens",
            PathItem::builder()
                .operation(HttpMethod::Get, list())
                .operation(HttpMethod::Post, create())
                .build(),
        )
        .path(
            "/admin/api/tokens/export",
            PathItem::new(HttpMethod::Get, export()),
        )
        .path(
            "/admin/api/tokens/{id}",
            PathItem::builder()
                .operation(HttpMethod::Get, show())
                .operation(HttpMethod::Patch, update())
                .operation(HttpMethod::Delete, revoke())
                .build(),
        )
        .path(
            "/admin/api/tokens/{id}/regenerate",
            PathItem::new(HttpMethod::Post, regenerate()),
        )
        .path(
            "/admin/api/tokens/{id}/suspend",
            PathItem::new(HttpMethod::Post, suspend()),
        )
        .path(
            "/admin/api/tokens/{id}/resume",
            PathItem::new(HttpMethod::Post, resume()),
        )
        .path(
            "/admin/api/tokens/{id}/end-grace",
            PathItem::new(HttpMethod::Post, end_grace()),
        )
        .path(
            "/admin/api/tokens/{id}/renew",
            PathItem::new(HttpMethod::Post, renew()),
        )
        .build()
}

/// An admin operation: the session, the admin permission, and the failures every admin
/// call can end in.
fn op(id: &str, summary: &str, permission: &str) -> Op {
    tagged_op("admin-tokens", id, summary, permission)
}

/// [`op`] under another tag of the admin API.
pub(super) fn tagged_op(tag: &str, id: &str, summary: &str, permission: &str) -> Op {
    Op::new(id, tag, summary)
        .with(|builder| {
            builder
                .security(SecurityRequirement::new(SESSION_SCHEME, [permission]))
                .extensions(Some(
                    ExtensionsBuilder::new()
                        .add(PERMISSION_EXTENSION, permission)
                        .build(),
                ))
        })
        .fails(&[
            Failure::NotSignedIn,
            Failure::NotAllowed,
            Failure::Unavailable,
        ])
}

/// A reference to the schema of the type the handler answers with: named by the type, so
/// it can't point at a schema that isn't there.
pub(super) fn answer<T: ToSchema>() -> RefOr<Schema> {
    schema_ref(&T::name())
}

fn token_id() -> Parameter {
    id_in_path("The token's id.")
}

fn query(name: &str, description: &str) -> Parameter {
    Parameter::builder()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(token_requests::list_parameter(name)))
        .build()
}

fn list() -> Operation {
    op("admin.tokens.list", "List tokens", "api_tokens.read")
        .describe("One page of the token list, fast at any size (keyset pagination: pass `next_cursor` back as `after`).")
        .param(query("search", "Text to find in the name or description (ignoring case and compatibility forms, at most 100 characters, no control or invisible characters)."))
        .param(query("type", "`read-only`, `full-access` or `custom`."))
        .param(query("status", "`active`, `suspended`, `expired`, `revoked`, or `leaked` (revoked because the value was reported to `POST /api/tokens/leaked`). Default: every token not revoked."))
        .param(query("unused", UNUSED))
        .param(query("created_by", CREATED_BY))
        .param(query("policy", POLICY))
        .param(query("sort", SORT))
        .param(query("after", "The `next_cursor` of the previous page (same sort)."))
        .param(query("limit", "Tokens per page, 1 to 100. Default 50."))
        .answers("200", "The page.", Some(answer::<TokenPage>()))
        .fails(&[Failure::BadRequest])
        .build()
}

const UNUSED: &str = "`30` or `90`: tokens with no use in that many days; a token never used counts from its creation.";
const CREATED_BY: &str = "An administrator's id (their tokens, whatever their status now), or `gone`: tokens created by an administrator since deactivated or removed.";
const POLICY: &str = "`outside`: working tokens (not revoked, not expired) whose expiry the token policy in force would not allow today, the ones `outside_policy` marks; with no maximum and no required expiry, none.";
const SORT: &str = "`name`, `type`, `created_at`, `last_used_at` or `expires_at`; a leading `-` sorts descending. Default `-created_at`. By `last_used_at`, a token never used counts as the oldest use (first ascending, last descending).";

fn export() -> Operation {
    op("admin.tokens.export", "Export tokens", "api_tokens.read")
        .describe("The list's current view (its filters, search and sort) over every page, as CSV (`Accept: text/csv`, the default) or a JSON array (`Accept: application/json` or `format=json`), streamed. Audited as `token.export` with the format and filters.")
        .param(query("format", "`csv` or `json`; wins over `Accept`."))
        .param(query("search", "As for the list."))
        .param(query("type", "As for the list."))
        .param(query("status", "As for the list."))
        .param(query("unused", UNUSED))
        .param(query("created_by", CREATED_BY))
        .param(query("policy", POLICY))
        .param(query("sort", SORT))
        .response("200", export::response())
        .fails(&[Failure::BadRequest])
        .build()
}

fn create() -> Operation {
    op("admin.tokens.create", "Create a token", "api_tokens.create")
        .describe(
            "The only answer, with regenerate's, that carries the token's value: store it now.",
        )
        .json_body("The new token's settings.", schema_ref("NewToken"))
        .answers(
            "201",
            "Created; `secret` is the value, shown once.",
            Some(answer::<TokenWithSecret>()),
        )
        .answers(
            "409",
            "A working token already has this name.",
            Some(answer::<ErrorResponse>()),
        )
        .fails(&[Failure::BadRequest])
        .build()
}

fn show() -> Operation {
    op("admin.tokens.show", "Get a token", "api_tokens.read")
        .describe("Revoked tokens too, with who revoked them and when.")
        .param(token_id())
        .answers("200", "The token.", Some(answer::<TokenData>()))
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}

fn update() -> Operation {
    op("admin.tokens.update", "Change a token", "api_tokens.update")
        .describe("Only the fields sent change; the next API request sees the change.")
        .param(token_id())
        .json_body("The fields to change.", schema_ref("TokenChanges"))
        .answers("200", "The changed token.", Some(answer::<TokenData>()))
        .answers(
            "409",
            "Another working token has this name, or this one is revoked.",
            Some(answer::<ErrorResponse>()),
        )
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}

fn regenerate() -> Operation {
    op("admin.tokens.regenerate", "Regenerate a token", "api_tokens.regenerate")
        .describe("A new value for the same token and settings. Without a body (or with `\"grace\": \"now\"`) the old value is refused from the next request on; with `\"grace\": \"1h\"`, `\"24h\"` or `\"7d\"` it keeps working that long (`previous_value` says until when), and the token's page shows who still uses it. A token regenerated again during a grace period drops the older value at once.")
        .param(token_id())
        .optional_json_body("How long the old value keeps working.", token_requests::regenerate())
        .answers("200", "`secret` is the new value, shown once.", Some(answer::<TokenWithSecret>()))
        .answers("409", "The token is revoked.", Some(answer::<ErrorResponse>()))
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}

fn suspend() -> Operation {
    op("admin.tokens.suspend", "Suspend a token", "api_tokens.update")
        .describe("Stops the token until it is resumed: the next API request with it is refused (`401 token_suspended`). Unlike revoking, it can be undone. Audited with the reason.")
        .param(token_id())
        .optional_json_body("Why, for the other admins.", token_requests::suspend())
        .answers("200", "The suspended token.", Some(answer::<TokenData>()))
        .answers("409", "The token is revoked or already suspended.", Some(answer::<ErrorResponse>()))
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}

fn resume() -> Operation {
    op("admin.tokens.resume", "Resume a suspended token", "api_tokens.update")
        .describe("The token works again from the next request. Widens what it can do, so it needs a recently typed password (`403 password_confirmation_required` otherwise).")
        .param(token_id())
        .answers("200", "The token, working again.", Some(answer::<TokenData>()))
        .answers("409", "The token is revoked or not suspended.", Some(answer::<ErrorResponse>()))
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}

fn end_grace() -> Operation {
    op("admin.tokens.end_grace", "End a grace period now", "api_tokens.regenerate")
        .describe("The value from before the last regenerate stops working now instead of at `previous_value.until`.")
        .param(token_id())
        .answers("200", "The token, without a previous value.", Some(answer::<TokenData>()))
        .answers("409", "The token is revoked, or has no previous value that still works.", Some(answer::<ErrorResponse>()))
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}

fn renew() -> Operation {
    op("admin.tokens.renew", "Renew a token", "api_tokens.update")
        .describe("The same value keeps working, with a new expiry: now + the duration the current expiry was chosen with (`expires_at` − `expiry_set_at`), capped at the token policy's maximum lifetime. Audited. Lets the token work longer, so it needs a recently typed password (`403 password_confirmation_required` otherwise). Regenerate instead when the value must change.")
        .param(token_id())
        .answers("200", "The renewed token.", Some(answer::<TokenData>()))
        .answers("409", "The token is revoked, never expires, has expired, or would not be extended (`details` names `expires_at` and says why).", Some(answer::<ErrorResponse>()))
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}

fn revoke() -> Operation {
    op("admin.tokens.revoke", "Revoke a token", "api_tokens.delete")
        .describe("The token stops working at once, on every instance; it stays listed under `status=revoked`.")
        .param(token_id())
        .answers("200", "The revoked token, with who and when.", Some(answer::<TokenData>()))
        .answers("409", "Already revoked; nothing changed.", Some(answer::<ErrorResponse>()))
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}
