//! `/api/{resource}` and `/api/{resource}/{id}` over the stored JSON documents, each
//! route needing its one action on the resource.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};
use tollgate::catalog::{Action, Permission};
use tollgate::tokens::verifier::VerifiedToken;

use super::{ApiError, Bearer};
use crate::router::AppState;

/// Authenticates, then checks that the resource exists and the token may do `action` on it.
/// Authentication comes first so unauthenticated callers learn nothing about resources.
async fn guard(
    state: &AppState,
    bearer: &Bearer,
    resource: &str,
    action: Action,
) -> Result<VerifiedToken, ApiError> {
    let verifier = &state.core.verifier;
    let token = verifier
        .authenticate(bearer.presented(), bearer.client_ip)
        .await?;
    if !state.core.content.has_resource(resource) {
        return Err(ApiError::not_found(format!(
            "There is no resource `{resource}`."
        )));
    }
    verifier.authorize(&token, &Permission::new(resource, action))?;
    Ok(token)
}

/// The `{id}` of `/{resource}/{id}`. Parsed by hand, after the token check, so a caller
/// without a valid token learns nothing, and a bad id is refused by name.
fn document_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::bad_request("id", "The document id must be a whole number."))
}

fn json_body(body: Result<Json<Value>, JsonRejection>) -> Result<Value, ApiError> {
    body.map(|Json(value)| value)
        .map_err(|rejection| ApiError::unreadable_body(rejection.status(), rejection.body_text()))
}

/// `GET /api/{resource}`: needs `{resource}.find`.
pub async fn list(
    State(state): State<AppState>,
    Path(resource): Path<String>,
    bearer: Bearer,
) -> Result<Json<Value>, ApiError> {
    guard(&state, &bearer, &resource, Action::Find).await?;
    let documents = state.core.content.list(&resource).await?;
    Ok(Json(json!({ "data": documents })))
}

/// `POST /api/{resource}` with a JSON object: needs `{resource}.create`.
pub async fn create(
    State(state): State<AppState>,
    Path(resource): Path<String>,
    bearer: Bearer,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    guard(&state, &bearer, &resource, Action::Create).await?;
    let document = state
        .core
        .content
        .create(&resource, json_body(body)?)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": document }))))
}

/// `GET /api/{resource}/{id}`: needs `{resource}.findOne`.
pub async fn find_one(
    State(state): State<AppState>,
    Path((resource, id)): Path<(String, String)>,
    bearer: Bearer,
) -> Result<Json<Value>, ApiError> {
    guard(&state, &bearer, &resource, Action::FindOne).await?;
    let document = state.core.content.get(&resource, document_id(&id)?).await?;
    Ok(Json(json!({ "data": document })))
}

/// `PUT /api/{resource}/{id}` with a JSON object that replaces the document: needs
/// `{resource}.update`.
pub async fn replace(
    State(state): State<AppState>,
    Path((resource, id)): Path<(String, String)>,
    bearer: Bearer,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    guard(&state, &bearer, &resource, Action::Update).await?;
    let id = document_id(&id)?;
    let document = state
        .core
        .content
        .replace(&resource, id, json_body(body)?)
        .await?;
    Ok(Json(json!({ "data": document })))
}

/// `DELETE /api/{resource}/{id}`: needs `{resource}.delete`. Answers 204.
pub async fn delete(
    State(state): State<AppState>,
    Path((resource, id)): Path<(String, String)>,
    bearer: Bearer,
) -> Result<StatusCode, ApiError> {
    guard(&state, &bearer, &resource, Action::Delete).await?;
    let id = document_id(&id)?;
    state.core.content.delete(&resource, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
