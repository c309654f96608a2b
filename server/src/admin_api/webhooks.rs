//! `/admin/api/webhooks[/{id}[/test|rotate-secret|deliveries]]` and
//! `/admin/api/webhooks/deliveries/{id}/redeliver`: the session, the body mapped to the
//! core's request, one core call, the JSON answer. Every handler needs `webhooks.manage`
//! (checked in the core).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tollgate::model::{WebhookPatch, WebhookRequest};

use super::AdminSession;
use crate::answers::{DeliveryData, DeliveryList, WebhookData, WebhookList, WebhookWithSecret};
use crate::json_body::JsonBody;
use crate::json_error::ApiError;
use crate::router::AppState;

/// `POST /admin/api/webhooks`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookBody {
    #[serde(default)]
    url: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    events: Vec<String>,
    /// Absent: on.
    #[serde(default)]
    enabled: Option<bool>,
}

/// `PATCH /admin/api/webhooks/{id}`: only the fields sent change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchWebhookBody {
    url: Option<String>,
    description: Option<String>,
    events: Option<Vec<String>>,
    enabled: Option<bool>,
}

/// An `{id}` in the path, refused by name when it is not a whole number.
fn id_of(raw: &str, what: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::bad_request("id", format!("The {what} id must be a whole number.")))
}

/// `GET /admin/api/webhooks`.
pub async fn list(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
) -> Result<Json<WebhookList>, ApiError> {
    Ok(Json(WebhookList::new(
        state.core.webhooks.list(&admin).await?,
    )))
}

/// `POST /admin/api/webhooks`: 201 with the signing secret, once.
pub async fn create(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    JsonBody(body): JsonBody<CreateWebhookBody>,
) -> Result<Response, ApiError> {
    let request = WebhookRequest {
        url: body.url,
        description: body.description.unwrap_or_default(),
        events: body.events,
        enabled: body.enabled.unwrap_or(true),
    };
    let created = state.core.webhooks.create(&admin, &request).await?;
    let location = format!("/admin/api/webhooks/{}", created.webhook.id);
    Ok((
        StatusCode::CREATED,
        [(LOCATION, location)],
        Json(WebhookWithSecret::new(created)),
    )
        .into_response())
}

/// `GET /admin/api/webhooks/{id}`.
pub async fn show(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Json<WebhookData>, ApiError> {
    let webhook = state
        .core
        .webhooks
        .get(&admin, id_of(&id, "webhook")?)
        .await?;
    Ok(Json(WebhookData::new(webhook)))
}

/// `PATCH /admin/api/webhooks/{id}`.
pub async fn update(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PatchWebhookBody>,
) -> Result<Json<WebhookData>, ApiError> {
    let id = id_of(&id, "webhook")?;
    let patch = WebhookPatch {
        url: body.url,
        description: body.description,
        events: body.events,
        enabled: body.enabled,
    };
    let webhook = state.core.webhooks.update(&admin, id, &patch).await?;
    Ok(Json(WebhookData::new(webhook)))
}

/// `DELETE /admin/api/webhooks/{id}`: 204.
pub async fn delete(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .core
        .webhooks
        .delete(&admin, id_of(&id, "webhook")?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /admin/api/webhooks/{id}/rotate-secret`: the new secret, once.
pub async fn rotate_secret(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Json<WebhookWithSecret>, ApiError> {
    let id = id_of(&id, "webhook")?;
    let rotated = state.core.webhooks.rotate_secret(&admin, id).await?;
    Ok(Json(WebhookWithSecret::new(rotated)))
}

/// `POST /admin/api/webhooks/{id}/test`: 202 with the queued delivery.
pub async fn send_test(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = id_of(&id, "webhook")?;
    let delivery = state.core.webhooks.send_test(&admin, id).await?;
    Ok((StatusCode::ACCEPTED, Json(DeliveryData::new(delivery))).into_response())
}

/// `GET /admin/api/webhooks/{id}/deliveries`.
pub async fn deliveries(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Json<DeliveryList>, ApiError> {
    let id = id_of(&id, "webhook")?;
    let deliveries = state.core.webhooks.deliveries(&admin, id).await?;
    Ok(Json(DeliveryList::new(deliveries)))
}

/// `POST /admin/api/webhooks/deliveries/{id}/redeliver`: 202 with the delivery, queued again.
pub async fn redeliver(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = id_of(&id, "delivery")?;
    let delivery = state.core.webhooks.redeliver(&admin, id).await?;
    Ok((StatusCode::ACCEPTED, Json(DeliveryData::new(delivery))).into_response())
}
