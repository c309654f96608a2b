//! Changing a stored token: edit, new secret, suspend, revoke, and leasing its quota.
//! Each write is one `UPDATE` that only
//! lands if the token still has the hash the caller read and is not revoked, so the caller
//! knows exactly which hash stopped being valid (and drops it from the cache), and two
//! admins racing never both "win" a regenerate or a revoke. A change that lands appends
//! its audit event in the same transaction: the log has every change, and only those.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::audit::{INSERT_AUDIT_EVENT, append_audit, insert_audit_query, update_audited};
use super::tokens::{parse_permissions, parse_restrictions, parse_type, permissions_json};
use super::{NewAuditEvent, Store, StoreResult, on_pool};
use crate::catalog::Permission;
use crate::model::{Metadata, Restrictions, TokenType};
use crate::tokens::mint::StoredSecret;
use crate::validate::fold;

/// `revoked_reason` of a token revoked because its value was reported as leaked.
pub(super) const REVOKED_AS_LEAKED: &str = "leaked";
/// `revoked_reason` of a token the inactivity rule revoked.
pub(super) const REVOKED_AS_UNUSED: &str = "unused";

/// Who or what revokes a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation<'a> {
    /// An administrator (by id).
    ByAdmin(i64),
    /// A report that its value leaked: where it was found, and the reporter's address.
    Leaked {
        source: Option<&'a str>,
        reported_from: Option<&'a str>,
    },
    /// The policy's inactivity rule: unused for that many days.
    Unused,
}

/// What a change is checked against: the token's hash (`None` once revoked), whether it is
/// revoked, and its grant. Holds a hash, so it has no `Debug`.
pub struct TokenState {
    pub name: String,
    pub hash: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub token_type: TokenType,
    pub permissions: Vec<Permission>,
    /// `None`: never expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// When that expiry was chosen (see [`crate::model::TokenView::expiry_set_at`]).
    pub expiry_set_at: Option<DateTime<Utc>>,
    pub restrictions: Restrictions,
    pub suspended: bool,
    /// The previous value's hash, while it may still be in caches (a grace period).
    pub previous_hash: Option<String>,
}

#[derive(FromRow)]
struct TokenStateRow {
    name: String,
    token_hash: Option<String>,
    revoked_at: Option<DateTime<Utc>>,
    token_type: String,
    permissions: String,
    expires_at: Option<DateTime<Utc>>,
    expiry_set_at: Option<DateTime<Utc>>,
    restrictions: String,
    suspended: bool,
    previous_hash: Option<String>,
}

/// The fields an edit writes; `None` leaves a column as it is.
#[derive(Debug, Default)]
pub struct TokenUpdate<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    /// Type and permissions, always written together.
    pub grant: Option<(TokenType, &'a [Permission])>,
    /// `Some(None)`: the token never expires.
    pub expires_at: Option<Option<DateTime<Utc>>>,
    pub restrictions: Option<&'a Restrictions>,
    pub metadata: Option<&'a Metadata>,
    /// Sets the quota's state afresh, and with it its epoch, so every instance drops the
    /// blocks it leased.
    pub quota: Option<QuotaReset>,
}

/// A quota's state as an edit sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaReset {
    /// `None`: no quota.
    pub remaining: Option<i64>,
    /// When a refilling quota's period began.
    pub period_start: Option<DateTime<Utc>>,
}

/// A block of quota one instance leased: `granted` requests (0: exhausted), valid while
/// the token's quota epoch and (for a refilling quota) period are these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaGrant {
    pub granted: i64,
    pub epoch: i64,
    pub period_start: Option<DateTime<Utc>>,
}

#[derive(FromRow)]
struct QuotaRow {
    quota_remaining: Option<i64>,
    quota_period_start: Option<DateTime<Utc>>,
    quota_epoch: i64,
}

