//! JSON request bodies that name what is wrong: `body` when it isn't a JSON object, the
//! field itself when a value has the wrong type.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use crate::json_error::ApiError;

/// A request body read as JSON into `T`, refusing anything else with a 400 that names the
/// field to fix.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(&request) {
            return Err(not_json());
        }
        parse(&read(request, state).await?).map(JsonBody)
    }
}

/// A request body that may be left out: `None` when it is empty, else read like
/// [`JsonBody`] (for the actions whose options all have defaults: regenerate, suspend).
pub struct OptionalJsonBody<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = is_json(&request);
        let bytes = read(request, state).await?;
        if bytes.is_empty() {
            return Ok(OptionalJsonBody(None));
        }
        if !is_json {
            return Err(not_json());
        }
        parse(&bytes).map(|value| OptionalJsonBody(Some(value)))
    }
}

fn is_json(request: &Request) -> bool {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"))
}

fn not_json() -> ApiError {
    ApiError::bad_request(
        "body",
        "Send the body as JSON, with `Content-Type: application/json`.",
    )
}

async fn read<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| ApiError::unreadable_body(rejection.status(), rejection.body_text()))
}

/// A JSON object read into `T`, or a 400 naming the field at fault.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|error| {
        ApiError::bad_request("body", format!("The body is not valid JSON: {error}."))
    })?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "body",
            "The body must be a JSON object, like {\"name\": \"CI\"}.",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let field = error
            .path()
            .iter()
            .find_map(|segment| match segment {
                Segment::Map { key } => Some(key.clone()),
                _ => None,
            })
            .unwrap_or_else(|| "body".to_owned());
        let path = error.path().to_string();
        let message = error.into_inner().to_string();
        if path == "." {
            // A required field left out is that field's problem, not the body's.
            let missing = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
                .unwrap_or(&field)
                .to_owned();
            ApiError::bad_request(&missing, message)
        } else {
            ApiError::bad_request(&field, format!("{path}: {message}"))
        }
    })
}
