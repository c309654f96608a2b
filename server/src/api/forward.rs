//! `/auth/forward`: Tollgate in front of any service, for nginx `auth_request`, Traefik
//! `ForwardAuth` and Caddy `forward_auth`. The proxy asks with the original request's
//! headers; Tollgate checks its token against the permission the original method and path
//! need (see `tollgate::routes`) and answers 200 with who it was, or 401 / 403.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use tollgate::routes::permission_for;

use super::{ApiError, Bearer};
use crate::router::AppState;

pub const TOKEN_ID: HeaderName = HeaderName::from_static("x-tollgate-token-id");
pub const TOKEN_NAME: HeaderName = HeaderName::from_static("x-tollgate-token-name");

/// nginx sends what its configuration names (the README's snippet: `X-Original-*`);
/// Traefik and Caddy send `X-Forwarded-*`.
const METHOD_HEADERS: [&str; 2] = ["x-original-method", "x-forwarded-method"];
const URI_HEADERS: [&str; 2] = ["x-original-uri", "x-forwarded-uri"];

pub async fn forward_auth(
    State(state): State<AppState>,
    headers: HeaderMap,
    bearer: Bearer,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    let method = first_header(&headers, &METHOD_HEADERS).unwrap_or("GET");
    let uri = first_header(&headers, &URI_HEADERS).ok_or_else(|| {
        ApiError::bad_request(
            "x-original-uri",
            "Send the original request's path as X-Original-URI or X-Forwarded-Uri.",
        )
    })?;
    let verifier = &state.core.verifier;
    let token = verifier
        .authenticate(bearer.presented(), bearer.client_ip)
        .await?;
    let catalog = state.core.tokens.catalog();
    let needed = permission_for(catalog, &state.api.forward_prefix, method, uri)
        .ok_or_else(|| ApiError::no_route(method, uri))?;
    verifier.authorize(&token, &needed)?;

    let mut answer = HeaderMap::new();
    answer.insert(TOKEN_ID, HeaderValue::from(token.id));
    answer.insert(TOKEN_NAME, header_safe(&token.name));
    Ok((
        answer,
        Json(json!({ "id": token.id, "name": token.name, "permission": needed })),
    ))
}

fn first_header<'a>(headers: &'a HeaderMap, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// Token names are free text; a header carries visible ASCII, so anything else is
/// percent-encoded (UTF-8).
fn header_safe(name: &str) -> HeaderValue {
    HeaderValue::from_str(name)
        .ok()
        .filter(|_| name.bytes().all(|b| (b' '..=b'~').contains(&b)))
        .unwrap_or_else(|| {
            let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
            HeaderValue::from_str(&encoded).expect("percent-encoding is ASCII")
        })
}
