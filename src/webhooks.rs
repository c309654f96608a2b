//! Settings > Webhooks: endpoints that hear about token changes, signed the Standard
//! Webhooks way. A change queues its event in the outbox in its own transaction (through
//! the audit log: `append_audit!` in the store); the [`delivery`] worker sends it.

pub mod client;
pub mod delivery;
mod payload;
pub mod signing;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::Notify;

pub use payload::OutboxEvent;
pub use signing::SigningSecret;

use crate::admins::access::{require, require_confirmed};
use crate::admins::actor::Actor;
use crate::audit::{By, event};
use crate::error::ServiceError;
use crate::model::{
    AdminPermission, AdminView, AuditAction, AuditTargetKind, FieldError, WebhookCreated,
    WebhookDeliveryView, WebhookEvent, WebhookPatch, WebhookRequest, WebhookView,
};
use crate::store::{Store, WebhookRecord};
use crate::validate::{Description, WebhookUrl};

/// How many deliveries an endpoint's page lists.
pub const RECENT_DELIVERIES: i64 = 50;

#[derive(Clone)]
pub struct Webhooks {
    store: Store,
    /// Wakes this instance's delivery worker when something is queued to go now.
    wake: Arc<Notify>,
}

/// A validated endpoint form.
struct ValidWebhook {
    url: WebhookUrl,
    description: Description,
    events: Vec<WebhookEvent>,
    enabled: bool,
}

impl ValidWebhook {
    fn record(&self) -> WebhookRecord<'_> {
        WebhookRecord {
            url: self.url.as_str(),
            description: self.description.as_str(),
            events: &self.events,
            enabled: self.enabled,
        }
    }

    /// What the audit log says changed: the events, and whether it is on.
    fn detail(&self) -> String {
        let events: Vec<&str> = self.events.iter().map(|e| e.as_str()).collect();
        format!(
            "events: {}; {}",
            events.join(", "),
            if self.enabled { "enabled" } else { "disabled" }
        )
    }
}

/// Event names as sent: each known, at least one, none twice (kept in catalog order).
fn parse_events(names: &[String]) -> Result<Vec<WebhookEvent>, FieldError> {
    let field = "events";
    if names.len() > WebhookEvent::ALL.len() {
        return Err(FieldError::new(
            field,
            format!(
                "List each event once: there are only {}.",
                WebhookEvent::ALL.len()
            ),
        ));
    }
    let mut events = BTreeSet::new();
    for name in names {
        let event = WebhookEvent::parse(name.trim()).ok_or_else(|| {
            let known: Vec<&str> = WebhookEvent::ALL.iter().map(|e| e.as_str()).collect();
            FieldError::new(
                field,
                format!("Unknown event “{name}”: choose from {}.", known.join(", ")),
            )
        })?;
        events.insert(event);
    }
    if events.is_empty() {
        return Err(FieldError::new(field, "Choose at least one event to send."));
    }
    Ok(events.into_iter().collect())
}

fn validate(
    url: &str,
    description: &str,
    events: &[String],
    enabled: bool,
) -> Result<ValidWebhook, ServiceError> {
    let mut errors = Vec::new();
    let url = WebhookUrl::parse(url).map_err(|e| errors.push(e)).ok();
    let description = Description::parse(description)
        .map_err(|e| errors.push(e))
        .ok();
    let events = parse_events(events).map_err(|e| errors.push(e)).ok();
    match (url, description, events) {
        (Some(url), Some(description), Some(events)) if errors.is_empty() => Ok(ValidWebhook {
            url,
            description,
            events,
            enabled,
        }),
        _ => Err(ServiceError::Invalid(errors)),
    }
}

fn not_found() -> ServiceError {
    ServiceError::NotFound("webhook")
}

