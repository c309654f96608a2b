//! The token list: search, filters, any sort, and keyset pagination on (sort key, id), so
//! page 2 000 costs what page 1 costs. Every sort key has an index on (key, id) (see the
//! `token_changes` migration); the SQL text is assembled only from the fixed fragments
//! below, chosen by enums, and every value a client sends is a bound parameter.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use super::policy::outside_condition;
use super::token_writes::REVOKED_AS_LEAKED;
use super::tokens::{TokenRow, token_view_columns};
use super::{Store, StoreError, StoreResult, on_pool};
use crate::lifetime::{expired_sql, unexpired_sql};
use crate::model::{
    AdminStatus, CreatorFilter, FieldError, PolicyFilter, SortColumn, SortDirection, TokenCreator,
    TokenListQuery, TokenPage, TokenSort, TokenStatus, TokenView,
};
use crate::policy::TokenPolicy;
use crate::validate::{Lines, fold, text};

/// Where the previous page ended: its last row's sort key and id, and the sort it was
/// made for (a cursor means nothing under another order). Opaque to clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCursor {
    #[serde(rename = "s")]
    sort: String,
    /// The key as text: a folded name, a type, or an RFC 3339 time (`None`: never).
    #[serde(rename = "k")]
    key: Option<String>,
    #[serde(rename = "i")]
    id: i64,
}

impl ListCursor {
    pub const FIELD: &str = "after";

    /// Reads a `next_cursor` back, refusing one made for another sort order.
    pub fn decode(text: &str, sort: TokenSort) -> Result<Self, FieldError> {
        let bad = || {
            FieldError::new(
                Self::FIELD,
                "This cursor is not one Tollgate gave out: pass the `next_cursor` of the previous page unchanged.",
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
        let cursor: Self = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if TokenSort::parse(&cursor.sort).is_none() {
            return Err(bad());
        }
        // Keys Tollgate gives out are folded names, types and times: plain text, which
        // a forged key (a NUL, say, which Postgres cannot even compare) is not.
        if let Some(key) = &cursor.key {
            text::check(Self::FIELD, "A cursor", key, Lines::One).map_err(|_| bad())?;
        }
        if cursor.sort != sort.as_param() {
            return Err(FieldError::new(
                Self::FIELD,
                format!(
                    "This cursor belongs to the sort `{}`: keep that sort, or start again without `after`.",
                    cursor.sort
                ),
            ));
        }
        // Only last use and expiry may be "never" (no key); a time key must parse.
        let may_be_never = matches!(sort.column, SortColumn::LastUsedAt | SortColumn::ExpiresAt);
        match &cursor.key {
            None if !may_be_never => return Err(bad()),
            Some(key) if is_time(sort.column) => {
                DateTime::parse_from_rfc3339(key).map_err(|_| bad())?;
            }
            _ => {}
        }
        Ok(cursor)
    }

    fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("a cursor serialises"))
    }

    fn time_key(&self) -> Option<DateTime<Utc>> {
        let key = self.key.as_deref()?;
        DateTime::parse_from_rfc3339(key)
            .ok()
            .map(|at| at.with_timezone(&Utc))
    }
}

fn is_time(column: SortColumn) -> bool {
    !matches!(column, SortColumn::Name | SortColumn::Type)
}

/// The SQL expression a column sorts by, exactly as its index is declared. A token never
/// used sorts as the oldest use, one that never expires as the latest expiry: the same
/// literals mean a timestamp's infinities on Postgres and sort before / after every
/// stored RFC 3339 text on SQLite.
fn sort_key(column: SortColumn) -> &'static str {
    match column {
        SortColumn::Name => "t.name_fold",
        SortColumn::Type => "t.token_type",
        SortColumn::CreatedAt => "t.created_at",
        SortColumn::LastUsedAt => "COALESCE(t.last_used_at, '-infinity')",
        SortColumn::ExpiresAt => EXPIRY,
    }
}

