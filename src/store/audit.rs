//! The audit log's table: appends, and pages newest first by id, filtered. Like the token
//! list, the SQL is assembled from fixed fragments and every value is bound.

use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::FromRow;

use super::token_list::{Bind, Sql, bind_all, like_pattern};
use super::{Store, StoreError, StoreResult, on_pool};
use crate::model::{AuditAction, AuditActor, AuditEntry, AuditQuery, AuditTarget, AuditTargetKind};
use crate::validate::fold;

/// One event to append. Names are copied in as they are now.
#[derive(Debug, Clone)]
pub struct NewAuditEvent<'a> {
    pub at: DateTime<Utc>,
    pub action: AuditAction,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub target: Option<(AuditTargetKind, i64, &'a str)>,
    pub detail: &'a str,
    pub ip: Option<String>,
    pub user_agent: Option<&'a str>,
}

pub(super) const INSERT_AUDIT_EVENT: &str = "INSERT INTO audit_events \
     (at, action, actor_id, actor_name, target_kind, target_id, target_name, detail, ip, user_agent) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// [`INSERT_AUDIT_EVENT`] with a [`NewAuditEvent`] bound, for whichever backend runs it,
/// on a pool or inside the transaction of the change it records.
macro_rules! insert_audit_query {
    ($event:expr) => {{
        let event: &NewAuditEvent<'_> = $event;
        let (kind, id, name) = match event.target {
            Some((kind, id, name)) => (Some(kind.as_str()), Some(id), Some(name)),
            None => (None, None, None),
        };
        sqlx::query(INSERT_AUDIT_EVENT)
            .bind(event.at)
            .bind(event.action.as_str())
            .bind(event.actor_id)
            .bind(event.actor_name)
            .bind(kind)
            .bind(id)
            .bind(name)
            .bind(event.detail)
            .bind(event.ip.as_deref())
            .bind(event.user_agent)
    }};
}
pub(super) use insert_audit_query;

/// Appends `$event` to the audit log inside the transaction `$tx` of the change it
/// records and, when the change is one webhooks announce (a token change), queues its
/// delivery to every subscribed endpoint in the same transaction: the one place every
/// audited change passes, so no change is announced that did not commit, nor missed.
/// The delivery is queued before the audit row, so the store test that makes the audit
/// row fail proves a rolled-back change takes its queued deliveries with it.
macro_rules! append_audit {
    ($tx:ident, $event:expr) => {{
        let event: &NewAuditEvent<'_> = $event;
        if let Some(outbox) = $crate::webhooks::OutboxEvent::from_audit(event) {
            $crate::store::webhook_outbox::enqueue_query!(&outbox)
                .execute(&mut *$tx)
                .await?;
        }
        insert_audit_query!(event).execute(&mut *$tx).await?;
    }};
}
pub(super) use append_audit;

/// Runs `$change` (a bound `UPDATE` for one row, written inside `on_pool!` so that each
/// backend binds its own) and, if it changed that row, appends `$audit`, in one
/// transaction: `true` when it landed.
macro_rules! update_audited {
    ($pool:ident, $change:expr, $audit:expr) => {{
        let mut tx = $pool.begin().await?;
        let landed = $change.execute(&mut *tx).await?.rows_affected() == 1;
        if landed {
            append_audit!(tx, $audit);
        }
        tx.commit().await?;
        landed
    }};
}
pub(super) use update_audited;

impl<'a> NewAuditEvent<'a> {
    /// The same event about `target`: for a store call that learns the target's id (or
    /// final name) only as it writes the change.
    pub fn about(&self, kind: AuditTargetKind, id: i64, name: &'a str) -> Self {
        Self {
            target: Some((kind, id, name)),
            ..self.clone()
        }
    }
}

#[derive(FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    action: String,
    actor_id: Option<i64>,
    actor_name: String,
    target_kind: Option<String>,
    target_id: Option<i64>,
    target_name: Option<String>,
    detail: String,
    ip: Option<String>,
    user_agent: Option<String>,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;
    fn try_from(row: AuditRow) -> StoreResult<Self> {
        let action = AuditAction::parse(&row.action)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown audit action {}", row.action)))?;
        let target = match (row.target_kind, row.target_id) {
            (Some(kind), Some(id)) => Some(AuditTarget {
                kind: AuditTargetKind::parse(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown audit target {kind}")))?,
                id,
                name: row.target_name.unwrap_or_default(),
            }),
            _ => None,
        };
        Ok(AuditEntry {
            id: row.id,
            at: row.at,
            action,
            actor_id: row.actor_id,
            actor_name: row.actor_name,
            target,
            detail: row.detail,
            ip: row.ip,
            user_agent: row.user_agent,
        })
    }
}

