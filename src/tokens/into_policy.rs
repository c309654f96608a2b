//! "Bring into policy": the explicit bulk action that shortens the expiry of every working
//! token outside the token policy to the latest it allows (see
//! [`TokenPolicy::brought_in_expiry`]), each change audited like an edit. Tokens keep
//! working until then; nothing stops at once.

use chrono::Utc;

use super::Tokens;
use super::edits::{ATTEMPTS, working};
use crate::admins::access::require_confirmed;
use crate::admins::actor::Actor;
use crate::error::ServiceError;
use crate::model::{AdminPermission, AuditAction, format_time};
use crate::policy::{BroughtIntoPolicy, TokenPolicy};
use crate::store::TokenUpdate;

impl Tokens {
    /// Shortens every working token outside the policy in force. Changes the expiry of
    /// many tokens, so it needs `policy.manage` and a recently typed password.
    pub async fn bring_into_policy(&self, by: &Actor) -> Result<BroughtIntoPolicy, ServiceError> {
        require_confirmed(by, AdminPermission::PolicyManage)?;
        let policy = self.store.token_policy().await?;
        let now = Utc::now();
        let Some(expires_at) = policy.brought_in_expiry(now) else {
            return Ok(BroughtIntoPolicy::default());
        };
        let detail = format!(
            "changed: expiry (shortened to {} by “bring into policy”)",
            format_time(expires_at)
        );
        let mut shortened = 0;
        for id in self.store.tokens_outside_policy(&policy, now).await? {
            if self.shorten(by, id, &policy, expires_at, &detail).await? {
                shortened += 1;
            }
        }
        tracing::info!(admin_id = by.id, shortened, "tokens brought into policy");
        Ok(BroughtIntoPolicy {
            shortened,
            expires_at: (shortened > 0).then_some(expires_at),
        })
    }

    /// Gives token `id` the expiry `expires_at`, unless it was revoked or brought inside
    /// the policy meanwhile: `true` when it was shortened here.
    async fn shorten(
        &self,
        by: &Actor,
        id: i64,
        policy: &TokenPolicy,
        expires_at: chrono::DateTime<Utc>,
        detail: &str,
    ) -> Result<bool, ServiceError> {
        for _ in 0..ATTEMPTS {
            let (hash, state) = match working(self, id).await {
                Ok(found) => found,
                Err(ServiceError::NotFound(_) | ServiceError::AlreadyRevoked(_)) => {
                    return Ok(false);
                }
                Err(other) => return Err(other),
            };
            if policy.allows(state.expires_at, Utc::now()) {
                return Ok(false);
            }
            let update = TokenUpdate {
                expires_at: Some(Some(expires_at)),
                ..TokenUpdate::default()
            };
            let audit = Self::audit_event(by, AuditAction::TokenUpdate, id, &state.name, detail);
            if self.store.update_token(id, &hash, &update, &audit).await? {
                self.forget(&hash, &state);
                return Ok(true);
            }
        }
        Err(super::edits::changed_meanwhile())
    }
}
