//! Settings › Token policy as a use case: read it, preview a candidate, save it (audited
//! with what changed). Shortening tokens outside it is [`crate::tokens::Tokens::bring_into_policy`].

use chrono::Utc;

use super::{PREVIEW_NAMES, PolicyPreview, PolicyRequest, TokenPolicy};
use crate::admins::access::{require, require_confirmed};
use crate::admins::actor::Actor;
use crate::audit::{By, event};
use crate::error::ServiceError;
use crate::model::{AdminPermission, AdminView, AuditAction};
use crate::store::Store;

#[derive(Clone)]
pub struct Policies {
    store: Store,
}

impl Policies {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// The policy in force, for the policy page and `GET /admin/api/policy`.
    pub async fn get(&self, by: &AdminView) -> Result<TokenPolicy, ServiceError> {
        require(by, AdminPermission::PolicyManage)?;
        Ok(self.store.token_policy().await?)
    }

    /// The policy in force, for the token forms (their default and the choices they
    /// offer): anyone who may see tokens may see the rules they are held to.
    pub async fn for_token_forms(&self, by: &AdminView) -> Result<TokenPolicy, ServiceError> {
        require(by, AdminPermission::ApiTokensRead)?;
        Ok(self.store.token_policy().await?)
    }

    /// What saving `request` would do today, without saving it.
    pub async fn preview(
        &self,
        by: &AdminView,
        request: &PolicyRequest,
    ) -> Result<PolicyPreview, ServiceError> {
        require(by, AdminPermission::PolicyManage)?;
        let candidate = TokenPolicy::parse(request).map_err(ServiceError::Invalid)?;
        let now = Utc::now();
        let outside_policy = self.store.count_outside_policy(&candidate, now).await?;
        let (unused_to_revoke, unused_names) = match candidate.revoke_unused_after_days {
            Some(days) => (
                self.store.count_unused(days, now).await?,
                self.store
                    .unused_token_names(days, now, PREVIEW_NAMES)
                    .await?,
            ),
            None => (0, Vec::new()),
        };
        Ok(PolicyPreview {
            outside_policy,
            unused_names,
            unused_to_revoke,
        })
    }

    /// Replaces the policy, audited with each setting that changed. Tokens outside the new
    /// policy keep working; new writes are held to it at once, on every instance (each
    /// write reads it).
    pub async fn save(
        &self,
        by: &Actor,
        request: &PolicyRequest,
    ) -> Result<TokenPolicy, ServiceError> {
        require_confirmed(by, AdminPermission::PolicyManage)?;
        let policy = TokenPolicy::parse(request).map_err(ServiceError::Invalid)?;
        let old = self.store.token_policy().await?;
        let detail = policy.describe_change(&old);
        let audit = event(&By::Admin(by), AuditAction::PolicyUpdate, None, &detail);
        self.store
            .save_token_policy(&policy, Some(by.id), Utc::now(), &audit)
            .await?;
        tracing::info!(admin_id = by.id, "token policy changed");
        Ok(policy)
    }
}
