//! Renewing a token: the same value, a new expiry, extended by the duration its current
//! expiry was chosen with (see [`TokenView::renewal`]) and counted from now, so a token
//! renewed on its warning lives as long again as it was first given. Within the policy:
//! a renew never gives more than a token issued now may have. Regenerate stays for when
//! the value itself must change.

use chrono::{DateTime, Duration, Utc};

use super::Tokens;
use super::edits::{ATTEMPTS, changed_meanwhile, working};
use crate::admins::access::{require, require_confirmed};
use crate::admins::actor::Actor;
use crate::error::ServiceError;
use crate::lifetime::{self, describe};
use crate::model::{AdminPermission, AuditAction, FieldError, TokenView, format_time};
use crate::policy::TokenPolicy;
use crate::store::{NewAuditEvent, TokenUpdate};

/// Where a renew takes a token's expiry, or why it can't: the one rule, pure, so it is
/// tested without a database or a clock.
pub fn renewed_expiry(
    expires_at: Option<DateTime<Utc>>,
    expiry_set_at: Option<DateTime<Utc>>,
    policy: &TokenPolicy,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, FieldError> {
    let refuse = |message: String| Err(FieldError::new("expires_at", message));
    let Some(current) = expires_at else {
        return refuse("This token never expires, so there is nothing to renew.".to_owned());
    };
    if lifetime::has_passed(current, now) {
        return refuse(format!(
            "This token expired on {}; an expired token can't be renewed. Create a new one.",
            format_time(current)
        ));
    }
    // A token whose expiry was never set apart from its creation (it cannot happen, but a
    // row is data) renews by the policy's default duration.
    let by = lifetime::renewal(expires_at, expiry_set_at)
        .or_else(|| {
            policy
                .default_duration_days
                .map(|d| Duration::days(d.into()))
        })
        .unwrap_or_else(|| Duration::days(30));
    let mut renewed = now + by;
    if let Some(latest) = policy.latest_expiry(now) {
        renewed = renewed.min(latest);
    }
    if renewed <= current {
        return refuse(format!(
            "Renewing would not extend this token: it already expires on {}, and a renew gives at most {} from now.",
            format_time(current),
            describe(renewed - now)
        ));
    }
    Ok(renewed)
}

impl Tokens {
    /// Extends a working token's expiry (see [`renewed_expiry`]), audited. It lets the
    /// token work longer, so it needs `api_tokens.update` and a recently typed password,
    /// like any edit that widens a token.
    pub async fn renew(&self, by: &Actor, id: i64) -> Result<TokenView, ServiceError> {
        require(by, AdminPermission::ApiTokensRead)?;
        require_confirmed(by, AdminPermission::ApiTokensUpdate)?;
        let policy = self.store.token_policy().await?;
        for _ in 0..ATTEMPTS {
            let (hash, state) = working(self, id).await?;
            let now = Utc::now();
            let renewed = renewed_expiry(state.expires_at, state.expiry_set_at, &policy, now)
                .map_err(|e| ServiceError::Conflict(vec![e]))?;
            let detail = format!(
                "changed: expiry ({} → {}, renewed for {})",
                state.expires_at.map_or_else(String::new, format_time),
                format_time(renewed),
                describe(renewed - now)
            );
            let update = TokenUpdate {
                expires_at: Some(Some(renewed)),
                ..TokenUpdate::default()
            };
            let audit = NewAuditEvent {
                // The moment the new expiry is counted from: the store records it as
                // when the expiry was chosen, so the next renew gives the same again.
                at: now,
                ..Self::audit_event(by, AuditAction::TokenRenew, id, &state.name, &detail)
            };
            if self.store.update_token(id, &hash, &update, &audit).await? {
                self.forget(&hash, &state);
                tracing::info!(token_id = id, admin_id = by.id, "token renewed");
                return self.view(id).await;
            }
        }
        Err(changed_meanwhile())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn policy(max: Option<u32>) -> TokenPolicy {
        TokenPolicy {
            max_lifetime_days: max,
            require_expiry: max.is_some(),
            ..TokenPolicy::default()
        }
    }

    #[test]
    fn a_renew_gives_the_original_duration_from_now() {
        let set = at("2026-11-01T00:00:00Z");
        let expires = at("2026-12-01T00:00:00Z");
        let now = at("2026-11-25T00:00:00Z");
        assert_eq!(
            renewed_expiry(Some(expires), Some(set), &policy(None), now),
            Ok(at("2026-12-25T00:00:00Z"))
        );
    }

    #[test]
    fn the_policy_maximum_caps_a_renew() {
        let set = at("2026-01-01T00:00:00Z");
        let expires = at("2026-12-31T00:00:00Z");
        let now = at("2026-12-30T00:00:00Z");
        assert_eq!(
            renewed_expiry(Some(expires), Some(set), &policy(Some(90)), now),
            Ok(at("2027-03-30T00:00:00Z"))
        );
    }

    #[test]
    fn never_expiring_expired_and_not_extending_are_refused_by_field() {
        let now = at("2026-12-01T00:00:00Z");
        let never = renewed_expiry(None, None, &policy(None), now).unwrap_err();
        assert_eq!(never.field, "expires_at");
        assert!(never.message.contains("never expires"));
        let gone = renewed_expiry(
            Some(now),
            Some(at("2026-11-01T00:00:00Z")),
            &policy(None),
            now,
        )
        .unwrap_err();
        assert!(gone.message.contains("expired on 2026-12-01 00:00 UTC"));
        // Outside a policy made stricter since: a renew would shorten it, so it refuses.
        let long = renewed_expiry(
            Some(at("2027-06-01T00:00:00Z")),
            Some(at("2026-06-01T00:00:00Z")),
            &policy(Some(30)),
            now,
        )
        .unwrap_err();
        assert!(long.message.contains("at most 30 days"), "{}", long.message);
    }
}
