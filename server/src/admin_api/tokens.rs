//! `/admin/api/tokens[/{id}[/regenerate]]`: each handler is the session, the request
//! mapped to the core's types, one core call, and the JSON answer.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use tollgate::ServiceError;
use tollgate::model::{CreatedToken, TokenListParams, TokenListQuery, TokenStatus, TokenView};

use super::AdminSession;
use super::body::JsonBody;
use super::requests::{CreateTokenBody, PatchTokenBody};
use crate::api_door::ApiError;
use crate::router::AppState;

/// A token as the API shows it: the view, plus its status right now.
#[derive(Serialize)]
struct TokenJson {
    #[serde(flatten)]
    token: TokenView,
    status: TokenStatus,
}

impl TokenJson {
    fn new(token: TokenView, now: DateTime<Utc>) -> Self {
        Self {
            status: token.status(now),
            token,
        }
    }
}

fn one(token: TokenView) -> Json<serde_json::Value> {
    Json(json!({ "data": TokenJson::new(token, Utc::now()) }))
}

/// The answer that carries a token's value (create, regenerate): the only one that does.
fn revealed(created: CreatedToken) -> serde_json::Value {
    json!({
        "data": TokenJson::new(created.token, Utc::now()),
        "secret": created.secret.expose(),
    })
}

/// The `{id}` of a token path. Parsed by hand so a bad one is refused by name.
fn token_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::bad_request("id", "The token id must be a whole number."))
}

/// `GET /admin/api/tokens?search=&type=&status=&sort=&after=&limit=`.
pub async fn list(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    params: Result<Query<TokenListParams>, QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Query(params) =
        params.map_err(|rejection| ApiError::bad_request("query", rejection.body_text()))?;
    let query = TokenListQuery::parse(&params).map_err(ServiceError::Invalid)?;
    let page = state.core.tokens.list_page(&admin, &query).await?;
    let now = Utc::now();
    let data: Vec<TokenJson> = page
        .data
        .into_iter()
        .map(|token| TokenJson::new(token, now))
        .collect();
    Ok(Json(
        json!({ "data": data, "next_cursor": page.next_cursor }),
    ))
}

/// `POST /admin/api/tokens`: 201 with the value, once.
pub async fn create(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    JsonBody(body): JsonBody<CreateTokenBody>,
) -> Result<Response, ApiError> {
    let request = body.into_request().map_err(ServiceError::Invalid)?;
    let created = state.core.tokens.create(&admin, &request).await?;
    let location = format!("/admin/api/tokens/{}", created.token.id);
    Ok((
        StatusCode::CREATED,
        [(LOCATION, location)],
        Json(revealed(created)),
    )
        .into_response())
}

/// `GET /admin/api/tokens/{id}`: revoked tokens too.
pub async fn show(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let token = state.core.tokens.get(&admin, token_id(&id)?).await?;
    Ok(one(token))
}

/// `PATCH /admin/api/tokens/{id}`: the fields sent, nothing else.
pub async fn update(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PatchTokenBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = token_id(&id)?;
    let patch = body.into_patch().map_err(ServiceError::Invalid)?;
    let token = state.core.tokens.update(&admin, id, &patch).await?;
    Ok(one(token))
}

/// `POST /admin/api/tokens/{id}/regenerate`: the new value, once.
pub async fn regenerate(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let created = state.core.tokens.regenerate(&admin, token_id(&id)?).await?;
    Ok(Json(revealed(created)))
}

/// `DELETE /admin/api/tokens/{id}`: revokes, and answers the token with who and when.
pub async fn revoke(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let token = state.core.tokens.revoke(&admin, token_id(&id)?).await?;
    Ok(one(token))
}