/// The expiry sort key. Status filters compare it rather than `expires_at` (through
/// [`expired_sql`] / [`unexpired_sql`], "expired" as the core means it), so that sorted
/// by expiry, "expired" and "active" are a seek into its index instead of a walk past
/// every token on the other side of now.
const EXPIRY: &str = "COALESCE(t.expires_at, 'infinity')";

/// The cursor value compared against [`sort_key`], with the same stand-in for "never".
fn cursor_bound(column: SortColumn, placeholder: &str) -> String {
    match column {
        SortColumn::LastUsedAt => format!("COALESCE({placeholder}, '-infinity')"),
        SortColumn::ExpiresAt => format!("COALESCE({placeholder}, 'infinity')"),
        _ => placeholder.to_owned(),
    }
}

pub(super) enum Bind {
    Text(String),
    Time(Option<DateTime<Utc>>),
    Int(i64),
}

/// SQL text with numbered placeholders, and the values for them in order.
#[derive(Default)]
pub(super) struct Sql {
    pub(super) text: String,
    pub(super) binds: Vec<Bind>,
}

impl Sql {
    pub(super) fn push(&mut self, fragment: &str) {
        self.text.push_str(fragment);
    }

    /// Records a value and returns its placeholder (`$n` works on both backends).
    pub(super) fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }
}

