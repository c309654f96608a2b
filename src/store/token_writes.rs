//! Changing a stored token: edit, new secret, revoke. Each write is one `UPDATE` that only
//! lands if the token still has the hash the caller read and is not revoked, so the caller
//! knows exactly which hash stopped being valid (and drops it from the cache), and two
//! admins racing never both "win" a regenerate or a revoke. A change that lands appends
//! its audit event in the same transaction: the log has every change, and only those.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::audit::{INSERT_AUDIT_EVENT, insert_audit_query, update_audited};
use super::tokens::{parse_permissions, parse_type, permissions_json};
use super::{NewAuditEvent, Store, StoreResult, on_pool};
use crate::catalog::Permission;
use crate::model::TokenType;
use crate::tokens::mint::StoredSecret;
use crate::validate::fold;

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
}

#[derive(FromRow)]
struct TokenStateRow {
    name: String,
    token_hash: Option<String>,
    revoked_at: Option<DateTime<Utc>>,
    token_type: String,
    permissions: String,
    expires_at: Option<DateTime<Utc>>,
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
}

impl Store {
    pub async fn token_state(&self, id: i64) -> StoreResult<Option<TokenState>> {
        const SQL: &str = "SELECT name, token_hash, revoked_at, token_type, permissions, \
                           expires_at FROM api_tokens WHERE id = $1";
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
                 name_fold = COALESCE($9, name_fold), \
                 description_fold = COALESCE($10, description_fold) \
             WHERE id = $7 AND token_hash = $8 AND revoked_at IS NULL";
        let token_type = update.grant.map(|(t, _)| t.as_str());
        let permissions = update.grant.map(|(_, p)| permissions_json(p));
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
                .bind(update.description.map(fold)),
            audit
        ));
        Ok(landed)
    }

    /// Gives token `id` a new hash and display hint (freshly minted) if it still has `old_hash` and is
    /// not revoked, with `audit`; `false` otherwise. The old value matches nothing from
    /// then on.
    pub async fn replace_token_hash(
        &self,
        id: i64,
        old_hash: &str,
        new: &StoredSecret,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE api_tokens SET token_hash = $1, hint = $2 \
                           WHERE id = $3 AND token_hash = $4 AND revoked_at IS NULL";
        let landed = on_pool!(self, |pool| update_audited!(
            pool,
            sqlx::query(SQL)
                .bind(new.hash())
                .bind(new.hint())
                .bind(id)
                .bind(old_hash),
            audit
        ));
        Ok(landed)
    }

    /// Marks token `id` revoked by admin `by` and forgets its hash, if it still has `hash`
    /// and is not revoked yet, with `audit`; `false` otherwise. The row stays, as history.
    pub async fn revoke_token(
        &self,
        id: i64,
        hash: &str,
        by: i64,
        now: DateTime<Utc>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE api_tokens SET revoked_at = $1, revoked_by = $2, token_hash = NULL \
                           WHERE id = $3 AND token_hash = $4 AND revoked_at IS NULL";
        let landed = on_pool!(self, |pool| update_audited!(
            pool,
            sqlx::query(SQL).bind(now).bind(by).bind(id).bind(hash),
            audit
        ));
        Ok(landed)
    }
}
