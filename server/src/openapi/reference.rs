//! Reads the OpenAPI document into the panel's API reference, so the page shows exactly
//! what `/api/openapi.json` says.

use app::settings::api_docs::{ApiEndpoint, ApiGroup, ApiParameter, ApiReference, ApiResponse};
use serde_json::Value;
use utoipa::openapi::OpenApi;

use super::PERMISSION_EXTENSION;

/// The order operations are listed in within one path.
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub fn reference(document: &OpenApi) -> ApiReference {
    let document = &serde_json::to_value(document).expect("an OpenAPI document serializes");
    let endpoints: Vec<(String, ApiEndpoint)> = document["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            METHODS.into_iter().filter_map(move |method| {
                let operation = item.get(method)?;
                Some((
                    text(&operation["tags"][0]),
                    endpoint(document, path, method, operation),
                ))
            })
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
                description: text(&tag["description"]),
                tag: name,
            }
        })
        .collect();
    ApiReference {
        title: text(&document["info"]["title"]),
        version: text(&document["info"]["version"]),
        description: text(&document["info"]["description"]),
        groups,
    }
}

fn endpoint(document: &Value, path: &str, method: &str, operation: &Value) -> ApiEndpoint {
    let parameters = operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|parameter| ApiParameter {
            name: text(&parameter["name"]),
            location: text(&parameter["in"]),
            required: parameter["required"].as_bool().unwrap_or(false),
            description: text(&parameter["description"]),
        })
        .collect();
    let responses = operation["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, response)| ApiResponse {
            status: status.clone(),
            description: text(&resolve(document, response)["description"]),
        })
        .collect();
    ApiEndpoint {
        id: text(&operation["operationId"]),
        method: method.to_uppercase(),
        path: path.to_owned(),
        summary: text(&operation["summary"]),
        description: text(&operation["description"]),
        permission: operation
            .get(PERMISSION_EXTENSION)
            .and_then(Value::as_str)
            .map(str::to_owned),
        parameters,
        body: operation
            .get("requestBody")
            .map(|body| text(&body["description"])),
        responses,
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
