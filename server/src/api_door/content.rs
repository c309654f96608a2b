//! `/api/{resource}` and `/api/{resource}/{id}` over the stored JSON documents: the handler
//! of each endpoint in the table. Which permission each needs is the table's to say, and
//! [`Authorized`] has checked it before a handler runs.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{MethodFilter, MethodRouter, on};
use serde::Deserialize;
use serde_json::{Value, json};
use tollgate::catalog::Action;
use tollgate::endpoints::{Endpoint, Method};

use super::{ApiError, Authorized};
use crate::router::AppState;

/// The route of one table entry: its method, served by the handler of its action.
pub fn route(endpoint: &Endpoint) -> MethodRouter<AppState> {
    let method = match endpoint.method {
        Method::Get => MethodFilter::GET,
        Method::Post => MethodFilter::POST,
        Method::Put => MethodFilter::PUT,
        Method::Delete => MethodFilter::DELETE,
    };
    match endpoint.action {
        Action::Find => on(method, list),
        Action::FindOne => on(method, find_one),
        Action::Create => on(method, create),
        Action::Update => on(method, replace),
        Action::Delete => on(method, delete),
    }
}

/// The `{id}` of `/{resource}/{id}`, as sent.
#[derive(Deserialize)]
struct OnDocument {
    id: String,
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

/// `GET /api/{resource}`: the first documents.
async fn list(
    State(state): State<AppState>,
    Authorized { resource, .. }: Authorized,
) -> Result<Json<Value>, ApiError> {
    let documents = state.core.content.list(&resource).await?;
    Ok(Json(json!({ "data": documents })))
}

/// `POST /api/{resource}` with a JSON object: stores it. Answers 201.
async fn create(
    State(state): State<AppState>,
    Authorized { resource, .. }: Authorized,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let document = state
        .core
        .content
        .create(&resource, json_body(body)?)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": document }))))
}

/// `GET /api/{resource}/{id}`: one document.
async fn find_one(
    State(state): State<AppState>,
    Authorized { resource, .. }: Authorized,
    Path(OnDocument { id }): Path<OnDocument>,
) -> Result<Json<Value>, ApiError> {
    let document = state.core.content.get(&resource, document_id(&id)?).await?;
    Ok(Json(json!({ "data": &*document })))
}

/// `PUT /api/{resource}/{id}` with a JSON object that replaces the document.
async fn replace(
    State(state): State<AppState>,
    Authorized { resource, .. }: Authorized,
    Path(OnDocument { id }): Path<OnDocument>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = document_id(&id)?;
    let document = state
        .core
        .content
        .replace(&resource, id, json_body(body)?)
        .await?;
    Ok(Json(json!({ "data": document })))
}

/// `DELETE /api/{resource}/{id}`: removes the document. Answers 204.
async fn delete(
    State(state): State<AppState>,
    Authorized { resource, .. }: Authorized,
    Path(OnDocument { id }): Path<OnDocument>,
) -> Result<StatusCode, ApiError> {
    let id = document_id(&id)?;
    state.core.content.delete(&resource, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