/// Midnight UTC at the start of `day`.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
}

/// The page's SQL: the filters, then `limit` rows newest first.
fn page_sql(query: &AuditQuery, limit: i64) -> Sql {
    let mut sql = Sql::default();
    let mut text = String::from(
        "SELECT id, at, action, actor_id, actor_name, target_kind, target_id, target_name, \
         detail, ip, user_agent FROM audit_events WHERE 1 = 1",
    );
    if let Some(actor) = query.actor {
        let p = sql.bind(Bind::Int(actor));
        text.push_str(&format!(" AND actor_id = {p}"));
    }
    if let Some(action) = query.action {
        let p = sql.bind(Bind::Text(action.as_str().to_owned()));
        text.push_str(&format!(" AND action = {p}"));
    }
    if let Some(token) = &query.token {
        text.push_str(" AND target_kind = 'token'");
        match token.parse::<i64>() {
            Ok(id) => {
                let p = sql.bind(Bind::Int(id));
                text.push_str(&format!(" AND target_id = {p}"));
            }
            Err(_) => {
                // The name at the time, or the token's name now, folded as the token
                // list searches it: SQLite's `lower()` folds ASCII only, so without the
                // second "été" would miss "ÉTÉ report" there.
                let then = sql.bind(Bind::Text(like_pattern(token)));
                let now = sql.bind(Bind::Text(like_pattern(&fold(token))));
                text.push_str(&format!(
                    " AND (lower(target_name) LIKE {then} ESCAPE '\\' OR target_id IN \
                     (SELECT id FROM api_tokens WHERE name_fold LIKE {now} ESCAPE '\\'))"
                ));
            }
        }
    }
    if let Some(from) = query.from {
        let p = sql.bind(Bind::Time(Some(start_of(from))));
        text.push_str(&format!(" AND at >= {p}"));
    }
    if let Some(to) = query.to.and_then(|to| to.checked_add_days(Days::new(1))) {
        let p = sql.bind(Bind::Time(Some(start_of(to))));
        text.push_str(&format!(" AND at < {p}"));
    }
    if let Some(before) = query.before {
        let p = sql.bind(Bind::Int(before));
        text.push_str(&format!(" AND id < {p}"));
    }
    let p = sql.bind(Bind::Int(limit));
    sql.push(&format!("{text} ORDER BY id DESC LIMIT {p}"));
    sql
}

impl Store {
    pub async fn insert_audit_event(&self, event: &NewAuditEvent<'_>) -> StoreResult<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            append_audit!(tx, event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Up to `limit` events matching `query`, newest first, and whether older ones match.
    pub async fn audit_events(
        &self,
        query: &AuditQuery,
        limit: u32,
    ) -> StoreResult<(Vec<AuditEntry>, bool)> {
        let Sql { text, binds } = page_sql(query, i64::from(limit) + 1);
        // Safe: `text` is built only from the fixed fragments above; values are bound.
        let text = sqlx::AssertSqlSafe(text);
        let mut rows: Vec<AuditRow> =
            on_pool!(self, |pool| bind_all!(sqlx::query_as(text), &binds)
                .fetch_all(pool)
                .await?);
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let entries = rows
            .into_iter()
            .map(AuditEntry::try_from)
            .collect::<StoreResult<_>>()?;
        Ok((entries, more))
    }

    /// Every administrator who appears as an actor, by the name of their latest event.
    pub async fn audit_actors(&self) -> StoreResult<Vec<AuditActor>> {
        const SQL: &str = "SELECT e.actor_id AS id, e.actor_name AS name FROM audit_events e \
             JOIN (SELECT actor_id, MAX(id) AS last_id FROM audit_events \
                   WHERE actor_id IS NOT NULL GROUP BY actor_id) latest \
             ON latest.last_id = e.id ORDER BY lower(e.actor_name), e.actor_id";
        let rows: Vec<(i64, String)> =
            on_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .map(|(id, name)| AuditActor { id, name })
            .collect())
    }
}
