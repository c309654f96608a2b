//! Stopping a token without ending it: suspend and resume, and ending a regenerate's
//! grace period early. Each takes effect on the very next API request, like an edit.

use chrono::Utc;

use super::Tokens;
use super::edits::{ATTEMPTS, changed_meanwhile, distinct_ids, working};
use crate::admins::access::{require, require_confirmed};
use crate::admins::actor::Actor;
use crate::error::ServiceError;
use crate::model::{AdminPermission, AuditAction, FieldError, TokenView};
use crate::validate::{Lines, text};

pub use crate::model::SUSPENSION_REASON_MAX as REASON_MAX;

/// A suspension's reason: one line, at most [`REASON_MAX`] characters, may be empty.
fn reason(raw: &str) -> Result<String, ServiceError> {
    text::check("reason", "Reason", raw, Lines::One).map_err(|e| ServiceError::Invalid(vec![e]))?;
    let reason = raw.trim();
    if reason.chars().count() > REASON_MAX {
        return Err(ServiceError::Invalid(vec![FieldError::new(
            "reason",
            format!("Reason must be at most {REASON_MAX} characters."),
        )]));
    }
    Ok(reason.to_owned())
}

const ALREADY_SUSPENDED: &str = "The token is already suspended.";
const NOT_SUSPENDED: &str = "The token is not suspended.";

impl Tokens {
    /// Stops a working token until it is resumed, with a reason for the other admins.
    /// Narrows what the token can do, so no password confirmation is needed.
    pub async fn suspend(
        &self,
        by: &Actor,
        id: i64,
        reason: &str,
    ) -> Result<TokenView, ServiceError> {
        require(by, AdminPermission::ApiTokensUpdate)?;
        require(by, AdminPermission::ApiTokensRead)?;
        let reason = self::reason(reason)?;
        self.set_suspension(by, id, Some(&reason)).await
    }

    /// Lets a suspended token work again: like widening an edit, it needs the password
    /// confirmed.
    pub async fn resume(&self, by: &Actor, id: i64) -> Result<TokenView, ServiceError> {
        require_confirmed(by, AdminPermission::ApiTokensUpdate)?;
        require(by, AdminPermission::ApiTokensRead)?;
        self.set_suspension(by, id, None).await
    }

    /// Suspends each of `ids` in turn, and says for each what happened.
    pub async fn suspend_many(
        &self,
        by: &Actor,
        ids: &[i64],
        reason: &str,
    ) -> Result<Vec<(i64, Result<TokenView, ServiceError>)>, ServiceError> {
        require(by, AdminPermission::ApiTokensUpdate)?;
        require(by, AdminPermission::ApiTokensRead)?;
        let reason = self::reason(reason)?;
        let ids = distinct_ids(ids, "suspend")?;
        let mut outcomes = Vec::with_capacity(ids.len());
        for id in ids {
            outcomes.push((id, self.set_suspension(by, id, Some(&reason)).await));
        }
        Ok(outcomes)
    }

    async fn set_suspension(
        &self,
        by: &Actor,
        id: i64,
        reason: Option<&str>,
    ) -> Result<TokenView, ServiceError> {
        for _ in 0..ATTEMPTS {
            let (hash, state) = working(self, id).await?;
            match (reason.is_some(), state.suspended) {
                (true, true) => return Err(ServiceError::conflict("token", ALREADY_SUSPENDED)),
                (false, false) => return Err(ServiceError::conflict("token", NOT_SUSPENDED)),
                _ => {}
            }
            let (action, detail) = match reason {
                Some(reason) => (AuditAction::TokenSuspend, reason),
                None => (AuditAction::TokenResume, ""),
            };
            let audit = Self::audit_event(by, action, id, &state.name, detail);
            let suspension = reason.map(|reason| (by.id, Utc::now(), reason));
            if self
                .store
                .set_suspension(id, &hash, suspension, &audit)
                .await?
            {
                self.forget(&hash, &state);
                tracing::info!(
                    token_id = id,
                    admin_id = by.id,
                    action = action.as_str(),
                    "token hold changed"
                );
                return self.view(id).await;
            }
        }
        Err(changed_meanwhile())
    }

    /// Stops the previous value now, before its grace period would have ended. Narrows,
    /// so no confirmation; audited as an edit.
    pub async fn end_grace(&self, by: &Actor, id: i64) -> Result<TokenView, ServiceError> {
        require(by, AdminPermission::ApiTokensRegenerate)?;
        require(by, AdminPermission::ApiTokensRead)?;
        let (hash, state) = working(self, id).await?;
        let detail = "ended the grace period: the previous value stopped working";
        let audit = Self::audit_event(by, AuditAction::TokenUpdate, id, &state.name, detail);
        if !self.store.end_grace(id, &hash, Utc::now(), &audit).await? {
            return Err(ServiceError::conflict(
                "token",
                "The token has no previous value that still works.",
            ));
        }
        self.forget(&hash, &state);
        tracing::info!(token_id = id, admin_id = by.id, "grace period ended");
        self.view(id).await
    }
}
