//! The admin API's webhook answers (`/admin/api/webhooks…`): an endpoint (never its
//! secret, except in the create and rotate answers), a list of them, and deliveries.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tollgate::model::{
    DeliveryState, WebhookCreated, WebhookDeliveryView, WebhookEvent, WebhookView,
};
use utoipa::ToSchema;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder};

use super::one_of;

fn event_names() -> ArrayBuilder {
    ArrayBuilder::new().items(one_of(
        "An event name.",
        WebhookEvent::ALL.map(WebhookEvent::as_str),
    ))
}

fn delivery_state() -> ObjectBuilder {
    one_of(
        "`pending` (waiting for an attempt or a retry), `delivered` (answered 2xx) or `failed` (given up on).",
        ["pending", "delivered", "failed"],
    )
}

/// A registered endpoint.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub created_at: DateTime<Utc>,
    pub description: String,
    /// Off: nothing is sent; events queued meanwhile wait.
    pub enabled: bool,
    #[schema(schema_with = event_names)]
    pub events: Vec<String>,
    /// Since when deliveries to it have been given up on; `null` while they work.
    #[schema(required = true)]
    pub failing_since: Option<DateTime<Utc>>,
    #[schema(example = 3)]
    pub id: i64,
    pub updated_at: DateTime<Utc>,
    #[schema(example = "https://hooks.example.com/tollgate")]
    pub url: String,
}

impl From<WebhookView> for Webhook {
    fn from(view: WebhookView) -> Self {
        Self {
            created_at: view.created_at,
            description: view.description,
            enabled: view.enabled,
            events: view.events.iter().map(|e| e.as_str().to_owned()).collect(),
            failing_since: view.failing_since,
            id: view.id,
            updated_at: view.updated_at,
            url: view.url,
        }
    }
}

/// One endpoint: show, change.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookData {
    pub data: Webhook,
}

impl WebhookData {
    pub fn new(view: WebhookView) -> Self {
        Self { data: view.into() }
    }
}

/// Every endpoint, oldest first.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookList {
    pub data: Vec<Webhook>,
}

impl WebhookList {
    pub fn new(views: Vec<WebhookView>) -> Self {
        Self {
            data: views.into_iter().map(Webhook::from).collect(),
        }
    }
}

/// Create and rotate-secret answer with the signing secret, once: the only answers that do.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookWithSecret {
    pub data: Webhook,
    /// `whsec_` and base64: verify each delivery's `webhook-signature` with it. Store it
    /// now; it is never shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

impl WebhookWithSecret {
    pub fn new(created: WebhookCreated) -> Self {
        Self {
            data: created.webhook.into(),
            secret: created.secret,
        }
    }
}

/// One event on its way to one endpoint.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// Attempts so far in this round (a redelivery starts a new round).
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    /// Why the last attempt got no answer (timeout, refused address, connection refused).
    #[schema(required = true)]
    pub error: Option<String>,
    #[schema(example = "token.revoked")]
    pub event: String,
    pub id: i64,
    #[schema(required = true)]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The `webhook-id` header, the same on every attempt.
    pub message_id: String,
    /// When it is tried next; `null` unless pending.
    #[schema(required = true)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The first 1 KB of the last answer's body.
    #[schema(required = true)]
    pub response_excerpt: Option<String>,
    #[schema(schema_with = delivery_state)]
    pub state: DeliveryState,
    /// The last answer's status; `null` before one.
    #[schema(required = true)]
    pub status_code: Option<i32>,
}

impl From<WebhookDeliveryView> for Delivery {
    fn from(view: WebhookDeliveryView) -> Self {
        Self {
            attempts: view.attempts,
            created_at: view.created_at,
            error: view.error,
            event: view.event,
            id: view.id,
            last_attempt_at: view.last_attempt_at,
            message_id: view.message_id,
            next_attempt_at: view.next_attempt_at,
            response_excerpt: view.response_excerpt,
            state: view.state,
            status_code: view.status_code,
        }
    }
}

/// One delivery: a test event queued, a redelivery.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryData {
    pub data: Delivery,
}

impl DeliveryData {
    pub fn new(view: WebhookDeliveryView) -> Self {
        Self { data: view.into() }
    }
}

/// An endpoint's recent deliveries, newest first (at most 50).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryList {
    pub data: Vec<Delivery>,
}

impl DeliveryList {
    pub fn new(views: Vec<WebhookDeliveryView>) -> Self {
        Self {
            data: views.into_iter().map(Delivery::from).collect(),
        }
    }
}
