//! Reads the OpenAPI document into the panel's API reference, so the page shows exactly
//! what `/api/openapi.json` says: descriptions rendered from their Markdown, and the error
//! answers every operation of a kind shares listed once instead of under each operation.

use std::collections::{BTreeMap, BTreeSet};

use app::settings::api_docs::{
    ApiEndpoint, ApiGroup, ApiParameter, ApiReference, ApiResponse, SharedErrors,
};
use serde_json::Value;
use utoipa::openapi::OpenApi;

use super::PERMISSION_EXTENSION;
use super::admin::SESSION_SCHEME;
use super::markdown::to_html;
use super::operation::TokenSchemes;

/// The order operations are listed in within one path.
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// How the operations of each security scheme are called, in the order their shared
/// errors are shown. A scheme not named here is shown by its name, after these.
const SCHEMES: [(&str, &str); 2] = [
    (TokenSchemes::BEARER, "Endpoints called with an API token"),
    (
        SESSION_SCHEME,
        "The admin API, called with the panel's session",
    ),
];

/// One operation of the document, before it is read into an [`ApiEndpoint`].
struct Operation<'a> {
    tag: String,
    path: &'a str,
    method: &'static str,
    value: &'a Value,
    /// The security scheme it is called with first; `None` for a public operation.
    scheme: Option<String>,
}

pub fn reference(document: &OpenApi) -> ApiReference {
    let document = &serde_json::to_value(document).expect("an OpenAPI document serializes");
    let operations: Vec<Operation> = document["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            METHODS.into_iter().filter_map(move |method| {
                let value = item.get(method)?;
                Some(Operation {
                    tag: text(&value["tags"][0]),
                    path,
                    method,
                    value,
                    scheme: scheme(value),
                })
            })
        })
        .collect();
    let shared = shared_by_scheme(&operations);
    let endpoints: Vec<(String, ApiEndpoint)> = operations
        .iter()
        .map(|operation| {
            let shared = operation
                .scheme
                .as_ref()
                .and_then(|scheme| shared.get(scheme));
            (operation.tag.clone(), endpoint(document, operation, shared))
        })
        .collect();
    let groups = document["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|tag| {
            let name = text(&tag["name"]);
            ApiGroup {
                endpoints: endpoints
                    .iter()
                    .filter(|(group, _)| *group == name)
                    .map(|(_, endpoint)| endpoint.clone())
                    .collect(),
                description: to_html(&text(&tag["description"])),
                tag: name,
            }
        })
        .collect();
    ApiReference {
        title: text(&document["info"]["title"]),
        version: text(&document["info"]["version"]),
        description: to_html(&text(&document["info"]["description"])),
        shared_errors: shared_errors(document, &shared),
        groups,
    }
}

/// For each security scheme, the shared responses (`$ref`s to `#/components/responses`)
/// that every operation called with it answers.
fn shared_by_scheme(operations: &[Operation]) -> BTreeMap<String, BTreeSet<String>> {
    let mut shared: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for operation in operations {
        let Some(scheme) = &operation.scheme else {
            continue;
        };
        let names: BTreeSet<String> = shared_responses(operation.value).collect();
        shared
            .entry(scheme.clone())
            .and_modify(|common| common.retain(|name| names.contains(name)))
            .or_insert(names);
    }
    shared
}

/// The shared errors, one table per scheme, each by status.
fn shared_errors(
    document: &Value,
    shared: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<SharedErrors> {
    let order = |scheme: &str| {
        SCHEMES
            .iter()
            .position(|(name, _)| *name == scheme)
            .unwrap_or(SCHEMES.len())
    };
    let mut schemes: Vec<&String> = shared.keys().collect();
    schemes.sort_by_key(|scheme| order(scheme));
    schemes
        .into_iter()
        .filter_map(|scheme| {
            let names = &shared[scheme];
            let mut responses: Vec<ApiResponse> = names
                .iter()
                .map(|name| {
                    let response = &document["components"]["responses"][name];
                    ApiResponse {
                        status: status_of(document, name),
                        description: to_html(&text(&response["description"])),
                    }
                })
                .collect();
            responses.sort_by(|a, b| a.status.cmp(&b.status));
            let applies_to = SCHEMES
                .iter()
                .find(|(name, _)| *name == scheme.as_str())
                .map_or_else(|| scheme.clone(), |(_, label)| (*label).to_owned());
            (!responses.is_empty()).then_some(SharedErrors {
                applies_to,
                responses,
            })
        })
        .collect()
}

/// The status a shared response is answered with: the one the operations use for it.
fn status_of(document: &Value, name: &str) -> String {
    let pointer = format!("#/components/responses/{name}");
    document["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(_, item)| item.as_object().into_iter().flatten())
        .flat_map(|(_, operation)| operation["responses"].as_object().into_iter().flatten())
        .find(|(_, response)| response["$ref"].as_str() == Some(pointer.as_str()))
        .map(|(status, _)| status.clone())
        .unwrap_or_default()
}

/// The first security scheme `operation` is called with; `None` when it is public (an
/// empty `security` list).
fn scheme(operation: &Value) -> Option<String> {
    operation["security"]
        .as_array()?
        .first()?
        .as_object()?
        .keys()
        .next()
        .cloned()
}

/// The names of an operation's responses that are `$ref`s to shared ones.
fn shared_responses(operation: &Value) -> impl Iterator<Item = String> {
    operation["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, response)| shared_name(response).map(str::to_owned))
}

/// The name of the shared response `response` refers to, if it is a reference.
fn shared_name(response: &Value) -> Option<&str> {
    response["$ref"]
        .as_str()?
        .strip_prefix("#/components/responses/")
}

fn endpoint(
    document: &Value,
    operation: &Operation,
    shared: Option<&BTreeSet<String>>,
) -> ApiEndpoint {
    let value = operation.value;
    let parameters = value["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|parameter| ApiParameter {
            name: text(&parameter["name"]),
            location: text(&parameter["in"]),
            required: parameter["required"].as_bool().unwrap_or(false),
            description: to_html(&text(&parameter["description"])),
        })
        .collect();
    let is_shared = |response: &Value| {
        shared_name(response)
            .zip(shared)
            .is_some_and(|(name, shared)| shared.contains(name))
    };
    let responses = value["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, response)| !is_shared(response))
        .map(|(status, response)| ApiResponse {
            status: status.clone(),
            description: to_html(&text(&resolve(document, response)["description"])),
        })
        .collect();
    ApiEndpoint {
        id: text(&value["operationId"]),
        method: operation.method.to_uppercase(),
        path: operation.path.to_owned(),
        summary: text(&value["summary"]),
        description: to_html(&text(&value["description"])),
        permission: value
            .get(PERMISSION_EXTENSION)
            .and_then(Value::as_str)
            .map(str::to_owned),
        parameters,
        body: value
            .get("requestBody")
            .map(|body| to_html(&text(&body["description"]))),
        responses,
        answers_shared_errors: shared.is_some_and(|shared| !shared.is_empty()),
    }
}

/// A string field, or empty when the document leaves it out.
fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// Follows a local `$ref` (`#/components/responses/Unauthorized`) to what it names.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(pointer) => document
            .pointer(pointer.trim_start_matches('#'))
            .unwrap_or(value),
        None => value,
    }
}