/// Escapes LIKE's wildcards so a search for `50%` finds "50%", not everything.
pub(super) fn like_pattern(search: &str) -> String {
    let mut pattern = String::from("%");
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The page's SQL. After a cursor (key `k`, id `i`) the page is two index ranges, each
/// a seek: the rest of `k`'s ties (`key = k AND id > i`) and what follows
/// (`key > k`), each ordered and limited, merged. The row comparison `(key, id) > (k, i)`
/// reads the same but SQLite only seeks on its first column, so a deep page inside a
/// large tie (every token of one type, every never-used token) would scan the tie.
fn list_sql(
    query: &TokenListQuery,
    policy: &TokenPolicy,
    after: Option<&ListCursor>,
    now: DateTime<Utc>,
) -> Sql {
    let column = query.sort.column;
    let key = sort_key(column);
    let mut sql = Sql::default();
    // The name key rides along so the next cursor holds exactly what the database
    // compares.
    let mut base = format!(
        "SELECT {key} AS sort_key, COALESCE(t.name_fold, '') AS name_key, {}",
        token_view_columns!()
    );
    match query.status {
        None => base.push_str("WHERE t.revoked_at IS NULL"),
        Some(TokenStatus::Revoked) if query.leaked => {
            let leaked = sql.bind(Bind::Text(REVOKED_AS_LEAKED.to_owned()));
            base.push_str(&format!(
                "WHERE t.revoked_at IS NOT NULL AND t.revoked_reason = {leaked}"
            ));
        }
        Some(TokenStatus::Revoked) => base.push_str("WHERE t.revoked_at IS NOT NULL"),
        Some(TokenStatus::Active) => {
            let now = sql.bind(Bind::Time(Some(now)));
            base.push_str(&format!(
                "WHERE t.revoked_at IS NULL AND t.suspended_at IS NULL AND {}",
                unexpired_sql(EXPIRY, &now)
            ));
        }
        // Expired wins over suspended (`TokenView::status`).
        Some(TokenStatus::Suspended) => {
            let now = sql.bind(Bind::Time(Some(now)));
            base.push_str(&format!(
                "WHERE t.revoked_at IS NULL AND t.suspended_at IS NOT NULL AND {}",
                unexpired_sql(EXPIRY, &now)
            ));
        }
        Some(TokenStatus::Expired) => {
            let now = sql.bind(Bind::Time(Some(now)));
            base.push_str(&format!(
                "WHERE t.revoked_at IS NULL AND {}",
                expired_sql(EXPIRY, &now)
            ));
        }
    }
    if let Some(token_type) = query.token_type {
        let p = sql.bind(Bind::Text(token_type.as_str().to_owned()));
        // A type is about a third of all tokens: walking the sort's index and skipping the
        // other types beats sorting a third of the table, which SQLite would do if it could
        // use the type index here. `|| ''` keeps it from (on both databases); sorted by
        // type, the type index *is* the sort's index, and the seek is what we want.
        if column == SortColumn::Type {
            base.push_str(&format!(" AND t.token_type = {p}"));
        } else {
            base.push_str(&format!(" AND t.token_type || '' = {p}"));
        }
    }
    if let Some(search) = &query.search {
        // Both sides folded alike (src/validate/text.rs): "été" finds "ÉTÉ report" on
        // SQLite too, whose own `lower()` folds ASCII only.
        let p = sql.bind(Bind::Text(like_pattern(&fold(search))));
        base.push_str(&format!(
            " AND (t.name_fold LIKE {p} ESCAPE '\\' OR t.description_fold LIKE {p} ESCAPE '\\')"
        ));
    }
    if let Some(unused) = query.unused {
        // A token never used counts from its creation.
        let since = sql.bind(Bind::Time(Some(
            now - chrono::Duration::days(unused.days()),
        )));
        base.push_str(&format!(
            " AND COALESCE(t.last_used_at, t.created_at) < {since}"
        ));
    }
    match query.created_by {
        None => {}
        Some(CreatorFilter::Admin(id)) => {
            let p = sql.bind(Bind::Int(id));
            base.push_str(&format!(" AND t.created_by = {p}"));
        }
        // Admins are never deleted, only deactivated or removed (src/store/admin_accounts.rs).
        Some(CreatorFilter::Gone) => base.push_str(
            " AND t.created_by IN (SELECT g.id FROM admins g WHERE g.status <> 'active')",
        ),
    }
    if query.policy == Some(PolicyFilter::Outside) {
        // The one condition the policy page counts and "bring into policy" shortens by.
        match outside_condition(policy, "t.", now, &mut sql) {
            Some(outside) => base.push_str(&format!(" AND {outside}")),
            None => base.push_str(" AND 1 = 0"),
        }
    }
    let (compare, direction) = match query.sort.direction {
        SortDirection::Asc => (">", "ASC"),
        SortDirection::Desc => ("<", "DESC"),
    };
    // One row more than the page: whether it exists says if there is a next page.
    let limit = sql.bind(Bind::Int(i64::from(query.limit) + 1));
    let Some(cursor) = after else {
        sql.push(&format!(
            "{base} ORDER BY {key} {direction}, t.id {direction} LIMIT {limit}"
        ));
        return sql;
    };
    let value = if is_time(column) {
        Bind::Time(cursor.time_key())
    } else {
        Bind::Text(cursor.key.clone().unwrap_or_default())
    };
    let value = sql.bind(value);
    let bound = cursor_bound(column, &value);
    let id = sql.bind(Bind::Int(cursor.id));
    sql.push(&format!(
        "SELECT * FROM ({base} AND {key} = {bound} AND t.id {compare} {id} \
             ORDER BY t.id {direction} LIMIT {limit}) AS ties \
         UNION ALL \
         SELECT * FROM ({base} AND {key} {compare} {bound} \
             ORDER BY {key} {direction}, t.id {direction} LIMIT {limit}) AS later \
         ORDER BY sort_key {direction}, id {direction} LIMIT {limit}"
    ));
    sql
}

#[derive(FromRow)]
struct ListedRow {
    #[sqlx(flatten)]
    token: TokenRow,
    name_key: String,
}

/// The cursor that continues after `token` (whose folded name the database gave as
/// `name_key`) under `sort`.
fn cursor_after(token: &TokenView, name_key: &str, sort: TokenSort) -> ListCursor {
    let time = |at: Option<DateTime<Utc>>| at.map(|at| at.to_rfc3339());
    let key = match sort.column {
        SortColumn::Name => Some(name_key.to_owned()),
        SortColumn::Type => Some(token.token_type.as_str().to_owned()),
        SortColumn::CreatedAt => time(Some(token.created_at)),
        SortColumn::LastUsedAt => time(token.last_used_at),
        SortColumn::ExpiresAt => time(token.expires_at),
    };
    ListCursor {
        sort: sort.as_param(),
        key,
        id: token.id,
    }
}

macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                Bind::Text(text) => query.bind(text.as_str()),
                Bind::Time(at) => query.bind(*at),
                Bind::Int(n) => query.bind(*n),
            };
        }
        query
    }};
}
pub(super) use bind_all;

