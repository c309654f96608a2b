//! What a delivery's body says: `{"data":{…},"timestamp":…,"type":"token.revoked"}`,
//! with keys sorted like every other answer. Built from the audit event of the change, so
//! it carries what the audit log carries (who, what, the target's name) and never a token
//! value or hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
use rand::TryRngCore;
use rand::rngs::OsRng;
use serde::Serialize;

use crate::model::{AuditTargetKind, WebhookEvent};
use crate::store::NewAuditEvent;

/// One event for the outbox: fanned out to every enabled endpoint subscribed to it.
#[derive(Debug, Clone)]
pub struct OutboxEvent {
    pub event: WebhookEvent,
    /// The `webhook-id`: random, so ids never repeat across databases.
    pub message_id: String,
    /// Keeps one token's events in order at each endpoint.
    pub token_id: Option<i64>,
    pub payload: String,
    pub at: DateTime<Utc>,
}

#[derive(Serialize)]
struct Envelope<'a, D: Serialize> {
    data: &'a D,
    timestamp: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// A token change: who did it, the token's id and name, and the audit detail.
#[derive(Serialize)]
struct TokenChange<'a> {
    actor: &'a str,
    detail: &'a str,
    id: i64,
    name: &'a str,
}

/// A change with no token as its target (the token policy): who did it and what changed.
#[derive(Serialize)]
struct SettingChange<'a> {
    actor: &'a str,
    detail: &'a str,
}

/// A token expires soon: which, when, and the warning's threshold.
#[derive(Serialize)]
struct Expiring<'a> {
    days: u32,
    expires_at: String,
    id: i64,
    name: &'a str,
}

/// "Send a test event".
#[derive(Serialize)]
struct TestData<'a> {
    endpoint_id: i64,
    message: &'a str,
}

impl OutboxEvent {
    fn new(
        event: WebhookEvent,
        token_id: Option<i64>,
        at: DateTime<Utc>,
        data: &impl Serialize,
    ) -> Self {
        let envelope = Envelope {
            data,
            timestamp: at.to_rfc3339_opts(SecondsFormat::Millis, true),
            kind: event.as_str(),
        };
        Self {
            event,
            message_id: new_message_id(),
            token_id,
            payload: serde_json::to_string(&envelope).expect("plain data serialises"),
            at,
        }
    }

    /// The event an audited change sends, if its action maps to one (see
    /// [`WebhookEvent::for_audit`]): a token change names the token, a policy change only
    /// who made it and what changed.
    pub fn from_audit(audit: &NewAuditEvent<'_>) -> Option<Self> {
        let event = WebhookEvent::for_audit(audit.action)?;
        match audit.target {
            Some((AuditTargetKind::Token, id, name)) => {
                let data = TokenChange {
                    actor: audit.actor_name,
                    detail: audit.detail,
                    id,
                    name,
                };
                Some(Self::new(event, Some(id), audit.at, &data))
            }
            Some(_) => None,
            None => {
                let data = SettingChange {
                    actor: audit.actor_name,
                    detail: audit.detail,
                };
                Some(Self::new(event, None, audit.at, &data))
            }
        }
    }

    /// A `token.expiring` event: token `id` (named `name`) expires at `expires_at`, and
    /// this is its warning `days` before.
    pub fn expiring(
        id: i64,
        name: &str,
        expires_at: DateTime<Utc>,
        days: u32,
        at: DateTime<Utc>,
    ) -> Self {
        let data = Expiring {
            days,
            expires_at: expires_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            id,
            name,
        };
        Self::new(WebhookEvent::TokenExpiring, Some(id), at, &data)
    }

    /// A `webhook.test` event for one endpoint.
    pub fn test(endpoint_id: i64, at: DateTime<Utc>) -> Self {
        let data = TestData {
            endpoint_id,
            message: "A test event from Tollgate: the signature checks out if you can read this.",
        };
        Self::new(WebhookEvent::WebhookTest, None, at, &data)
    }

    /// The `LIKE` pattern that finds endpoints subscribed to this event in their JSON
    /// array of names (event names hold no `%` or `_`).
    pub fn subscribers_pattern(&self) -> String {
        format!("%\"{}\"%", self.event.as_str())
    }
}

fn new_message_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the OS random generator works");
    format!("msg_{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AuditAction;

    fn revoked() -> NewAuditEvent<'static> {
        NewAuditEvent {
            at: "2026-12-03T10:00:00Z".parse().unwrap(),
            action: AuditAction::TokenRevoke,
            actor_id: Some(1),
            actor_name: "Ada",
            target: Some((AuditTargetKind::Token, 7, "CI deploy")),
            detail: "",
            ip: None,
            user_agent: None,
        }
    }

    #[test]
    fn a_token_change_becomes_an_event_with_sorted_keys() {
        let event = OutboxEvent::from_audit(&revoked()).unwrap();
        assert_eq!(event.event, WebhookEvent::TokenRevoked);
        assert_eq!(event.token_id, Some(7));
        assert_eq!(
            event.payload,
            r#"{"data":{"actor":"Ada","detail":"","id":7,"name":"CI deploy"},"timestamp":"2026-12-03T10:00:00.000Z","type":"token.revoked"}"#
        );
        assert!(event.message_id.starts_with("msg_"));
        assert_eq!(event.subscribers_pattern(), "%\"token.revoked\"%");
    }

    #[test]
    fn other_audit_events_send_nothing() {
        let sign_in = NewAuditEvent {
            action: AuditAction::SignIn,
            target: None,
            ..revoked()
        };
        assert!(OutboxEvent::from_audit(&sign_in).is_none());
        let role = NewAuditEvent {
            target: Some((AuditTargetKind::Role, 7, "Editor")),
            ..revoked()
        };
        assert!(OutboxEvent::from_audit(&role).is_none());
    }

    #[test]
    fn a_policy_change_becomes_an_event_without_a_token() {
        let policy = NewAuditEvent {
            action: AuditAction::PolicyUpdate,
            target: None,
            detail: "maximum lifetime: none → 90 days",
            ..revoked()
        };
        let event = OutboxEvent::from_audit(&policy).unwrap();
        assert_eq!(event.event, WebhookEvent::PolicyUpdated);
        assert_eq!(event.token_id, None);
        assert_eq!(
            event.payload,
            r#"{"data":{"actor":"Ada","detail":"maximum lifetime: none → 90 days"},"timestamp":"2026-12-03T10:00:00.000Z","type":"policy.updated"}"#
        );
    }
}
