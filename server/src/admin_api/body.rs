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
        let is_json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("application/json"));
        if !is_json {
            return Err(ApiError::bad_request(
                "body",
                "Send the body as JSON, with `Content-Type: application/json`.",
            ));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                ApiError::unreadable_body(rejection.status(), rejection.body_text())
            })?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|error| {
            ApiError::bad_request("body", format!("The body is not valid JSON: {error}."))
        })?;
        if !value.is_object() {
            return Err(ApiError::bad_request(
                "body",
                "The body must be a JSON object, like {\"name\": \"CI\"}.",
            ));
        }
        serde_path_to_error::deserialize(value)
            .map(JsonBody)
            .map_err(|error| {
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
                    ApiError::bad_request(&field, message)
                } else {
                    ApiError::bad_request(&field, format!("{path}: {message}"))
                }
            })
    }
}
