//! Exporting the token list: the current view (filters, search, sort) over every page, as
//! CSV or a JSON array, written a keyset page at a time so 100 000 tokens never sit in
//! memory at once. The export is audited when it starts; it needs `api_tokens.read`,
//! like the list it copies.
//!
//! Pages are read one after another, not in one snapshot: a token changed during a long
//! export shows as it was when its page was read, and under the last-used sort a token
//! used meanwhile can move past the cursor (once, or not at all). Sorted by creation (the
//! default) or name, every token that exists throughout appears exactly once.

use chrono::{DateTime, Utc};

use super::Tokens;
use crate::admins::access::require;
use crate::admins::actor::Actor;
use crate::audit::{By, event};
use crate::error::ServiceError;
use crate::model::{AdminPermission, AuditAction, ExportFormat, TokenListQuery};
use crate::policy::TokenPolicy;
use crate::store::{ListCursor, Store};
use crate::validate::{Lines, text};

/// RFC 4180 cells, defused against spreadsheet formulas.
pub mod csv;
/// One token as the export writes it.
pub mod row;

pub use row::{COLUMNS, ExportRow};

/// Tokens read per page: large enough that the database round trips don't dominate,
/// small enough that a page is a few hundred kilobytes at most.
pub const EXPORT_PAGE: u32 = 500;

enum Progress {
    /// Nothing written yet: the header (CSV) or `[` (JSON) comes first.
    Start,
    /// Continuing after this row; `None` once the last page is written.
    After(Option<ListCursor>),
    Done,
}

/// An export being written: call [`TokenExport::next_chunk`] until it answers `None`.
pub struct TokenExport {
    store: Store,
    query: TokenListQuery,
    /// The policy at the export's start, for its `policy=outside` filter.
    policy: TokenPolicy,
    format: ExportFormat,
    /// Statuses are as at the export's start, on every page alike.
    now: DateTime<Utc>,
    progress: Progress,
}

impl TokenExport {
    pub fn format(&self) -> ExportFormat {
        self.format
    }

    /// When the export started (the day in its file name).
    pub fn started_at(&self) -> DateTime<Utc> {
        self.now
    }

    /// The next piece of the file: one page of rows (the first also carries the header,
    /// the last the JSON array's end); `None` once everything is written.
    pub async fn next_chunk(&mut self) -> Result<Option<String>, ServiceError> {
        let (first, after) = match &self.progress {
            Progress::Done => return Ok(None),
            Progress::Start => (true, None),
            Progress::After(after) => (false, after.clone()),
        };
        let page = self
            .store
            .list_tokens(&self.query, &self.policy, after.as_ref(), self.now)
            .await?;
        let mut out = String::new();
        if first {
            out.push_str(&match self.format {
                ExportFormat::Csv => csv::line(COLUMNS),
                ExportFormat::Json => "[".to_owned(),
            });
        }
        for (n, token) in page.data.into_iter().enumerate() {
            let row = ExportRow::new(token, self.now);
            match self.format {
                ExportFormat::Csv => out.push_str(&row.csv()),
                ExportFormat::Json => {
                    // One object a line; a comma before every object but the very first.
                    out.push_str(if first && n == 0 { "\n" } else { ",\n" });
                    out.push_str(&row.json());
                }
            }
        }
        self.progress = match page.next_cursor {
            Some(cursor) => Progress::After(Some(
                ListCursor::decode(&cursor, self.query.sort)
                    .map_err(|e| ServiceError::Invalid(vec![e]))?,
            )),
            None => {
                if self.format == ExportFormat::Json {
                    out.push_str("\n]\n");
                }
                Progress::Done
            }
        };
        Ok(Some(out))
    }
}

/// The audit log's account of an export: the format and the view, as the list's
/// parameters name them (`format=csv status=revoked unused=30 sort=-created_at`).
fn describe(query: &TokenListQuery, format: ExportFormat) -> String {
    let mut parts = vec![format!("format={}", format.as_str())];
    if let Some(search) = &query.search {
        parts.push(format!("search={search:?}"));
    }
    if let Some(token_type) = query.token_type {
        parts.push(format!("type={}", token_type.as_str()));
    }
    if let Some(status) = query.status_param() {
        parts.push(format!("status={status}"));
    }
    if let Some(unused) = query.unused {
        parts.push(format!("unused={}", unused.as_str()));
    }
    if let Some(creator) = query.created_by {
        parts.push(format!("created_by={}", creator.as_param()));
    }
    if let Some(policy) = query.policy {
        parts.push(format!("policy={}", policy.as_str()));
    }
    parts.push(format!("sort={}", query.sort.as_param()));
    parts.join(" ")
}

impl Tokens {
    /// Starts an export of the view `query` describes (its cursor and page size are
    /// not used: an export holds every page), and audits it before the first row.
    pub async fn export(
        &self,
        by: &Actor,
        query: &TokenListQuery,
        format: ExportFormat,
    ) -> Result<TokenExport, ServiceError> {
        require(by, AdminPermission::ApiTokensRead)?;
        if let Some(search) = &query.search {
            text::check("search", "Search text", search, Lines::One)
                .map_err(|e| ServiceError::Invalid(vec![e]))?;
        }
        let query = TokenListQuery {
            after: None,
            limit: EXPORT_PAGE,
            ..query.clone()
        };
        let policy = self.store.token_policy().await?;
        let detail = describe(&query, format);
        let audit = event(&By::Admin(by), AuditAction::TokenExport, None, &detail);
        self.store.insert_audit_event(&audit).await?;
        tracing::info!(
            admin_id = by.id,
            format = format.as_str(),
            "token export started"
        );
        Ok(TokenExport {
            store: self.store.clone(),
            query,
            policy,
            format,
            now: Utc::now(),
            progress: Progress::Start,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CreatorFilter, PolicyFilter, TokenSort, TokenStatus, UnusedFor};

    #[test]
    fn the_audit_detail_names_the_format_and_the_view() {
        let query = TokenListQuery {
            search: Some("deploy".into()),
            status: Some(TokenStatus::Revoked),
            unused: Some(UnusedFor::Days30),
            created_by: Some(CreatorFilter::Gone),
            policy: Some(PolicyFilter::Outside),
            sort: TokenSort::parse("last_used_at").unwrap(),
            ..TokenListQuery::default()
        };
        assert_eq!(
            describe(&query, ExportFormat::Csv),
            "format=csv search=\"deploy\" status=revoked unused=30 created_by=gone policy=outside sort=last_used_at"
        );
        assert_eq!(
            describe(&TokenListQuery::default(), ExportFormat::Json),
            "format=json sort=-created_at"
        );
    }
}
