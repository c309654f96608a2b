//! Changing and ending a token: edit, regenerate, revoke. Each takes effect on the very
//! next API request: the write drops the token's cache entry here, and on Postgres a
//! trigger tells every other instance to drop theirs.

use chrono::Utc;

use super::{Tokens, name_conflict};
use crate::admins::access::{require, require_confirmed};
use crate::admins::actor::Actor;
use crate::error::ServiceError;
use crate::model::{
    AdminPermission, AuditAction, BULK_REVOKE_MAX, CreatedToken, FieldError, TokenPatch, TokenView,
};
use crate::store::{StoreError, TokenUpdate};
use crate::tokens::mint::mint;
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
    ///
    /// The answer is the token, so editing needs `api_tokens.read` as well: otherwise an
    /// empty patch would read any token. An edit that lets the token do more (see
    /// [`TokenEdit::widens`]) needs the password confirmed, like creating one.
    pub async fn update(
        &self,
        admin: &Actor,
        id: i64,
        patch: &TokenPatch,
    ) -> Result<TokenView, ServiceError> {
        require(admin, AdminPermission::ApiTokensUpdate)?;
        require(admin, AdminPermission::ApiTokensRead)?;
        for _ in 0..ATTEMPTS {
            let (hash, state) = working(self, id).await?;
            let current = (state.token_type, state.permissions.as_slice());
            let edit = TokenEdit::parse(&self.catalog, patch, current, Utc::now())
                .map_err(ServiceError::Invalid)?;
            if edit.is_empty() {
                return self.view(id).await;
            }
            if edit.widens((state.token_type, &state.permissions, state.expires_at)) {
                require_confirmed(admin, AdminPermission::ApiTokensUpdate)?;
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
            let minted = mint(&self.key);
            let audit = Self::audit_event(admin, AuditAction::TokenRegenerate, id, &state.name, "");
            if self
                .store
                .replace_token_hash(id, &old_hash, minted.stored(), &audit)
                .await?
            {
                self.cache.invalidate(&old_hash);
                tracing::info!(token_id = id, admin_id = admin.id, "token regenerated");
                let token = self.view(id).await?;
                return Ok(CreatedToken {
                    token,
                    secret: minted.reveal(),
                });
            }
        }
        Err(changed_meanwhile())
    }

    /// Revokes each of `ids` in turn, each once, and says for each what happened: one
    /// failing does not stop the others. The permission is checked before the list is
    /// looked at, and its length before it is worked on, so a long list costs nothing.
    pub async fn revoke_many(
        &self,
        by: &Actor,
        ids: &[i64],
    ) -> Result<Vec<(i64, Result<TokenView, ServiceError>)>, ServiceError> {
        require_confirmed(by, AdminPermission::ApiTokensDelete)?;
        let ids = distinct_ids(ids)?;
        let mut outcomes = Vec::with_capacity(ids.len());
        for id in ids {
            outcomes.push((id, self.revoke(by, id).await));
        }
        Ok(outcomes)
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

/// At least one id and at most [`BULK_REVOKE_MAX`] (counted as sent), each kept once in
/// the order given: a repeated id would otherwise "fail" as revoked by this very call.
fn distinct_ids(ids: &[i64]) -> Result<Vec<i64>, ServiceError> {
    if ids.is_empty() {
        return Err(ServiceError::invalid(
            "ids",
            "Choose at least one token to revoke.",
        ));
    }
    if ids.len() > BULK_REVOKE_MAX {
        return Err(ServiceError::invalid(
            "ids",
            &format!(
                "Revoke at most {BULK_REVOKE_MAX} tokens at once ({} were sent).",
                ids.len()
            ),
        ));
    }
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    Ok(ids.iter().copied().filter(|id| seen.insert(*id)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_kept_once_in_order_and_bounded_as_sent() {
        assert_eq!(distinct_ids(&[3, 1, 3, 2, 1]).unwrap(), vec![3, 1, 2]);
        let fields = |e: ServiceError| match e {
            ServiceError::Invalid(errors) => errors[0].field.clone(),
            other => panic!("{other}"),
        };
        assert_eq!(fields(distinct_ids(&[]).unwrap_err()), "ids");
        let too_many: Vec<i64> = (1..=BULK_REVOKE_MAX as i64 + 1).collect();
        assert_eq!(fields(distinct_ids(&too_many).unwrap_err()), "ids");
        // Repeats count too: the bound is checked before any de-duplication work.
        assert!(distinct_ids(&vec![7; BULK_REVOKE_MAX + 1]).is_err());
        assert!(distinct_ids(&vec![7; BULK_REVOKE_MAX]).is_ok());
    }
}