impl Webhooks {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            wake: Arc::new(Notify::new()),
        }
    }

    /// What the delivery worker waits on besides its poll interval.
    pub fn wake_signal(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    pub async fn list(&self, by: &AdminView) -> Result<Vec<WebhookView>, ServiceError> {
        require(by, AdminPermission::WebhooksManage)?;
        Ok(self.store.webhooks().await?)
    }

    pub async fn get(&self, by: &AdminView, id: i64) -> Result<WebhookView, ServiceError> {
        require(by, AdminPermission::WebhooksManage)?;
        self.store.webhook(id).await?.ok_or_else(not_found)
    }

    /// Registers an endpoint: the answer carries its secret, the only time it does.
    pub async fn create(
        &self,
        by: &Actor,
        request: &WebhookRequest,
    ) -> Result<WebhookCreated, ServiceError> {
        require_confirmed(by, AdminPermission::WebhooksManage)?;
        let valid = validate(
            &request.url,
            &request.description,
            &request.events,
            request.enabled,
        )?;
        let secret = SigningSecret::generate();
        let detail = valid.detail();
        let audit = event(&By::Admin(by), AuditAction::WebhookCreate, None, &detail);
        let id = self
            .store
            .insert_webhook(&valid.record(), secret.expose(), Utc::now(), &audit)
            .await?;
        tracing::info!(webhook_id = id, by = by.id, "webhook created");
        Ok(WebhookCreated {
            secret: secret.expose().to_owned(),
            webhook: self.store.webhook(id).await?.ok_or_else(not_found)?,
        })
    }

    /// Changes the fields `patch` sends; the rest stay.
    pub async fn update(
        &self,
        by: &Actor,
        id: i64,
        patch: &WebhookPatch,
    ) -> Result<WebhookView, ServiceError> {
        require_confirmed(by, AdminPermission::WebhooksManage)?;
        let current = self.get(by, id).await?;
        let events = match &patch.events {
            Some(events) => events.clone(),
            None => current
                .events
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect(),
        };
        let valid = validate(
            patch.url.as_deref().unwrap_or(&current.url),
            patch.description.as_deref().unwrap_or(&current.description),
            &events,
            patch.enabled.unwrap_or(current.enabled),
        )?;
        let detail = valid.detail();
        let target = Some((AuditTargetKind::Webhook, id, valid.url.as_str()));
        let audit = event(&By::Admin(by), AuditAction::WebhookUpdate, target, &detail);
        if !self
            .store
            .update_webhook(id, &valid.record(), Utc::now(), &audit)
            .await?
        {
            return Err(not_found());
        }
        if valid.enabled && !current.enabled {
            // Deliveries held while it was off can go now.
            self.wake.notify_one();
        }
        self.get(by, id).await
    }

    /// Replaces the signing secret: the new one is in the answer, once; the old one
    /// signs nothing from now on.
    pub async fn rotate_secret(&self, by: &Actor, id: i64) -> Result<WebhookCreated, ServiceError> {
        require_confirmed(by, AdminPermission::WebhooksManage)?;
        let current = self.get(by, id).await?;
        let secret = SigningSecret::generate();
        let target = Some((AuditTargetKind::Webhook, id, current.url.as_str()));
        let audit = event(&By::Admin(by), AuditAction::WebhookRotateSecret, target, "");
        if !self
            .store
            .set_webhook_secret(id, secret.expose(), Utc::now(), &audit)
            .await?
        {
            return Err(not_found());
        }
        tracing::info!(webhook_id = id, by = by.id, "webhook secret rotated");
        Ok(WebhookCreated {
            secret: secret.expose().to_owned(),
            webhook: self.get(by, id).await?,
        })
    }

    /// Deletes the endpoint and what was queued for it.
    pub async fn delete(&self, by: &Actor, id: i64) -> Result<(), ServiceError> {
        require_confirmed(by, AdminPermission::WebhooksManage)?;
        let current = self.get(by, id).await?;
        let target = Some((AuditTargetKind::Webhook, id, current.url.as_str()));
        let audit = event(&By::Admin(by), AuditAction::WebhookDelete, target, "");
        if !self.store.delete_webhook(id, &audit).await? {
            return Err(not_found());
        }
        tracing::info!(webhook_id = id, by = by.id, "webhook deleted");
        Ok(())
    }

    /// The endpoint's newest deliveries.
    pub async fn deliveries(
        &self,
        by: &AdminView,
        id: i64,
    ) -> Result<Vec<WebhookDeliveryView>, ServiceError> {
        self.get(by, id).await?;
        Ok(self.store.webhook_deliveries(id, RECENT_DELIVERIES).await?)
    }

    /// Queues a `webhook.test` event for the endpoint (whatever it subscribes to) and
    /// wakes the worker: the delivery as queued.
    pub async fn send_test(
        &self,
        by: &AdminView,
        id: i64,
    ) -> Result<WebhookDeliveryView, ServiceError> {
        self.get(by, id).await?;
        let delivery = self
            .store
            .enqueue_webhook_for(id, &OutboxEvent::test(id, Utc::now()))
            .await?;
        self.wake.notify_one();
        self.delivery(id, delivery).await
    }

    /// Sends a delivery again, with a fresh round of retries.
    pub async fn redeliver(
        &self,
        by: &AdminView,
        delivery_id: i64,
    ) -> Result<WebhookDeliveryView, ServiceError> {
        require(by, AdminPermission::WebhooksManage)?;
        let endpoint = self
            .store
            .webhook_delivery_endpoint(delivery_id)
            .await?
            .ok_or(ServiceError::NotFound("delivery"))?;
        self.store
            .redeliver_webhook(delivery_id, Utc::now())
            .await?;
        self.wake.notify_one();
        self.delivery(endpoint, delivery_id).await
    }

    async fn delivery(
        &self,
        endpoint: i64,
        delivery_id: i64,
    ) -> Result<WebhookDeliveryView, ServiceError> {
        self.store
            .webhook_deliveries(endpoint, RECENT_DELIVERIES)
            .await?
            .into_iter()
            .find(|d| d.id == delivery_id)
            .ok_or(ServiceError::NotFound("delivery"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_checked_by_name() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_events(&names(&["token.revoked", "token.created", "token.revoked"])).unwrap(),
            vec![WebhookEvent::TokenCreated, WebhookEvent::TokenRevoked]
        );
        let unknown = parse_events(&names(&["token.exploded"])).unwrap_err();
        assert_eq!(unknown.field, "events");
        assert!(unknown.message.contains("token.exploded"));
        assert!(
            parse_events(&[])
                .unwrap_err()
                .message
                .contains("at least one")
        );
    }

    #[test]
    fn every_field_error_is_reported_at_once() {
        let Err(ServiceError::Invalid(errors)) = validate("http://example.com", "", &[], true)
        else {
            panic!("refused");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["url", "events"]);
    }
}
