//! Every route the API door serves, as OpenAPI path items.

use tollgate::catalog::{Action, Catalog, Permission};
use tollgate::content::{LIST_LIMIT, MAX_DOCUMENT_BYTES};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{HttpMethod, PathItem, Paths, PathsBuilder};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::ArrayBuilder;
use utoipa::openapi::{Content, RefOr, Required, Schema};

use crate::api_door::ForwardAuthHeaders;

use super::operation::{ANY_TOKEN, Failure, Op, TokenSchemes, header, id_in_path, schema_ref};
use super::schemas::data_of;

/// The five routes of each catalog resource, each needing its one permission.
pub fn content(catalog: &Catalog, schemes: TokenSchemes) -> Paths {
    catalog
        .resources
        .iter()
        .fold(PathsBuilder::new(), |paths, resource| {
            let collection = PathItem::builder()
                .operation(HttpMethod::Get, find(resource, schemes))
                .operation(HttpMethod::Post, create(resource, schemes))
                .build();
            let item = PathItem::builder()
                .operation(HttpMethod::Get, find_one(resource, schemes))
                .operation(HttpMethod::Put, update(resource, schemes))
                .operation(HttpMethod::Delete, delete(resource, schemes))
                .build();
            paths
                .path(format!("/api/{resource}"), collection)
                .path(format!("/api/{resource}/{{id}}"), item)
        })
        .build()
}

/// The operation of one permission: its id is the permission (`articles.find`), so the
/// panel can link a permission to its documentation.
fn op(resource: &str, action: Action, summary: String, schemes: TokenSchemes) -> Op {
    let permission = Permission::new(resource, action).to_string();
    Op::new(&permission, resource, &summary).needs(&permission, schemes)
}

fn document() -> RefOr<Schema> {
    schema_ref("Document")
}

fn document_body() -> RefOr<Schema> {
    schema_ref("DocumentFields")
}

fn find(resource: &str, schemes: TokenSchemes) -> utoipa::openapi::path::Operation {
    op(resource, Action::Find, format!("List {resource}"), schemes)
        .describe(&format!(
            "The first {LIST_LIMIT} documents of `{resource}`, oldest first."
        ))
        .answers(
            "200",
            "The documents.",
            Some(data_of(ArrayBuilder::new().items(document()).into())),
        )
        .build()
}

fn create(resource: &str, schemes: TokenSchemes) -> utoipa::openapi::path::Operation {
    op(
        resource,
        Action::Create,
        format!("Add to {resource}"),
        schemes,
    )
    .json_body(&body_rules(), document_body())
    .answers("201", "The stored document.", Some(data_of(document())))
    .fails(&[Failure::BadRequest])
    .build()
}

fn find_one(resource: &str, schemes: TokenSchemes) -> utoipa::openapi::path::Operation {
    op(
        resource,
        Action::FindOne,
        format!("Get one of {resource}"),
        schemes,
    )
    .param(id_in_path("The document's id."))
    .answers("200", "The document.", Some(data_of(document())))
    .fails(&[Failure::BadRequest, Failure::NotFound])
    .build()
}

fn update(resource: &str, schemes: TokenSchemes) -> utoipa::openapi::path::Operation {
    op(
        resource,
        Action::Update,
        format!("Replace one of {resource}"),
        schemes,
    )
    .describe("The body replaces every field of the document; `id` and `created_at` stay.")
    .param(id_in_path("The document's id."))
    .json_body(&body_rules(), document_body())
    .answers("200", "The replaced document.", Some(data_of(document())))
    .fails(&[Failure::BadRequest, Failure::NotFound])
    .build()
}

fn delete(resource: &str, schemes: TokenSchemes) -> utoipa::openapi::path::Operation {
    op(
        resource,
        Action::Delete,
        format!("Delete one of {resource}"),
        schemes,
    )
    .param(id_in_path("The document's id."))
    .answers("204", "Deleted.", None)
    .fails(&[Failure::BadRequest, Failure::NotFound])
    .build()
}

fn body_rules() -> String {
    format!(
        "A JSON object of at most {} KiB: the document's fields.",
        MAX_DOCUMENT_BYTES / 1024
    )
}

