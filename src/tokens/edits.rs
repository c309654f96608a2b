//! Changing and ending a token: edit, regenerate, revoke. Each takes effect on the very
//! next API request: the write drops the token's cache entry here, and on Postgres a
//! trigger tells every other instance to drop theirs.

use chrono::Utc;

use super::{Tokens, name_conflict};
use crate::admins::access::{require, require_confirmed};
use crate::admins::actor::Actor;
use crate::error::ServiceError;
use crate::model::{
    AdminPermission, AuditAction, BULK_REVOKE_MAX, CreatedToken, FieldError, Grace, TokenPatch,
    TokenView,
};
use crate::store::{NewAuditEvent, QuotaReset, Revocation, StoreError, TokenState, TokenUpdate};
use crate::tokens::mint::mint;
use crate::validate::TokenEdit;
use crate::validate::token_edit::Current;

/// How often a change is retried when another one lands between its read and its write.
pub(super) const ATTEMPTS: usize = 3;

pub(super) fn changed_meanwhile() -> ServiceError {
    ServiceError::Conflict(vec![FieldError::new(
        "token",
        "The token was changed by someone else while saving; reload it and try again.",
    )])
}

/// A working token's hash and state; `NotFound` or `AlreadyRevoked` otherwise.
pub(super) async fn working(
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
    /// Drops every cache entry of a token that just changed: its value's, and its previous
    /// value's during a grace period. This instance at once; on Postgres the others hear
    /// it from the database.
    pub(super) fn forget(&self, hash: &str, state: &TokenState) {
        self.cache.invalidate(hash);
        if let Some(previous) = &state.previous_hash {
            self.cache.invalidate(previous);
        }
    }

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
        let policy = self.store.token_policy().await?;
        for _ in 0..ATTEMPTS {
            let (hash, state) = working(self, id).await?;
            let current = Current {
                token_type: state.token_type,
                permissions: &state.permissions,
                expires_at: state.expires_at,
                restrictions: &state.restrictions,
            };
            let now = Utc::now();
            let edit = TokenEdit::parse(&self.catalog, patch, current, &policy, now)
                .map_err(ServiceError::Invalid)?;
            if edit.is_empty() {
                return self.view(id).await;
            }
            if edit.widens(current) {
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
                restrictions: edit.restrictions.as_ref().map(|r| r.get()),
                metadata: edit.metadata.as_ref().map(|m| m.get()),
                quota: quota_reset(&state, &edit, now),
            };
            let detail = edit.describe(&state.name);
            let name = update.name.unwrap_or(&state.name);
            // At the moment the new expiry (if any) was counted from.
            let audit = NewAuditEvent {
                at: now,
                ..Self::audit_event(admin, AuditAction::TokenUpdate, id, name, &detail)
            };
            if self
                .store
                .update_token(id, &hash, &update, &audit)
                .await
                .map_err(name_conflict)?
            {
                self.forget(&hash, &state);
                tracing::info!(token_id = id, admin_id = admin.id, "token updated");
                return self.view(id).await;
            }
        }
        Err(changed_meanwhile())
    }

    /// Gives the token a new value, revealed once. Same row, same settings. The old value
    /// is refused from the next request on, or with a `grace` period keeps working until
    /// it ends (any earlier previous value stops now).
    pub async fn regenerate(
        &self,
        admin: &Actor,
        id: i64,
        grace: Grace,
    ) -> Result<CreatedToken, ServiceError> {
        require_confirmed(admin, AdminPermission::ApiTokensRegenerate)?;
        let policy = self.store.token_policy().await?;
        for _ in 0..ATTEMPTS {
            let (old_hash, state) = working(self, id).await?;
            let now = Utc::now();
            // A new value is a new start: it may not outlive what the policy allows a
            // token issued now (edit the expiry first).
            policy
                .check_expiry(state.expires_at, now)
                .map_err(|e| ServiceError::Invalid(vec![e]))?;
            let minted = mint(&self.key);
            let grace_until = (grace != Grace::Now).then(|| now + grace.duration());
            let detail = match grace_until {
                None => String::new(),
                Some(until) => format!(
                    "the previous value works until {}",
                    crate::model::format_time(until)
                ),
            };
            let audit = Self::audit_event(
                admin,
                AuditAction::TokenRegenerate,
                id,
                &state.name,
                &detail,
            );
            if self
                .store
                .replace_token_hash(id, &old_hash, minted.stored(), grace_until, &audit)
                .await?
            {
                self.forget(&old_hash, &state);
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
        let ids = distinct_ids(ids, "revoke")?;
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
                .revoke_token(id, &hash, Revocation::ByAdmin(by.id), Utc::now(), &audit)
                .await?
            {
                self.forget(&hash, &state);
                tracing::info!(token_id = id, admin_id = by.id, "token revoked");
                return self.view(id).await;
            }
        }
        Err(changed_meanwhile())
    }
}

/// The quota's new state, if the edit changes it: a new or changed quota starts full (a
/// refilling one in the current period), a lifted one is gone, a remaining count sent is
/// what is left.
fn quota_reset(
    state: &TokenState,
    edit: &TokenEdit,
    now: chrono::DateTime<Utc>,
) -> Option<QuotaReset> {
    let quota = match &edit.restrictions {
        Some(new) => new.get().quota,
        None => state.restrictions.quota,
    };
    let period_start = quota.and_then(|q| q.period_start(now));
    if let Some(remaining) = edit.quota_remaining {
        return Some(QuotaReset {
            remaining: Some(remaining),
            period_start,
        });
    }
    (quota != state.restrictions.quota).then(|| QuotaReset {
        remaining: quota.map(|q| q.requests),
        period_start,
    })
}

/// At least one id and at most [`BULK_REVOKE_MAX`] (counted as sent), each kept once in
/// the order given: a repeated id would otherwise "fail" as changed by this very call.
/// `verb` names the change in messages ("revoke", "suspend").
pub(super) fn distinct_ids(ids: &[i64], verb: &str) -> Result<Vec<i64>, ServiceError> {
    if ids.is_empty() {
        return Err(ServiceError::invalid(
            "ids",
            &format!("Choose at least one token to {verb}."),
        ));
    }
    if ids.len() > BULK_REVOKE_MAX {
        let mut verb = verb.to_owned();
        verb[..1].make_ascii_uppercase();
        return Err(ServiceError::invalid(
            "ids",
            &format!(
                "{verb} at most {BULK_REVOKE_MAX} tokens at once ({} were sent).",
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
        assert_eq!(
            distinct_ids(&[3, 1, 3, 2, 1], "revoke").unwrap(),
            vec![3, 1, 2]
        );
        let fields = |e: ServiceError| match e {
            ServiceError::Invalid(errors) => errors[0].field.clone(),
            other => panic!("{other}"),
        };
        assert_eq!(fields(distinct_ids(&[], "revoke").unwrap_err()), "ids");
        let too_many: Vec<i64> = (1..=BULK_REVOKE_MAX as i64 + 1).collect();
        assert_eq!(
            fields(distinct_ids(&too_many, "revoke").unwrap_err()),
            "ids"
        );
        // Repeats count too: the bound is checked before any de-duplication work.
        assert!(distinct_ids(&vec![7; BULK_REVOKE_MAX + 1], "revoke").is_err());
        assert!(distinct_ids(&vec![7; BULK_REVOKE_MAX], "revoke").is_ok());
    }
}