impl Store {
    /// One page of tokens matching `query`, continuing after `after`; "expired" means
    /// expired at `now`, "outside policy" outside `policy` at `now`.
    pub async fn list_tokens(
        &self,
        query: &TokenListQuery,
        policy: &TokenPolicy,
        after: Option<&ListCursor>,
        now: DateTime<Utc>,
    ) -> StoreResult<TokenPage> {
        let Sql { text, binds } = list_sql(query, policy, after, now);
        // Safe: `text` is built only from the fixed fragments above; values are bound.
        let text = sqlx::AssertSqlSafe(text);
        let mut rows: Vec<ListedRow> =
            on_pool!(self, |pool| bind_all!(sqlx::query_as(text), &binds)
                .fetch_all(pool)
                .await?);
        let limit = query.limit as usize;
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let last_name_key = rows.last().map(|row| row.name_key.clone());
        let data: Vec<TokenView> = rows
            .into_iter()
            .map(|row| TokenView::try_from(row.token))
            .collect::<StoreResult<_>>()?;
        let next_cursor = match (has_more, data.last(), last_name_key) {
            (true, Some(last), Some(name_key)) => {
                Some(cursor_after(last, &name_key, query.sort).encode())
            }
            _ => None,
        };
        Ok(TokenPage {
            data,
            next_cursor,
            policy: policy.clone(),
        })
    }

    /// Every admin who created a token, whatever their status now, by name: the "Created
    /// by" filter's choices.
    pub async fn token_creators(&self) -> StoreResult<Vec<TokenCreator>> {
        const SQL: &str = "SELECT a.id, a.name, a.status FROM admins a \
             WHERE EXISTS (SELECT 1 FROM api_tokens t WHERE t.created_by = a.id) \
             ORDER BY a.name, a.id";
        let rows: Vec<(i64, String, String)> =
            on_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await?);
        rows.into_iter()
            .map(|(id, name, status)| {
                let status = AdminStatus::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("admin status `{status}`")))?;
                Ok(TokenCreator { id, name, status })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_pattern("50%_Off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn cursors_round_trip_and_keep_to_their_sort() {
        let sort = TokenSort::parse("-expires_at").unwrap();
        let cursor = ListCursor {
            sort: sort.as_param(),
            key: None,
            id: 7,
        };
        assert_eq!(ListCursor::decode(&cursor.encode(), sort).unwrap(), cursor);
        let other = TokenSort::parse("name").unwrap();
        let err = ListCursor::decode(&cursor.encode(), other).unwrap_err();
        assert_eq!(err.field, "after");
        assert!(err.message.contains("-expires_at"));
        for garbage in [
            "",
            "!!",
            "e30",
            &URL_SAFE_NO_PAD.encode(b"{\"s\":\"name\",\"i\":1}"),
        ] {
            assert!(ListCursor::decode(garbage, other).is_err(), "{garbage}");
        }
    }

    #[test]
    fn the_sort_column_comes_from_a_fixed_list() {
        let query = TokenListQuery {
            sort: TokenSort::parse("-last_used_at").unwrap(),
            ..TokenListQuery::default()
        };
        let sql = list_sql(&query, &TokenPolicy::default(), None, Utc::now()).text;
        assert!(
            sql.ends_with(
                "ORDER BY COALESCE(t.last_used_at, '-infinity') DESC, t.id DESC LIMIT $1"
            )
        );
    }
}
