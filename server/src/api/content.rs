use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};
use tollgate::catalog::{Action, Permission};
use tollgate::verify::VerifiedToken;

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
    let token = verifier.authenticate(bearer.presented()).await?;
    if !state.core.content.has_resource(resource) {
        return Err(ApiError::not_found(format!(
            "There is no resource `{resource}`."
        )));
    }
    verifier.authorize(&token, &Permission::new(resource, action))?;
    Ok(token)
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
    let Json(body) =
        body.map_err(|rejection| ApiError::bad_request("body", rejection.body_text()))?;
    let document = state.core.content.create(&resource, body).await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": document }))))
}
