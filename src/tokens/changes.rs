//! Changing and ending a token: edit, regenerate, revoke. Each takes effect on the very
//! next API request: the write drops the token's cache entry here, and on Postgres a
//! trigger tells every other instance to drop theirs.

use chrono::Utc;

use super::{Tokens, name_conflict};
use crate::access::{require, require_confirmed};
use crate::actor::Actor;
use crate::error::ServiceError;
use crate::model::{
    AdminPermission, AuditAction, CreatedToken, FieldError, RevealedSecret, TokenPatch, TokenView,
};
use crate::store::{StoreError, TokenUpdate};
use crate::token::PlainToken;
use crate::validate::TokenEdit;

/// How often a change is retried when another one lands between its read and its write.
const ATTEMPTS: usize = 3;

fn changed_meanwhile() -> ServiceError {
    ServiceError::Conflict(vec![FieldError::new(
        "token",
        "The token was changed by someone else while saving; reload it and try again.",
    )])
}

/// A working token's hash and state; `NotFound` or `AlreadyRevoked` otherwise.
async fn working(
    tokens: &Tokens,
    id: i64,
) -> Result<(String, crate::store::TokenState), ServiceError> {
    let state = tokens
        .store
        .token_state(id)
        .await?
        .ok_or(ServiceError::NotFound("token"))?;
    if let Some(revoked_at) = state.revoked_at {
        return Err(ServiceError::AlreadyRevoked(revoked_at));
    }
    let hash = state
        .hash
        .clone()
        .ok_or_else(|| StoreError::Corrupt(format!("working token {id} has no hash")))?;
    Ok((hash, state))
}

impl Tokens {
    /// Changes the fields `patch` sends (checked like on create), and nothing else. A patch
    /// that sends nothing returns the token unchanged.
    pub async fn update(
        &self,
        admin: &Actor,
        id: i64,
        patch: &TokenPatch,
    ) -> Result<TokenView, ServiceError> {
        require(admin, AdminPermission::ApiTokensUpdate)?;
        for _ in 0..ATTEMPTS {
            let (hash, state) = working(self, id).await?;
            let current = (state.token_type, state.permissions.as_slice());
            let edit = TokenEdit::parse(&self.catalog, patch, current, Utc::now())
                .map_err(ServiceError::Invalid)?;
            if edit.is_empty() {
                return self.view(id).await;
            }
            let update = TokenUpdate {
                name: edit.name.as_ref().map(|n| n.as_str()),
                description: edit.description.as_ref().map(|d| d.as_str()),
                grant: edit
                    .grant
                    .as_ref()
                    .map(|g| (g.token_type, g.permissions.as_slice())),
                expires_at: edit.expiry.map(|e| e.at()),
            };
            let detail = edit.describe(&state.name);
            let name = update.name.unwrap_or(&state.name);
            let audit = Self::audit_event(admin, AuditAction::TokenUpdate, id, name, &detail);
            if self
                .store
                .update_token(id, &hash, &update, &audit)
                .await
                .map_err(name_conflict)?
            {
                self.cache.invalidate(&hash);
                tracing::info!(token_id = id, admin_id = admin.id, "token updated");
                return self.view(id).await;
            }
        }
        Err(changed_meanwhile())
    }

    /// Gives the token a new value, revealed once; the old value is refused from the next
    /// request on. Same row, same settings.
    pub async fn regenerate(&self, admin: &Actor, id: i64) -> Result<CreatedToken, ServiceError> {
        require_confirmed(admin, AdminPermission::ApiTokensRegenerate)?;
        for _ in 0..ATTEMPTS {
            let (old_hash, state) = working(self, id).await?;
            let plain = PlainToken::generate();
            let new_hash = plain.hash(&self.key);
            let audit = Self::audit_event(admin, AuditAction::TokenRegenerate, id, &state.name, "");
            if self
                .store
                .replace_token_hash(id, &old_hash, new_hash.as_str(), &plain.hint(), &audit)
                .await?
            {
                self.cache.invalidate(&old_hash);
                tracing::info!(token_id = id, admin_id = admin.id, "token regenerated");
                let token = self.view(id).await?;
                return Ok(CreatedToken {
                    token,
                    secret: RevealedSecret(plain.into_exposed()),
                });
            }
        }
        Err(changed_meanwhile())
    }

    /// Revokes a working token at once and returns it as it now stands (who, when). The
    /// row stays as history. Unknown → `NotFound`; already revoked → `AlreadyRevoked`;
    /// neither changes anything.
    pub async fn revoke(&self, by: &Actor, id: i64) -> Result<TokenView, ServiceError> {
        require_confirmed(by, AdminPermission::ApiTokensDelete)?;
        for _ in 0..ATTEMPTS {
            let (hash, state) = working(self, id).await?;
            let audit = Self::audit_event(by, AuditAction::TokenRevoke, id, &state.name, "");
            if self
                .store
                .revoke_token(id, &hash, by.id, Utc::now(), &audit)
                .await?
            {
                // This instance at once; on Postgres the others hear it from the database.
                self.cache.invalidate(&hash);
                tracing::info!(token_id = id, admin_id = by.id, "token revoked");
                return self.view(id).await;
            }
        }
        Err(changed_meanwhile())
    }
}
