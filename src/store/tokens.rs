use chrono::{DateTime, NaiveDate, Utc};
use ipnet::IpNet;
use sqlx::FromRow;

use super::audit::{INSERT_AUDIT_EVENT, append_audit, insert_audit_query};
use super::{NewAuditEvent, Store, StoreError, StoreResult, on_pool};
use crate::catalog::Permission;
use crate::model::{
    AuditTargetKind, DailyUsage, LeakReport, Metadata, PreviousValue, PreviousValueUse,
    Restrictions, Suspension, TokenType, TokenView,
};
use crate::tokens::mint::StoredSecret;
use crate::tokens::usage::UsageBatch;

/// Everything stored for a new token: its hash, never its value.
pub struct NewTokenRecord<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub token_type: TokenType,
    pub permissions: &'a [Permission],
    /// The value's hash and hint, as [`mint`](crate::tokens::mint::mint) made them.
    pub secret: &'a StoredSecret,
    /// The creating admin; `None` for tokens no admin made (pre-generated on the first
    /// start, load-test seeding).
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// As validated (`crate::validate::ValidRestrictions`).
    pub restrictions: &'a Restrictions,
    pub metadata: &'a Metadata,
}

/// What verification needs to know about the token a hash belongs to.
#[derive(Debug, Clone)]
pub struct TokenAuthRecord {
    pub id: i64,
    pub name: String,
    pub token_type: TokenType,
    pub permissions: Vec<Permission>,
    pub expires_at: Option<DateTime<Utc>>,
    pub restrictions: Restrictions,
    /// [`Restrictions::allowed_networks`], parsed: empty lets every address in.
    pub networks: Vec<IpNet>,
    pub metadata: Metadata,
    pub suspended: bool,
    /// Changes whenever an admin sets what the quota has left.
    pub quota_epoch: i64,
    /// Found by a previous value (a regenerate's grace period): it works until then.
    pub previous_until: Option<DateTime<Utc>>,
}

#[derive(FromRow)]
pub(super) struct TokenRow {
    id: i64,
    name: String,
    description: String,
    token_type: String,
    permissions: String,
    hint: String,
    created_by_name: Option<String>,
    created_by_removed: bool,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    last_used_ip: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    revoked_by_name: Option<String>,
    restrictions: String,
    metadata: String,
    quota_remaining: Option<i64>,
    suspended_at: Option<DateTime<Utc>>,
    suspended_by_name: Option<String>,
    suspend_reason: Option<String>,
    previous_hint: Option<String>,
    previous_until: Option<DateTime<Utc>>,
    revoked_reason: Option<String>,
    leak_source: Option<String>,
    leak_reported_from: Option<String>,
    expiry_set_at: Option<DateTime<Utc>>,
}

#[derive(FromRow)]
struct TokenAuthRow {
    id: i64,
    name: String,
    token_type: String,
    permissions: String,
    expires_at: Option<DateTime<Utc>>,
    restrictions: String,
    metadata: String,
    suspended: bool,
    quota_epoch: i64,
    previous_until: Option<DateTime<Utc>>,
}

/// Everything a [`TokenView`] shows, and the tables it comes from: what follows `SELECT `.
macro_rules! token_view_columns {
    () => {
        concat!(
            "t.id, t.name, t.description, t.token_type, t.permissions, t.hint, ",
            "a.name AS created_by_name, COALESCE(a.status = 'removed', FALSE) AS created_by_removed, ",
            "t.created_at, t.last_used_at, t.last_used_ip, t.expires_at, ",
            "t.revoked_at, r.name AS revoked_by_name, t.restrictions, t.metadata, ",
            "t.quota_remaining, t.suspended_at, s.name AS suspended_by_name, t.suspend_reason, ",
            "t.previous_hint, t.previous_until, t.revoked_reason, t.leak_source, t.leak_reported_from, ",
            "t.expiry_set_at ",
            "FROM api_tokens t LEFT JOIN admins a ON a.id = t.created_by ",
            "LEFT JOIN admins r ON r.id = t.revoked_by ",
            "LEFT JOIN admins s ON s.id = t.suspended_by ",
        )
    };
}
pub(super) use token_view_columns;