impl Store {
    pub async fn token_state(&self, id: i64) -> StoreResult<Option<TokenState>> {
        const SQL: &str = "SELECT name, token_hash, revoked_at, token_type, permissions, \
                           expires_at, expiry_set_at, restrictions, \
                           suspended_at IS NOT NULL AS suspended, \
                           previous_hash FROM api_tokens WHERE id = $1";
        let row: Option<TokenStateRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(id)
            .fetch_optional(pool)
            .await?);
        row.map(|r| {
            Ok(TokenState {
                token_type: parse_type(&r.token_type)?,
                permissions: parse_permissions(&r.permissions)?,
                name: r.name,
                hash: r.token_hash,
                revoked_at: r.revoked_at,
                expires_at: r.expires_at,
                expiry_set_at: r.expiry_set_at,
                restrictions: parse_restrictions(&r.restrictions)?,
                suspended: r.suspended,
                previous_hash: r.previous_hash,
            })
        })
        .transpose()
    }

    /// Writes the fields `update` sets, with `audit`, if token `id` still has `hash` and is
    /// not revoked. `false`: it changed meanwhile (read it again). A name already used by
    /// another working token fails with [`super::StoreError::UniqueViolation`].
    pub async fn update_token(
        &self,
        id: i64,
        hash: &str,
        update: &TokenUpdate<'_>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE api_tokens SET \
                 name = COALESCE($1, name), \
                 description = COALESCE($2, description), \
                 token_type = COALESCE($3, token_type), \
                 permissions = COALESCE($4, permissions), \
                 expires_at = CASE WHEN $5 THEN $6 ELSE expires_at END, \
                 expiry_set_at = CASE WHEN $5 THEN $16 ELSE expiry_set_at END, \
                 name_fold = COALESCE($9, name_fold), \
                 description_fold = COALESCE($10, description_fold), \
                 restrictions = COALESCE($11, restrictions), \
                 metadata = COALESCE($12, metadata), \
                 quota_remaining = CASE WHEN $13 THEN $14 ELSE quota_remaining END, \
                 quota_period_start = CASE WHEN $13 THEN $15 ELSE quota_period_start END, \
                 quota_epoch = CASE WHEN $13 THEN quota_epoch + 1 ELSE quota_epoch END \
             WHERE id = $7 AND token_hash = $8 AND revoked_at IS NULL";
        let token_type = update.grant.map(|(t, _)| t.as_str());
        let permissions = update.grant.map(|(_, p)| permissions_json(p));
        let restrictions = update.restrictions.map(super::tokens::restrictions_json);
        let metadata = update.metadata.map(Metadata::to_json);
        let landed = on_pool!(self, |pool| update_audited!(
            pool,
            sqlx::query(SQL)
                .bind(update.name)
                .bind(update.description)
                .bind(token_type)
                .bind(permissions.as_deref())
                .bind(update.expires_at.is_some())
                .bind(update.expires_at.flatten())
                .bind(id)
                .bind(hash)
                .bind(update.name.map(fold))
                .bind(update.description.map(fold))
                .bind(restrictions.as_deref())
                .bind(metadata.as_deref())
                .bind(update.quota.is_some())
                .bind(update.quota.and_then(|q| q.remaining))
                .bind(update.quota.and_then(|q| q.period_start))
                // A new expiry is chosen at the moment of the change.
                .bind(audit.at),
            audit
        ));
        Ok(landed)
    }

    /// Gives token `id` a new hash and display hint (freshly minted) if it still has
    /// `old_hash` and is not revoked, with `audit`; `false` otherwise. With `grace_until`
    /// the old value keeps working until then (any earlier previous value stops, and its
    /// traffic is forgotten); without, it matches nothing from then on.
    pub async fn replace_token_hash(
        &self,
        id: i64,
        old_hash: &str,
        new: &StoredSecret,
        grace_until: Option<DateTime<Utc>>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE api_tokens SET token_hash = $1, hint = $2, \
                 previous_hash = CASE WHEN $5 THEN token_hash ELSE NULL END, \
                 previous_hint = CASE WHEN $5 THEN hint ELSE NULL END, \
                 previous_until = $6 \
             WHERE id = $3 AND token_hash = $4 AND revoked_at IS NULL";
        const FORGET_TRAFFIC: &str = "DELETE FROM token_previous_value_uses WHERE token_id = $1";
        let landed = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let landed = sqlx::query(SQL)
                .bind(new.hash())
                .bind(new.hint())
                .bind(id)
                .bind(old_hash)
                .bind(grace_until.is_some())
                .bind(grace_until)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if landed {
                sqlx::query(FORGET_TRAFFIC)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                append_audit!(tx, audit);
            }
            tx.commit().await?;
            landed
        });
        Ok(landed)
    }

    /// Ends token `id`'s grace period at `now`: its previous value stops working. `false`
    /// if it has no working previous value (or its value changed meanwhile).
    pub async fn end_grace(
        &self,
        id: i64,
        hash: &str,
        now: DateTime<Utc>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE api_tokens SET previous_hash = NULL, previous_until = $1 \
             WHERE id = $2 AND token_hash = $3 AND revoked_at IS NULL \
               AND previous_hash IS NOT NULL AND previous_until > $1";
        let landed = on_pool!(self, |pool| update_audited!(
            pool,
            sqlx::query(SQL).bind(now).bind(id).bind(hash),
            audit
        ));
        Ok(landed)
    }

    /// Suspends token `id` (by admin `by`, at `now`, for `reason`), or with `None` resumes
    /// it, if it still has `hash`, is not revoked and is not already so; `false` otherwise.
    pub async fn set_suspension(
        &self,
        id: i64,
        hash: &str,
        suspension: Option<(i64, DateTime<Utc>, &str)>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE api_tokens SET suspended_at = $1, suspended_by = $2, \
                 suspend_reason = $3 \
             WHERE id = $4 AND token_hash = $5 AND revoked_at IS NULL \
               AND (suspended_at IS NULL) = $6";
        let (by, at, reason) = match suspension {
            Some((by, at, reason)) => (Some(by), Some(at), Some(reason)),
            None => (None, None, None),
        };
        let landed = on_pool!(self, |pool| update_audited!(
            pool,
            sqlx::query(SQL)
                .bind(at)
                .bind(by)
                .bind(reason)
                .bind(id)
                .bind(hash)
                .bind(suspension.is_some()),
            audit
        ));
        Ok(landed)
    }

    /// Takes up to `want` requests of token `id`'s quota for one instance, filling a
    /// refilling quota up to `refill_to` first when its period (starting `period_start`)
    /// is new. The row is locked for the read and the write (Postgres: the first `UPDATE`
    /// takes the row lock; SQLite: it takes the database's write lock), so two instances
    /// never lease the same requests.
    pub async fn lease_quota(
        &self,
        id: i64,
        want: i64,
        refill: Option<(i64, DateTime<Utc>)>,
    ) -> StoreResult<QuotaGrant> {
        const LOCK: &str = "UPDATE api_tokens SET quota_epoch = quota_epoch WHERE id = $1";
        const READ: &str = "SELECT quota_remaining, quota_period_start, quota_epoch \
                            FROM api_tokens WHERE id = $1";
        const WRITE: &str = "UPDATE api_tokens SET quota_remaining = $1, quota_period_start = $2 \
                             WHERE id = $3";
        let grant = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(LOCK).bind(id).execute(&mut *tx).await?;
            let row: Option<QuotaRow> = sqlx::query_as(READ)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else {
                return Ok(QuotaGrant {
                    granted: 0,
                    epoch: 0,
                    period_start: None,
                });
            };
            let (mut remaining, mut period_start) =
                (row.quota_remaining.unwrap_or(0), row.quota_period_start);
            if let Some((refill_to, current)) = refill
                && period_start.is_none_or(|start| start < current)
            {
                remaining = refill_to;
                period_start = Some(current);
            }
            let granted = remaining.min(want).max(0);
            sqlx::query(WRITE)
                .bind(remaining - granted)
                .bind(period_start)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            QuotaGrant {
                granted,
                epoch: row.quota_epoch,
                period_start,
            }
        });
        Ok(grant)
    }

    /// Marks token `id` revoked (`how`, at `now`) and forgets its hash, if it still has
    /// `hash` and is not revoked yet, with `audit`; `false` otherwise. The row stays, as
    /// history.
    pub async fn revoke_token(
        &self,
        id: i64,
        hash: &str,
        how: Revocation<'_>,
        now: DateTime<Utc>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE api_tokens SET revoked_at = $1, revoked_by = $2, \
                 revoked_reason = $3, leak_source = $4, leak_reported_from = $5, \
                 token_hash = NULL, previous_hash = NULL, previous_until = NULL \
             WHERE id = $6 AND token_hash = $7 AND revoked_at IS NULL";
        let (by, reason, source, reported_from) = match how {
            Revocation::ByAdmin(by) => (Some(by), None, None, None),
            Revocation::Leaked {
                source,
                reported_from,
            } => (None, Some(REVOKED_AS_LEAKED), source, reported_from),
            Revocation::Unused => (None, Some(REVOKED_AS_UNUSED), None, None),
        };
        let landed = on_pool!(self, |pool| update_audited!(
            pool,
            sqlx::query(SQL)
                .bind(now)
                .bind(by)
                .bind(reason)
                .bind(source)
                .bind(reported_from)
                .bind(id)
                .bind(hash),
            audit
        ));
        Ok(landed)
    }
}
