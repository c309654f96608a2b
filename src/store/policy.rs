//! The token policy's one row, and the working tokens a policy puts outside it (one
//! condition, [`outside_condition`], for the count, the ids and the list's filter).

use chrono::{DateTime, Duration, Utc};
use sqlx::FromRow;

use super::audit::{INSERT_AUDIT_EVENT, append_audit, insert_audit_query, update_audited};
use super::token_list::{Bind, Sql, bind_all};
use super::{NewAuditEvent, Store, StoreError, StoreResult, on_pool};
use crate::lifetime::unexpired_sql;
use crate::policy::TokenPolicy;

#[derive(FromRow)]
struct PolicyRow {
    max_lifetime_days: Option<i64>,
    require_expiry: bool,
    default_duration_days: Option<i64>,
    expiry_warning_days: String,
    revoke_unused_after_days: Option<i64>,
}

impl TryFrom<PolicyRow> for TokenPolicy {
    type Error = StoreError;
    fn try_from(row: PolicyRow) -> StoreResult<Self> {
        let days = |column: &str, value: Option<i64>| {
            value
                .map(|d| {
                    u32::try_from(d)
                        .map_err(|_| StoreError::Corrupt(format!("token_policy.{column}: {d}")))
                })
                .transpose()
        };
        Ok(TokenPolicy {
            default_duration_days: days("default_duration_days", row.default_duration_days)?,
            expiry_warning_days: serde_json::from_str(&row.expiry_warning_days).map_err(|e| {
                StoreError::Corrupt(format!("token_policy.expiry_warning_days: {e}"))
            })?,
            max_lifetime_days: days("max_lifetime_days", row.max_lifetime_days)?,
            require_expiry: row.require_expiry,
            revoke_unused_after_days: days(
                "revoke_unused_after_days",
                row.revoke_unused_after_days,
            )?,
        })
    }
}

/// A token that works (not revoked, not expired at the placeholder `now`), as the token
/// list means it; `alias` prefixes the columns (`t.`, or empty).
fn working_sql(alias: &str, now: &str) -> String {
    format!(
        "{alias}revoked_at IS NULL AND {}",
        unexpired_sql(&format!("COALESCE({alias}expires_at, 'infinity')"), now)
    )
}

/// The working tokens not used since `$2` (never used: not since their creation), at `$1`:
/// what the inactivity rule counts in the preview and revokes in its job.
pub(super) fn unused_where() -> String {
    format!(
        "{} AND COALESCE(last_used_at, created_at) <= $2",
        working_sql("", "$1")
    )
}

/// The working tokens outside `policy` at `now`, as a condition on the token columns
/// (prefixed by `alias`), its moments bound into `sql`: what "bring into policy" shortens,
/// the policy page counts and the list's `policy=outside` filter shows. `None`: the policy
/// puts nothing outside (and nothing was bound).
pub(super) fn outside_condition(
    policy: &TokenPolicy,
    alias: &str,
    now: DateTime<Utc>,
    sql: &mut Sql,
) -> Option<String> {
    let expires_at = format!("{alias}expires_at");
    // Asked before binding: Postgres refuses a bound value the text never names.
    policy.outside_sql(&expires_at, "")?;
    let now_placeholder = sql.bind(Bind::Time(Some(now)));
    // Named by the condition exactly when the policy has a maximum.
    let latest = match policy.latest_expiry(now) {
        Some(latest) => sql.bind(Bind::Time(Some(latest))),
        None => String::new(),
    };
    let outside = policy.outside_sql(&expires_at, &latest)?;
    Some(format!(
        "{} AND {outside}",
        working_sql(alias, &now_placeholder)
    ))
}

/// `SELECT {what} FROM api_tokens` narrowed to the tokens outside `policy` at `now`, then
/// `rest`; `None` when the policy puts nothing outside.
fn select_outside(policy: &TokenPolicy, now: DateTime<Utc>, what: &str, rest: &str) -> Option<Sql> {
    let mut sql = Sql::default();
    let condition = outside_condition(policy, "", now, &mut sql)?;
    sql.push(&format!(
        "SELECT {what} FROM api_tokens WHERE {condition}{rest}"
    ));
    Some(sql)
}