/// A `SELECT` of everything a [`TokenView`] shows, followed by `$tail` (the filter and order).
macro_rules! select_token_views {
    ($tail:literal) => {
        concat!("SELECT ", token_view_columns!(), $tail)
    };
}

pub(super) const INSERT_TOKEN: &str = "INSERT INTO api_tokens \
     (name, description, token_type, permissions, token_hash, hint, created_by, created_at, expires_at, \
      name_fold, description_fold, restrictions, metadata, quota_remaining, quota_period_start, \
      expiry_set_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $8) RETURNING id";

/// [`INSERT_TOKEN`] with a [`NewTokenRecord`] bound, for whichever backend runs it. The
/// folded name and description are computed here, so no writer can forget them.
macro_rules! insert_token_query {
    ($token:expr, $permissions:expr) => {
        sqlx::query_scalar::<_, i64>(INSERT_TOKEN)
            .bind($token.name)
            .bind($token.description)
            .bind($token.token_type.as_str())
            .bind($permissions)
            .bind($token.secret.hash())
            .bind($token.secret.hint())
            .bind($token.created_by)
            .bind($token.created_at)
            .bind($token.expires_at)
            .bind($crate::validate::fold($token.name))
            .bind($crate::validate::fold($token.description))
            .bind($crate::store::tokens::restrictions_json(
                $token.restrictions,
            ))
            .bind($token.metadata.to_json())
            .bind($token.restrictions.quota.map(|q| q.requests))
            .bind(
                $token
                    .restrictions
                    .quota
                    .and_then(|q| q.period_start($token.created_at)),
            )
    };
}
pub(super) use insert_token_query;

pub(super) fn permissions_json(permissions: &[Permission]) -> String {
    serde_json::to_string(permissions).expect("permissions serialise")
}

pub(super) fn restrictions_json(restrictions: &Restrictions) -> String {
    serde_json::to_string(restrictions).expect("restrictions serialise")
}

pub(super) fn parse_restrictions(text: &str) -> StoreResult<Restrictions> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("restrictions column: {e}")))
}

pub(super) fn parse_metadata(text: &str) -> StoreResult<Metadata> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("metadata column: {e}")))
}

pub(super) fn parse_type(text: &str) -> StoreResult<TokenType> {
    TokenType::parse(text)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown token type `{text}`")))
}

pub(super) fn parse_permissions(text: &str) -> StoreResult<Vec<Permission>> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("permissions column: {e}")))
}

impl TryFrom<TokenRow> for TokenView {
    type Error = StoreError;
    fn try_from(row: TokenRow) -> StoreResult<Self> {
        Ok(TokenView {
            id: row.id,
            token_type: parse_type(&row.token_type)?,
            permissions: parse_permissions(&row.permissions)?,
            name: row.name,
            description: row.description,
            hint: row.hint,
            created_by: row.created_by_name,
            created_by_removed: row.created_by_removed,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            last_used_ip: row.last_used_ip,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
            revoked_by: row.revoked_by_name,
            restrictions: parse_restrictions(&row.restrictions)?,
            quota_remaining: row.quota_remaining,
            metadata: parse_metadata(&row.metadata)?,
            suspended: row.suspended_at.map(|at| Suspension {
                at,
                by: row.suspended_by_name,
                reason: row.suspend_reason.unwrap_or_default(),
            }),
            previous_value: row
                .previous_hint
                .zip(row.previous_until)
                .map(|(hint, until)| PreviousValue { hint, until }),
            expiry_set_at: row.expires_at.and(row.expiry_set_at),
            revoked_unused: row.revoked_reason.as_deref()
                == Some(super::token_writes::REVOKED_AS_UNUSED),
            leak: (row.revoked_reason.as_deref() == Some(super::token_writes::REVOKED_AS_LEAKED))
                .then_some(LeakReport {
                    reported_from: row.leak_reported_from,
                    source: row.leak_source,
                }),
            // The services judge it against the policy they read (TokenPolicy::mark_outside).
            outside_policy: false,
        })
    }
}

