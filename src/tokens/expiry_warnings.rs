//! Expiry warnings: the token policy's thresholds (`expiry_warning_days`, default 7 and 1
//! days before) each warn the admins once about a token's expiry. The job takes the moment
//! as an argument, so tests move the clock rather than wait.

use chrono::{DateTime, Duration, Utc};

use super::Tokens;
use crate::error::ServiceError;
use crate::lifetime;

/// The threshold (days before expiry) a warning about a token expiring at `expires_at`,
/// its expiry chosen at `set_at`, is due under at `now`, if any: the tightest one it has
/// come within. A threshold at least as long as the token's whole lifetime is skipped (a
/// 3-day token gets no "7 days left" warning the moment it is made, only the 1-day one),
/// and a warning a stopped job missed is not sent late once a tighter one is due.
pub fn due_threshold(
    thresholds: &[u32],
    expires_at: DateTime<Utc>,
    set_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<u32> {
    let left = expires_at - now;
    if left <= Duration::zero() {
        return None;
    }
    let lifetime = lifetime::renewal(Some(expires_at), set_at);
    thresholds
        .iter()
        .copied()
        .filter(|&days| {
            let threshold = Duration::days(i64::from(days));
            left <= threshold && lifetime.is_none_or(|whole| whole > threshold)
        })
        .min()
}

impl Tokens {
    /// Sends every expiry warning due at `now` that no instance has sent: how many this
    /// call sent. Safe to run on every instance at once (each warning is claimed in the
    /// database).
    pub async fn warn_expiring(&self, now: DateTime<Utc>) -> Result<usize, ServiceError> {
        let policy = self.store.token_policy().await?;
        let Some(&longest) = policy.expiry_warning_days.iter().max() else {
            return Ok(0);
        };
        let until = now + Duration::days(i64::from(longest));
        let expiring = self.store.tokens_expiring(now, until).await?;
        if expiring.is_empty() {
            return Ok(0);
        }
        let readers = self.notifications.token_readers().await?;
        let mut sent = 0;
        for token in expiring {
            let due = due_threshold(
                &policy.expiry_warning_days,
                token.expires_at,
                token.expiry_set_at,
                now,
            );
            if let Some(days) = due
                && self
                    .notifications
                    .token_expiring(&token, days, &readers, now)
                    .await?
            {
                tracing::info!(token_id = token.id, days, "expiry warning sent");
                sent += 1;
            }
        }
        Ok(sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    const EXPIRES: &str = "2026-12-31T12:00:00Z";

    fn due(set_at: &str, now: &str) -> Option<u32> {
        due_threshold(&[7, 1], at(EXPIRES), Some(at(set_at)), at(now))
    }

    #[test]
    fn each_threshold_is_due_once_it_is_reached_tightest_first() {
        let made = "2026-12-01T12:00:00Z";
        assert_eq!(due(made, "2026-12-24T11:59:59Z"), None, "8 days left");
        assert_eq!(due(made, "2026-12-24T12:00:00Z"), Some(7), "exactly 7 days");
        assert_eq!(due(made, "2026-12-30T11:00:00Z"), Some(7), "25 hours left");
        assert_eq!(due(made, "2026-12-30T12:00:00Z"), Some(1));
        assert_eq!(due(made, "2026-12-31T11:59:59Z"), Some(1));
        assert_eq!(due(made, EXPIRES), None, "expired: nothing to warn of");
    }

    #[test]
    fn a_threshold_as_long_as_the_lifetime_is_skipped() {
        let three_days = "2026-12-28T12:00:00Z";
        assert_eq!(due(three_days, "2026-12-28T12:00:00Z"), None);
        assert_eq!(due(three_days, "2026-12-30T13:00:00Z"), Some(1));
        let one_day = "2026-12-30T12:00:00Z";
        assert_eq!(due(one_day, "2026-12-31T00:00:00Z"), None, "never warned");
    }

    #[test]
    fn no_thresholds_no_warnings() {
        let now = at("2026-12-31T00:00:00Z");
        assert_eq!(due_threshold(&[], at(EXPIRES), None, now), None);
        assert_eq!(due_threshold(&[30], at(EXPIRES), None, now), Some(30));
    }
}
