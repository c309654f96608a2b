//! Settings > Webhooks as the panel and the server share it: the events an endpoint can
//! subscribe to, an endpoint, what the forms send, and one delivery.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AuditAction;

/// Something that happened that an endpoint can be told about. A closed set: the form's
/// checkboxes list exactly these. Some are emitted by parts built later (`token.expiring`,
/// `policy.updated`); an endpoint may subscribe to them already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WebhookEvent {
    #[serde(rename = "token.created")]
    TokenCreated,
    #[serde(rename = "token.updated")]
    TokenUpdated,
    #[serde(rename = "token.regenerated")]
    TokenRegenerated,
    #[serde(rename = "token.revoked")]
    TokenRevoked,
    #[serde(rename = "token.suspended")]
    TokenSuspended,
    #[serde(rename = "token.resumed")]
    TokenResumed,
    #[serde(rename = "token.leaked")]
    TokenLeaked,
    #[serde(rename = "token.expiring")]
    TokenExpiring,
    #[serde(rename = "policy.updated")]
    PolicyUpdated,
    #[serde(rename = "webhook.test")]
    WebhookTest,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 10] = [
        WebhookEvent::TokenCreated,
        WebhookEvent::TokenUpdated,
        WebhookEvent::TokenRegenerated,
        WebhookEvent::TokenRevoked,
        WebhookEvent::TokenSuspended,
        WebhookEvent::TokenResumed,
        WebhookEvent::TokenLeaked,
        WebhookEvent::TokenExpiring,
        WebhookEvent::PolicyUpdated,
        WebhookEvent::WebhookTest,
    ];

    /// The stable name, as stored, sent in the payload's `type` and in the API.
    pub fn as_str(self) -> &'static str {
        use WebhookEvent::*;
        match self {
            TokenCreated => "token.created",
            TokenUpdated => "token.updated",
            TokenRegenerated => "token.regenerated",
            TokenRevoked => "token.revoked",
            TokenSuspended => "token.suspended",
            TokenResumed => "token.resumed",
            TokenLeaked => "token.leaked",
            TokenExpiring => "token.expiring",
            PolicyUpdated => "policy.updated",
            WebhookTest => "webhook.test",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == value)
    }

    /// How the form names it.
    pub fn label(self) -> &'static str {
        use WebhookEvent::*;
        match self {
            TokenCreated => "A token was created",
            TokenUpdated => "A token was edited",
            TokenRegenerated => "A token was regenerated",
            TokenRevoked => "A token was revoked",
            TokenSuspended => "A token was suspended",
            TokenResumed => "A token was resumed",
            TokenLeaked => "A token was reported as leaked and revoked",
            TokenExpiring => "A token expires soon",
            PolicyUpdated => "The token policy changed",
            WebhookTest => "A test event (sent by “Send a test event”)",
        }
    }

    /// The event an audited change sends, if any: the one mapping from the audit log to
    /// webhooks, so every audited token change is also an event.
    pub fn for_audit(action: AuditAction) -> Option<Self> {
        match action {
            AuditAction::TokenCreate => Some(WebhookEvent::TokenCreated),
            AuditAction::TokenUpdate => Some(WebhookEvent::TokenUpdated),
            AuditAction::TokenRegenerate => Some(WebhookEvent::TokenRegenerated),
            // A renew changes the expiry: an update, its detail says how.
            AuditAction::TokenRenew => Some(WebhookEvent::TokenUpdated),
            AuditAction::TokenRevoke => Some(WebhookEvent::TokenRevoked),
            AuditAction::TokenSuspend => Some(WebhookEvent::TokenSuspended),
            AuditAction::TokenResume => Some(WebhookEvent::TokenResumed),
            AuditAction::TokenLeaked => Some(WebhookEvent::TokenLeaked),
            AuditAction::PolicyUpdate => Some(WebhookEvent::PolicyUpdated),
            _ => None,
        }
    }
}

impl fmt::Display for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One registered endpoint, without its secret (that is shown once, in [`WebhookCreated`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookView {
    pub created_at: DateTime<Utc>,
    pub description: String,
    pub enabled: bool,
    pub events: Vec<WebhookEvent>,
    /// Since when deliveries to it have been given up on (cleared by the next success).
    pub failing_since: Option<DateTime<Utc>>,
    pub id: i64,
    pub updated_at: DateTime<Utc>,
    pub url: String,
}

/// What the create form sends, unvalidated. Event names stay strings so an unknown one
/// is a field error naming it, not a parse failure of the whole body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRequest {
    pub url: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// What an edit sends: only the fields that change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WebhookPatch {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub events: Option<Vec<String>>,
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// An endpoint with its signing secret: the answer to create and to "rotate secret",
/// the only times the secret leaves the server.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookCreated {
    pub secret: String,
    pub webhook: WebhookView,
}

impl fmt::Debug for WebhookCreated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookCreated")
            .field("webhook", &self.webhook)
            .finish_non_exhaustive()
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Waiting for its first attempt or a retry.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Given up on after the retries.
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliveryState::Pending => "Pending",
            DeliveryState::Delivered => "Delivered",
            DeliveryState::Failed => "Failed",
        }
    }
}

/// Longest response excerpt kept per delivery, in bytes.
pub const RESPONSE_EXCERPT_MAX: usize = 1024;

/// One event on its way to one endpoint, as the endpoint's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDeliveryView {
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    /// Why the last attempt failed without an answer (timeout, refused address, …).
    pub error: Option<String>,
    pub event: String,
    pub id: i64,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The `webhook-id` header: the same on every attempt.
    pub message_id: String,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The first [`RESPONSE_EXCERPT_MAX`] bytes of the last answer's body.
    pub response_excerpt: Option<String>,
    pub state: DeliveryState,
    pub status_code: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialise_as_their_dotted_names() {
        for event in WebhookEvent::ALL {
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(json, format!("\"{}\"", event.as_str()));
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
        }
        assert_eq!(WebhookEvent::parse("token.exploded"), None);
    }

    #[test]
    fn every_token_change_in_the_audit_log_is_an_event() {
        // An export is audited but changes nothing, so it is not an event.
        let token_changes = AuditAction::ALL
            .into_iter()
            .filter(|a| a.as_str().starts_with("token.") && *a != AuditAction::TokenExport);
        for action in token_changes {
            assert!(
                WebhookEvent::for_audit(action).is_some(),
                "{} sends no webhook event",
                action.as_str()
            );
        }
        assert_eq!(
            WebhookEvent::for_audit(AuditAction::PolicyUpdate),
            Some(WebhookEvent::PolicyUpdated)
        );
        assert_eq!(WebhookEvent::for_audit(AuditAction::TokenExport), None);
        assert_eq!(WebhookEvent::for_audit(AuditAction::SignIn), None);
    }

    #[test]
    fn the_secret_stays_out_of_debug() {
        let created = WebhookCreated {
            secret: "whsec_c2VjcmV0".into(),
            webhook: WebhookView {
                created_at: Utc::now(),
                description: String::new(),
                enabled: true,
                events: vec![],
                failing_since: None,
                id: 1,
                updated_at: Utc::now(),
                url: "https://example.com/hook".into(),
            },
        };
        assert!(!format!("{created:?}").contains("whsec_"));
    }
}