impl Store {
    /// Stores a token, and `audit` about it in the same transaction. A name already used
    /// by a working token (as folded: ignoring case and look-alike forms) fails with [`StoreError::UniqueViolation`].
    pub async fn insert_token(
        &self,
        token: &NewTokenRecord<'_>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<i64> {
        let permissions = permissions_json(token.permissions);
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id = insert_token_query!(token, &permissions)
                .fetch_one(&mut *tx)
                .await?;
            let created = audit.about(AuditTargetKind::Token, id, token.name);
            append_audit!(tx, &created);
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Stores many tokens in one transaction (for seeding load tests); all or none.
    pub async fn insert_tokens(&self, tokens: &[NewTokenRecord<'_>]) -> StoreResult<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for token in tokens {
                let permissions = permissions_json(token.permissions);
                insert_token_query!(token, &permissions)
                    .fetch_one(&mut *tx)
                    .await?;
            }
            tx.commit().await?
        });
        Ok(())
    }

    pub async fn token(&self, id: i64) -> StoreResult<Option<TokenView>> {
        const SQL: &str = select_token_views!("WHERE t.id = $1");
        let row: Option<TokenRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(id)
            .fetch_optional(pool)
            .await?);
        row.map(TokenView::try_from).transpose()
    }

    /// The token a hash belongs to, if it still works (revoking clears the hash): by its
    /// value, or by its previous one during a grace period (then with `previous_until`).
    pub async fn token_for_hash(&self, token_hash: &str) -> StoreResult<Option<TokenAuthRecord>> {
        macro_rules! columns {
            () => {
                "SELECT id, name, token_type, permissions, expires_at, restrictions, metadata, \
                 suspended_at IS NOT NULL AS suspended, quota_epoch, "
            };
        }
        const SQL: &str = concat!(
            columns!(),
            "NULL AS previous_until FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL ",
            "UNION ALL ",
            columns!(),
            "previous_until FROM api_tokens WHERE previous_hash = $1 AND revoked_at IS NULL"
        );
        let row: Option<TokenAuthRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(token_hash)
            .fetch_optional(pool)
            .await?);
        row.map(|r| {
            let restrictions = parse_restrictions(&r.restrictions)?;
            let networks =
                crate::validate::restrictions::parse_networks(&restrictions.allowed_networks)
                    .map_err(|e| {
                        StoreError::Corrupt(format!("restrictions column: {}", e.message))
                    })?;
            Ok(TokenAuthRecord {
                id: r.id,
                token_type: parse_type(&r.token_type)?,
                permissions: parse_permissions(&r.permissions)?,
                name: r.name,
                expires_at: r.expires_at,
                restrictions,
                networks,
                metadata: parse_metadata(&r.metadata)?,
                suspended: r.suspended,
                quota_epoch: r.quota_epoch,
                previous_until: r.previous_until,
            })
        })
        .transpose()
    }

    /// Writes a batch of usage in one transaction: last use (never moved backwards) and
    /// the per-day counters (added to what is stored).
    pub async fn record_usage(&self, batch: &UsageBatch) -> StoreResult<()> {
        const LAST_USE: &str = "UPDATE api_tokens SET last_used_at = $1, last_used_ip = $2 \
                                WHERE id = $3 AND (last_used_at IS NULL OR last_used_at < $1)";
        // `WHERE EXISTS` skips counts of a token deleted meanwhile instead of failing the
        // whole batch on the foreign key (and retrying it forever).
        const ADD_DAY: &str = "INSERT INTO token_usage_daily \
                 (token_id, day, requests, unauthorized, forbidden, limited) \
             SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM api_tokens WHERE id = $1) \
             ON CONFLICT (token_id, day) DO UPDATE SET \
                 requests = token_usage_daily.requests + excluded.requests, \
                 unauthorized = token_usage_daily.unauthorized + excluded.unauthorized, \
                 forbidden = token_usage_daily.forbidden + excluded.forbidden, \
                 limited = token_usage_daily.limited + excluded.limited";
        const ADD_PERMISSION: &str = "INSERT INTO token_permission_usage \
                 (token_id, day, permission, requests) \
             SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM api_tokens WHERE id = $1) \
             ON CONFLICT (token_id, day, permission) DO UPDATE SET \
                 requests = token_permission_usage.requests + excluded.requests";
        const ADD_PREVIOUS: &str = "INSERT INTO token_previous_value_uses \
                 (token_id, ip, requests, last_at) \
             SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM api_tokens WHERE id = $1) \
             ON CONFLICT (token_id, ip) DO UPDATE SET \
                 requests = token_previous_value_uses.requests + excluded.requests, \
                 last_at = CASE WHEN excluded.last_at > token_previous_value_uses.last_at \
                     THEN excluded.last_at ELSE token_previous_value_uses.last_at END";
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for (id, last) in &batch.last_uses {
                sqlx::query(LAST_USE)
                    .bind(last.at)
                    .bind(last.ip.map(|ip| ip.to_string()))
                    .bind(*id)
                    .execute(&mut *tx)
                    .await?;
            }
            for ((id, day), counts) in &batch.days {
                sqlx::query(ADD_DAY)
                    .bind(*id)
                    .bind(*day)
                    .bind(counts.requests)
                    .bind(counts.unauthorized)
                    .bind(counts.forbidden)
                    .bind(counts.limited)
                    .execute(&mut *tx)
                    .await?;
            }
            for ((id, day), permissions) in &batch.permissions {
                for (permission, requests) in permissions {
                    sqlx::query(ADD_PERMISSION)
                        .bind(*id)
                        .bind(*day)
                        .bind(permission.to_string())
                        .bind(*requests)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            for ((id, ip), uses) in &batch.previous_uses {
                sqlx::query(ADD_PREVIOUS)
                    .bind(*id)
                    .bind(ip.map(|ip| ip.to_string()).unwrap_or_default())
                    .bind(uses.requests)
                    .bind(uses.last_at)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?
        });
        Ok(())
    }

    /// One token's counts for each day from `since` on (days without requests left out),
    /// oldest first.
    pub async fn token_usage(&self, id: i64, since: NaiveDate) -> StoreResult<Vec<DailyUsage>> {
        const SQL: &str = "SELECT day, requests, unauthorized, forbidden, limited \
                           FROM token_usage_daily WHERE token_id = $1 AND day >= $2 ORDER BY day";
        let rows: Vec<DailyUsage> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(id)
            .bind(since)
            .fetch_all(pool)
            .await?);
        Ok(rows)
    }

    /// One token's allowed requests per permission from `since` on, most used first.
    /// Permissions no longer in the catalog's format are skipped.
    pub async fn permission_usage(
        &self,
        id: i64,
        since: NaiveDate,
    ) -> StoreResult<Vec<(Permission, i64)>> {
        const SQL: &str = "SELECT permission, CAST(SUM(requests) AS BIGINT) AS requests \
             FROM token_permission_usage WHERE token_id = $1 AND day >= $2 \
             GROUP BY permission ORDER BY SUM(requests) DESC, permission";
        let rows: Vec<(String, i64)> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(id)
            .bind(since)
            .fetch_all(pool)
            .await?);
        Ok(rows
            .into_iter()
            .filter_map(|(text, n)| text.parse::<Permission>().ok().map(|p| (p, n)))
            .collect())
    }

    /// Requests made with token `id`'s previous value, by address, latest first.
    pub async fn previous_value_uses(&self, id: i64) -> StoreResult<Vec<PreviousValueUse>> {
        const SQL: &str = "SELECT ip, requests, last_at FROM token_previous_value_uses \
                           WHERE token_id = $1 ORDER BY last_at DESC, ip LIMIT 100";
        let rows: Vec<PreviousValueUse> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(id)
            .fetch_all(pool)
            .await?);
        Ok(rows)
    }
}
