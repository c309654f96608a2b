//! `/admin/api/tokens[/{id}[/regenerate|suspend|resume|end-grace]]`: each handler is the session, the request
//! mapped to the core's types, one core call, and the JSON answer.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use tollgate::ServiceError;
use tollgate::model::{TokenListParams, TokenListQuery};

use super::AdminSession;
use super::requests::{CreateTokenBody, PatchTokenBody, RegenerateBody, SuspendBody};
use crate::answers::{TokenData, TokenPage, TokenWithSecret};
use crate::json_body::{JsonBody, OptionalJsonBody};
use crate::json_error::ApiError;
use crate::router::AppState;

/// The `{id}` of a token path. Parsed by hand so a bad one is refused by name.
fn token_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::bad_request("id", "The token id must be a whole number."))
}

/// `GET /admin/api/tokens?search=&type=&status=&unused=&created_by=&sort=&after=&limit=`.
pub async fn list(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    params: Result<Query<TokenListParams>, QueryRejection>,
) -> Result<Json<TokenPage>, ApiError> {
    let Query(params) =
        params.map_err(|rejection| ApiError::bad_request("query", rejection.body_text()))?;
    let query = TokenListQuery::parse(&params).map_err(ServiceError::Invalid)?;
    let page = state.core.tokens.list_page(&admin, &query).await?;
    Ok(Json(TokenPage::new(page)))
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
        Json(TokenWithSecret::new(created)),
    )
        .into_response())
}

/// `GET /admin/api/tokens/{id}`: revoked tokens too.
pub async fn show(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Json<TokenData>, ApiError> {
    let token = state.core.tokens.get(&admin, token_id(&id)?).await?;
    Ok(Json(TokenData::new(token)))
}

/// `PATCH /admin/api/tokens/{id}`: the fields sent, nothing else.
pub async fn update(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PatchTokenBody>,
) -> Result<Json<TokenData>, ApiError> {
    let id = token_id(&id)?;
    let patch = body.into_patch().map_err(ServiceError::Invalid)?;
    let token = state.core.tokens.update(&admin, id, &patch).await?;
    Ok(Json(TokenData::new(token)))
}

/// `POST /admin/api/tokens/{id}/regenerate` with an optional `{"grace": "24h"}`: the new
/// value, once; the old one works until the grace period ends.
pub async fn regenerate(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
    OptionalJsonBody(body): OptionalJsonBody<RegenerateBody>,
) -> Result<Json<TokenWithSecret>, ApiError> {
    let id = token_id(&id)?;
    let grace = body.unwrap_or_default().grace;
    let created = state.core.tokens.regenerate(&admin, id, grace).await?;
    Ok(Json(TokenWithSecret::new(created)))
}

/// `POST /admin/api/tokens/{id}/suspend` with an optional `{"reason": "…"}`.
pub async fn suspend(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
    OptionalJsonBody(body): OptionalJsonBody<SuspendBody>,
) -> Result<Json<TokenData>, ApiError> {
    let id = token_id(&id)?;
    let reason = body.unwrap_or_default().reason;
    let token = state.core.tokens.suspend(&admin, id, &reason).await?;
    Ok(Json(TokenData::new(token)))
}

/// `POST /admin/api/tokens/{id}/resume`.
pub async fn resume(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Json<TokenData>, ApiError> {
    let token = state.core.tokens.resume(&admin, token_id(&id)?).await?;
    Ok(Json(TokenData::new(token)))
}

/// `POST /admin/api/tokens/{id}/renew`: the same value, a new expiry.
pub async fn renew(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Json<TokenData>, ApiError> {
    let token = state.core.tokens.renew(&admin, token_id(&id)?).await?;
    Ok(Json(TokenData::new(token)))
}

/// `POST /admin/api/tokens/{id}/end-grace`: the previous value stops now.
pub async fn end_grace(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Json<TokenData>, ApiError> {
    let token = state.core.tokens.end_grace(&admin, token_id(&id)?).await?;
    Ok(Json(TokenData::new(token)))
}

/// `DELETE /admin/api/tokens/{id}`: revokes, and answers the token with who and when.
pub async fn revoke(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Json<TokenData>, ApiError> {
    let token = state.core.tokens.revoke(&admin, token_id(&id)?).await?;
    Ok(Json(TokenData::new(token)))
}
