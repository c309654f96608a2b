//! Every route the API door serves, as OpenAPI path items.

use tollgate::catalog::{Action, Catalog, Permission};
use tollgate::content::{LIST_LIMIT, MAX_DOCUMENT_BYTES};
use tollgate::endpoints::{API_PREFIX, ENDPOINTS, Endpoint, Method};
use tollgate::model::LEAK_REPORT_MAX;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{HttpMethod, Operation, PathItem, Paths, PathsBuilder};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::ArrayBuilder;
use utoipa::openapi::{Content, Required};

use crate::api_door::ForwardAuthHeaders;

use super::operation::{ANY_TOKEN, Failure, Op, TokenSchemes, header, id_in_path, schema_ref};
use super::schemas::data_of;

/// The table's endpoints (`tollgate::endpoints::ENDPOINTS`) on each catalog resource, each
/// needing its one permission.
pub fn content(catalog: &Catalog, schemes: TokenSchemes) -> Paths {
    catalog
        .resources
        .iter()
        .flat_map(|resource| ENDPOINTS.iter().map(move |endpoint| (resource, endpoint)))
        .fold(PathsBuilder::new(), |paths, (resource, endpoint)| {
            paths.path(
                endpoint.path(API_PREFIX, resource),
                PathItem::new(
                    http_method(endpoint.method),
                    operation(endpoint, resource, schemes),
                ),
            )
        })
        .build()
}

fn http_method(method: Method) -> HttpMethod {
    match method {
        Method::Get => HttpMethod::Get,
        Method::Post => HttpMethod::Post,
        Method::Put => HttpMethod::Put,
        Method::Delete => HttpMethod::Delete,
    }
}

/// The operation of one endpoint on `resource`: its id is the permission it needs
/// (`articles.find`), so the panel can link a permission to its documentation. An `{id}` in
/// the path can be malformed or name no document; a `POST` or `PUT` reads a document.
fn operation(endpoint: &Endpoint, resource: &str, schemes: TokenSchemes) -> Operation {
    let permission = Permission::new(resource, endpoint.action).to_string();
    let (summary, description) = words(endpoint.action, resource);
    let mut op = Op::new(&permission, resource, &summary).needs(&permission, schemes);
    if let Some(description) = description {
        op = op.describe(&description);
    }
    if endpoint.has_id() {
        op = op.param(id_in_path("The document's id."));
    }
    let reads_document = matches!(endpoint.method, Method::Post | Method::Put);
    if reads_document {
        op = op.json_body(&body_rules(), schema_ref("DocumentFields"));
    }
    op = answer(endpoint.action, op);
    match (endpoint.has_id(), reads_document) {
        (true, _) => op.fails(&[Failure::BadRequest, Failure::NotFound]),
        (false, true) => op.fails(&[Failure::BadRequest]),
        (false, false) => op,
    }
    .build()
}

/// The summary and description of the operation doing `action` on `resource`, in plain
/// English: "List articles", "Get one article", "Create an article".
fn words(action: Action, resource: &str) -> (String, Option<String>) {
    let one = one_of(resource);
    let a_one = format!("{} {one}", indefinite_article(&one));
    match action {
        Action::Find => (
            format!("List {resource}"),
            Some(format!(
                "The first {LIST_LIMIT} documents of `{resource}`, oldest first."
            )),
        ),
        Action::Create => (format!("Create {a_one}"), None),
        Action::FindOne => (format!("Get one {one}"), None),
        Action::Update => (
            format!("Replace {a_one}"),
            Some(
                "The body replaces every field of the document; `id` and `created_at` stay.".into(),
            ),
        ),
        Action::Delete => (format!("Delete {a_one}"), None),
    }
}

/// What one document of `resource` is called: the singular of an English plural
/// (`articles` → `article`, `categories` → `category`, `boxes` → `box`), or, for a name
/// that is no such plural, `document of {resource}`.
fn one_of(resource: &str) -> String {
    if let Some(stem) = resource.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for ending in ["sses", "shes", "ches", "xes", "zes"] {
        if let Some(stem) = resource.strip_suffix(ending) {
            return format!("{stem}{}", &ending[..ending.len() - 2]);
        }
    }
    match resource.strip_suffix('s') {
        Some(stem) if !stem.is_empty() && !stem.ends_with('s') => stem.to_owned(),
        _ => format!("document of {resource}"),
    }
}

/// "a" or "an", by the first letter (good enough for names like these).
fn indefinite_article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o') => "an",
        _ => "a",
    }
}

/// What the handler of `action` answers when it succeeds.
fn answer(action: Action, op: Op) -> Op {
    let document = || schema_ref("Document");
    match action {
        Action::Find => op.answers(
            "200",
            "The documents.",
            Some(data_of(ArrayBuilder::new().items(document()).into())),
        ),
        Action::Create => op.answers("201", "The stored document.", Some(data_of(document()))),
        Action::FindOne => op.answers("200", "The document.", Some(data_of(document()))),
        Action::Update => op.answers("200", "The replaced document.", Some(data_of(document()))),
        Action::Delete => op.answers("204", "Deleted.", None),
    }
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
            "/api/tokens/leaked",
            PathItem::new(HttpMethod::Post, leaked()),
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

fn leaked() -> utoipa::openapi::path::Operation {
    Op::new("tokens.leaked", "tokens", "Report leaked token values")
        .describe(&format!(
            "For secret scanners and anyone who found a `tg_…` value where it should not be: every value that is a token is revoked at once, on every instance (a value that is a token's previous one, in a regenerate's grace period, stops working and the current value keeps working), the admins are told, and the audit log records the report with the address it came from and `source`. No authentication: holding a value is the authority. The answer is always `202` with the number of values received, never which were tokens; values failing the checksum are dropped unread. Each address may report {} times a minute (then `429`).",
            tollgate::tokens::leaks::REPORTS_PER_WINDOW
        ))
        .public()
        .json_body(
            &format!("At most {LEAK_REPORT_MAX} values, and where they were found."),
            super::token_requests::leak_report(),
        )
        .answers(
            "202",
            "The report was received.",
            Some(schema_ref("LeakReportReceived")),
        )
        .fails(&[Failure::BadRequest, Failure::TooManyRequests, Failure::Unavailable])
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
        .header(
            "X-Tollgate-Token-Metadata",
            HeaderBuilder::new()
                .schema(super::operation::string())
                .description(Some("The token's metadata as compact JSON, non-ASCII characters escaped (`\\u00e9`); `{}` when it has none."))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_read_as_plain_english() {
        let summary = |action, resource| words(action, resource).0;
        assert_eq!(summary(Action::Find, "articles"), "List articles");
        assert_eq!(summary(Action::FindOne, "articles"), "Get one article");
        assert_eq!(summary(Action::Create, "articles"), "Create an article");
        assert_eq!(summary(Action::Update, "authors"), "Replace an author");
        assert_eq!(summary(Action::Delete, "categories"), "Delete a category");
        assert_eq!(summary(Action::Create, "boxes"), "Create a box");
        assert_eq!(summary(Action::FindOne, "addresses"), "Get one address");
        assert_eq!(summary(Action::FindOne, "data"), "Get one document of data");
        assert_eq!(
            summary(Action::Create, "glass"),
            "Create a document of glass"
        );
    }
}
