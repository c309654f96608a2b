//! The delivery worker: claims due deliveries (once across instances), signs and POSTs
//! each, and records the outcome. A failure is retried with exponential backoff
//! ([`Backoff`]); once the next retry would fall past the give-up time the delivery is
//! failed, the endpoint marked failing and the admins told. Time comes in as an argument
//! ([`DeliveryWorker::deliver_due`]), so tests move the clock instead of sleeping.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::client::{SendError, WebhookClient};
use super::signing::SigningSecret;
use crate::model::DeliveryState;
use crate::notifications::Notifications;
use crate::store::{AttemptRecord, ClaimedDelivery, Store, StoreResult};

/// When to try again after a failed attempt, and when to stop.
#[derive(Debug, Clone)]
pub struct Backoff {
    /// The wait after the 1st, 2nd, … failed attempt; the last repeats.
    pub delays: Vec<Duration>,
    /// No retry is scheduled later than this after the delivery was queued.
    pub give_up_after: Duration,
}

/// 30 s, 2 min, 10 min, 1 h, then every 6 h, for 24 h: eight attempts, the last about
/// 19 h after the event.
impl Default for Backoff {
    fn default() -> Self {
        Self {
            delays: vec![
                Duration::seconds(30),
                Duration::minutes(2),
                Duration::minutes(10),
                Duration::hours(1),
                Duration::hours(6),
            ],
            give_up_after: Duration::hours(24),
        }
    }
}

impl Backoff {
    /// When to retry after `attempts` failed attempts, or `None`: give up.
    pub fn next_attempt(
        &self,
        attempts: i64,
        queued_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let index = usize::try_from(attempts.max(1) - 1).unwrap_or(usize::MAX);
        let delay = self.delays.get(index).or(self.delays.last())?;
        let next = now + *delay;
        (next <= queued_at + self.give_up_after).then_some(next)
    }
}

/// How the worker runs.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub backoff: Backoff,
    /// How long a claim holds a delivery; longer than an attempt can take.
    pub lease: Duration,
    /// Deliveries claimed (and sent concurrently) per round.
    pub batch: i64,
    /// How often an idle worker looks for due deliveries (it is also woken at once by
    /// "send a test event" and "redeliver").
    pub poll: StdDuration,
    pub timeout: StdDuration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            backoff: Backoff::default(),
            lease: Duration::seconds(60),
            batch: 20,
            poll: StdDuration::from_secs(2),
            timeout: super::client::DEFAULT_TIMEOUT,
        }
    }
}

#[derive(Clone)]
pub struct DeliveryWorker {
    store: Store,
    client: WebhookClient,
    notifications: Notifications,
    settings: Arc<WorkerSettings>,
}

impl DeliveryWorker {
    pub fn new(store: Store, notifications: Notifications, settings: WorkerSettings) -> Self {
        Self {
            store,
            client: WebhookClient::new(settings.timeout),
            notifications,
            settings: Arc::new(settings),
        }
    }

    /// Delivers, until dropped: a round whenever woken or every poll interval.
    pub async fn run(self, wake: Arc<Notify>) {
        loop {
            // Rounds until nothing was due, so a backlog drains without waiting.
            loop {
                match self.deliver_due(Utc::now()).await {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(error) => {
                        tracing::warn!(%error, "could not deliver webhooks; will retry");
                        break;
                    }
                }
            }
            let _ = tokio::time::timeout(self.settings.poll, wake.notified()).await;
        }
    }

    /// One round at `now`: claims what is due and attempts each, concurrently. How many
    /// deliveries it attempted.
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        let claimed = self
            .store
            .claim_webhook_deliveries(now, now + self.settings.lease, self.settings.batch)
            .await?;
        let count = claimed.len();
        let mut attempts = JoinSet::new();
        for delivery in claimed {
            let worker = self.clone();
            attempts.spawn(async move { worker.attempt(delivery, now).await });
        }
        while let Some(done) = attempts.join_next().await {
            match done {
                Ok(Err(error)) => tracing::warn!(%error, "could not record a webhook attempt"),
                Err(error) => tracing::error!(%error, "a webhook attempt panicked"),
                Ok(Ok(())) => {}
            }
        }
        Ok(count)
    }

    async fn attempt(&self, delivery: ClaimedDelivery, now: DateTime<Utc>) -> StoreResult<()> {
        let outcome = match self.store.webhook_target(delivery.endpoint_id).await? {
            Some((url, secret)) => self.send(&delivery, &url, secret, now).await,
            // Deleted meanwhile: its deliveries went with it.
            None => return Ok(()),
        };
        let (status_code, excerpt, error) = match &outcome {
            Ok(answer) => (
                Some(i32::from(answer.status)),
                Some(answer.excerpt.as_str()),
                None,
            ),
            Err(error) => (None, None, Some(error.to_string())),
        };
        let delivered = outcome
            .as_ref()
            .is_ok_and(|answer| (200..300).contains(&answer.status));
        let retry = (!delivered)
            .then(|| {
                self.settings
                    .backoff
                    .next_attempt(delivery.attempts, delivery.queued_at, now)
            })
            .flatten();
        let state = match (delivered, retry) {
            (true, _) => DeliveryState::Delivered,
            (false, Some(_)) => DeliveryState::Pending,
            (false, None) => DeliveryState::Failed,
        };
        let record = AttemptRecord {
            at: now,
            status_code,
            response_excerpt: excerpt,
            error: error.as_deref(),
            state,
            next_attempt_at: retry,
        };
        tracing::info!(
            delivery_id = delivery.id,
            endpoint_id = delivery.endpoint_id,
            event = delivery.event,
            attempt = delivery.attempts,
            status = status_code,
            state = state.as_str(),
            "webhook attempt"
        );
        let newly_failing = self
            .store
            .record_webhook_attempt(delivery.id, &record)
            .await?;
        if newly_failing {
            let url = self
                .store
                .webhook(delivery.endpoint_id)
                .await?
                .map(|w| w.url);
            self.notifications
                .webhook_failing(delivery.endpoint_id, url.as_deref().unwrap_or(""))
                .await;
        }
        Ok(())
    }

    async fn send(
        &self,
        delivery: &ClaimedDelivery,
        url: &str,
        secret: String,
        now: DateTime<Utc>,
    ) -> Result<super::client::Answer, SendError> {
        let Some(secret) = SigningSecret::from_stored(secret) else {
            return Err(SendError::Failed(
                "the stored signing secret is damaged: rotate it".into(),
            ));
        };
        let timestamp = now.timestamp();
        let signature = secret.sign(&delivery.message_id, timestamp, delivery.payload.as_bytes());
        let headers = [
            ("webhook-id", delivery.message_id.clone()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signature),
        ];
        self.client
            .post(url, &headers, delivery.payload.clone())
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_backoff_gives_up_after_a_day() {
        let backoff = Backoff::default();
        let queued: DateTime<Utc> = "2026-12-03T00:00:00Z".parse().unwrap();
        let mut now = queued;
        let mut attempts = 1;
        let mut waits = Vec::new();
        while let Some(next) = backoff.next_attempt(attempts, queued, now) {
            waits.push((next - now).num_seconds());
            now = next;
            attempts += 1;
        }
        assert_eq!(waits, [30, 120, 600, 3600, 21600, 21600, 21600]);
        assert_eq!(attempts, 8, "eight attempts in all");
        assert!(now - queued < Duration::hours(24));
    }
}