impl Store {
    /// The policy in force (the migration stores the default one).
    pub async fn token_policy(&self) -> StoreResult<TokenPolicy> {
        const SQL: &str = "SELECT max_lifetime_days, require_expiry, default_duration_days, \
                           expiry_warning_days, revoke_unused_after_days \
                           FROM token_policy WHERE id = 1";
        let row: Option<PolicyRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .fetch_optional(pool)
            .await?);
        row.map(TokenPolicy::try_from)
            .unwrap_or_else(|| Err(StoreError::Corrupt("token_policy has no row".into())))
    }

    /// Replaces the policy, with `audit`, in one transaction.
    pub async fn save_token_policy(
        &self,
        policy: &TokenPolicy,
        by: Option<i64>,
        at: DateTime<Utc>,
        audit: &NewAuditEvent<'_>,
    ) -> StoreResult<()> {
        const SQL: &str = "UPDATE token_policy SET max_lifetime_days = $1, require_expiry = $2, \
                           default_duration_days = $3, expiry_warning_days = $4, \
                           revoke_unused_after_days = $5, updated_at = $6, updated_by = $7 \
                           WHERE id = 1";
        let warnings =
            serde_json::to_string(&policy.expiry_warning_days).expect("day counts serialise");
        let wide = |days: Option<u32>| days.map(i64::from);
        let landed = on_pool!(self, |pool| update_audited!(
            pool,
            sqlx::query(SQL)
                .bind(wide(policy.max_lifetime_days))
                .bind(policy.require_expiry)
                .bind(wide(policy.default_duration_days))
                .bind(&warnings)
                .bind(wide(policy.revoke_unused_after_days))
                .bind(at)
                .bind(by),
            audit
        ));
        if landed {
            Ok(())
        } else {
            Err(StoreError::Corrupt("token_policy has no row".into()))
        }
    }

    /// The ids of the working tokens `policy` puts outside it at `now`, oldest first:
    /// what "bring into policy" shortens, and what the list's "outside policy" filter shows.
    pub async fn tokens_outside_policy(
        &self,
        policy: &TokenPolicy,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        let Some(Sql { text, binds }) = select_outside(policy, now, "id", " ORDER BY id") else {
            return Ok(Vec::new());
        };
        // Safe: built from fixed fragments; the moments are bound.
        let text = sqlx::AssertSqlSafe(text);
        let ids: Vec<(i64,)> = on_pool!(self, |pool| bind_all!(sqlx::query_as(text), &binds)
            .fetch_all(pool)
            .await?);
        Ok(ids.into_iter().map(|(id,)| id).collect())
    }

    /// How many working tokens `policy` puts outside it at `now`.
    pub async fn count_outside_policy(
        &self,
        policy: &TokenPolicy,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let Some(Sql { text, binds }) = select_outside(policy, now, "COUNT(*)", "") else {
            return Ok(0);
        };
        // Safe: built from fixed fragments; the moments are bound.
        let text = sqlx::AssertSqlSafe(text);
        let (count,): (i64,) = on_pool!(self, |pool| bind_all!(sqlx::query_as(text), &binds)
            .fetch_one(pool)
            .await?);
        Ok(count)
    }

    /// The names of the first `limit` working tokens unused for `days` days at `now`,
    /// longest unused first: what the policy page names before the rule is saved.
    pub async fn unused_token_names(
        &self,
        days: u32,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT name FROM api_tokens WHERE {} \
             ORDER BY COALESCE(last_used_at, created_at), id LIMIT $3",
            unused_where()
        ));
        let cutoff = now - Duration::days(i64::from(days));
        let names: Vec<(String,)> = on_pool!(self, |pool| sqlx::query_as(sql)
            .bind(now)
            .bind(cutoff)
            .bind(limit)
            .fetch_all(pool)
            .await?);
        Ok(names.into_iter().map(|(name,)| name).collect())
    }

    /// How many working tokens have not been used for `days` days at `now` (a token
    /// never used counts from its creation).
    pub async fn count_unused(&self, days: u32, now: DateTime<Utc>) -> StoreResult<i64> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM api_tokens WHERE {}",
            unused_where()
        ));
        let cutoff = now - Duration::days(i64::from(days));
        let (count,): (i64,) = on_pool!(self, |pool| sqlx::query_as(sql)
            .bind(now)
            .bind(cutoff)
            .fetch_one(pool)
            .await?);
        Ok(count)
    }
}
