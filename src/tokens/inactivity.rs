//! The token policy's inactivity rule (`revoke_unused_after_days`): working tokens not
//! used for that many days (never used: since their creation) are revoked by Tollgate
//! itself, each audited as "unused for N days", and the admins get one summary.

use chrono::{DateTime, Utc};

use super::Tokens;
use super::edits::working;
use crate::audit::{By, event};
use crate::error::ServiceError;
use crate::model::{AuditAction, AuditTargetKind};
use crate::store::Revocation;

impl Tokens {
    /// Revokes every working token the inactivity rule catches at `now` and tells the
    /// admins in one notification: the names of those this call revoked (none without the
    /// rule). Run under the job lease (see [`Tokens::run_lifecycle_jobs`]), so one
    /// instance does it; a token another writer revoked meanwhile is skipped, not counted.
    pub async fn revoke_unused(&self, now: DateTime<Utc>) -> Result<Vec<String>, ServiceError> {
        let policy = self.store.token_policy().await?;
        let Some(days) = policy.revoke_unused_after_days else {
            return Ok(Vec::new());
        };
        let detail = format!("unused for {days} days");
        let mut revoked = Vec::new();
        for id in self.store.unused_tokens(days, now).await? {
            let (hash, state) = match working(self, id).await {
                Ok(found) => found,
                Err(ServiceError::NotFound(_) | ServiceError::AlreadyRevoked(_)) => continue,
                Err(other) => return Err(other),
            };
            let target = Some((AuditTargetKind::Token, id, state.name.as_str()));
            let audit = event(&By::Tollgate, AuditAction::TokenRevoke, target, &detail);
            if self
                .store
                .revoke_token(id, &hash, Revocation::Unused, now, &audit)
                .await?
            {
                self.forget(&hash, &state);
                tracing::info!(token_id = id, days, "unused token revoked");
                revoked.push(state.name);
            }
        }
        self.notifications.unused_revoked(&revoked, days).await;
        Ok(revoked)
    }
}