/// The self-check, forward-auth, the health checks and this document.
pub fn door(schemes: TokenSchemes, forward_prefix: &str, headers: ForwardAuthHeaders) -> Paths {
    PathsBuilder::new()
        .path(
            "/api/tokens/verify",
            PathItem::new(HttpMethod::Get, verify(schemes)),
        )
        .path(
            "/auth/forward",
            PathItem::new(HttpMethod::Get, forward(schemes, forward_prefix, headers)),
        )
        .path(
            "/api/openapi.json",
            PathItem::new(HttpMethod::Get, document_itself()),
        )
        .path("/healthz", PathItem::new(HttpMethod::Get, healthz()))
        .path("/readyz", PathItem::new(HttpMethod::Get, readyz()))
        .build()
}

fn verify(schemes: TokenSchemes) -> utoipa::openapi::path::Operation {
    Op::new("tokens.verify", "tokens", "Check the presented token")
        .describe(
            "Whether the token is valid, what it may do and when it expires. Any valid token may ask about itself; an invalid one gets the 401 that says why.",
        )
        .needs(ANY_TOKEN, schemes)
        .answers("200", "The token is valid.", Some(schema_ref("TokenStatus")))
        .build()
}

fn forward(
    schemes: TokenSchemes,
    prefix: &str,
    headers: ForwardAuthHeaders,
) -> utoipa::openapi::path::Operation {
    let (method_header, uri_header) = headers.names();
    let required = |name: &str, description: &str| {
        let mut parameter = header(name, description);
        parameter.required = Required::True;
        parameter
    };
    let granted = ResponseBuilder::new()
        .description("The token may make the original request.")
        .header(
            "X-Tollgate-Token-Id",
            HeaderBuilder::new()
                .schema(super::operation::string())
                .description(Some("The token's id."))
                .build(),
        )
        .header(
            "X-Tollgate-Token-Name",
            HeaderBuilder::new()
                .schema(super::operation::string())
                .description(Some("The token's name, percent-encoded when not ASCII."))
                .build(),
        )
        .content(
            "application/json",
            Content::new(Some(schema_ref("ForwardGranted"))),
        )
        .build();
    Op::new("forward.auth", "forward-auth", "May this request through?")
        .describe(&format!(
            "For reverse proxies (nginx `auth_request`, Traefik `ForwardAuth`, Caddy `forward_auth`). Maps the original method and path under `{prefix}` to the permission the built-in API would need (`GET {prefix}/articles` needs `articles.find`, `PUT {prefix}/articles/7` `articles.update`, …) and checks the request's token for it. A path no permission covers is refused with `403 no_matching_route`; a path a proxy or the service may decode differently (encoded `/`, `\\` or `.`, dot or empty segments, control characters) with `403 ambiguous_path`, whatever the token. Only the headers `--forward-auth-headers` names are read; without them the answer is `400`."
        ))
        .needs("the permission of the original request", schemes)
        .param(required(method_header, "The original method, as the client sent it."))
        .param(required(uri_header, "The original path and query, as the client sent them (not decoded)."))
        .response("200", granted)
        .fails(&[Failure::BadRequest])
        .build()
}

fn document_itself() -> utoipa::openapi::path::Operation {
    Op::new("openapi.document", "meta", "This document")
        .describe("The OpenAPI 3.1 description of this server's API, built from its resource catalog and configuration.")
        .public()
        .answers("200", "The document.", None)
        .build()
}

fn healthz() -> utoipa::openapi::path::Operation {
    Op::new("health.live", "meta", "Liveness")
        .describe("The process answers. Needs nothing and touches nothing.")
        .public()
        .answers("200", "Alive.", Some(schema_ref("Health")))
        .build()
}

fn readyz() -> utoipa::openapi::path::Operation {
    Op::new("health.ready", "meta", "Readiness")
        .describe("The database answers too.")
        .public()
        .answers("200", "Ready.", Some(schema_ref("Readiness")))
        .answers(
            "503",
            "The database does not answer.",
            Some(schema_ref("Readiness")),
        )
        .build()
}
