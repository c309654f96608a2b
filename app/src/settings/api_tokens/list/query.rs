//! The list's state lives in the URL query
//! (`?search=&type=&status=&policy=&unused=&created_by=&sort=&after=&limit=`),
//! so a reload or a shared link shows the same view. These turn the query into the list
//! parameters and back into links.

use leptos_router::params::ParamsMap;
use tollgate::model::{ExportFormat, SortColumn, SortDirection, TokenListParams, TokenSort};

pub use crate::paths::TOKENS as TOKENS_PATH;

/// The admin API's export (server/src/admin_api/export.rs): a plain link there downloads
/// the view, signed in by the session cookie, with or without JavaScript.
pub const EXPORT_PATH: &str = "/admin/api/tokens/export";

/// The list parameters the URL's query holds; the server checks them.
pub fn params_from(query: &ParamsMap) -> TokenListParams {
    TokenListParams {
        search: query.get("search"),
        token_type: query.get("type"),
        status: query.get("status"),
        sort: query.get("sort"),
        after: query.get("after"),
        limit: query.get("limit"),
        unused: query.get("unused"),
        created_by: query.get("created_by"),
        policy: query.get("policy"),
    }
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The query string for `params` (`?…`, or empty); empty parameters are left out.
fn query_string(params: &TokenListParams) -> String {
    let mut query = ParamsMap::new();
    for (name, value) in [
        ("search", &params.search),
        ("type", &params.token_type),
        ("status", &params.status),
        ("policy", &params.policy),
        ("unused", &params.unused),
        ("created_by", &params.created_by),
        ("sort", &params.sort),
        ("after", &params.after),
        ("limit", &params.limit),
    ] {
        if let Some(value) = given(value) {
            query.insert(name, value.to_owned());
        }
    }
    query.to_query_string()
}

/// The page's address for `params`; empty parameters are left out.
pub fn href(params: &TokenListParams) -> String {
    format!("{TOKENS_PATH}{}", query_string(params))
}

/// The download of the view `params` shows: its filters, search and sort, every page
/// (so no cursor or page size).
pub fn export_href(params: &TokenListParams, format: ExportFormat) -> String {
    let view = TokenListParams {
        after: None,
        limit: None,
        ..params.clone()
    };
    let query = query_string(&view);
    let join = if query.is_empty() { '?' } else { '&' };
    format!("{EXPORT_PATH}{query}{join}format={}", format.as_str())
}

/// Whether a search or filter narrows the list (so an empty page means "no match", not
/// "no tokens").
pub fn is_filtered(params: &TokenListParams) -> bool {
    [
        &params.search,
        &params.token_type,
        &params.status,
        &params.policy,
        &params.unused,
        &params.created_by,
    ]
    .into_iter()
    .any(|value| given(value).is_some())
}

/// `params` changed by `change`, back on the first page: a cursor only continues the
/// query it came from.
pub fn changed(
    params: &TokenListParams,
    change: impl FnOnce(&mut TokenListParams),
) -> TokenListParams {
    let mut next = params.clone();
    change(&mut next);
    next.after = None;
    next
}

/// The same view without search and filters; sort and page size stay.
pub fn cleared(params: &TokenListParams) -> TokenListParams {
    TokenListParams {
        sort: params.sort.clone(),
        limit: params.limit.clone(),
        ..TokenListParams::default()
    }
}

/// The sort the list is shown in (the server's default when the URL names none, or a bad one).
pub fn current_sort(params: &TokenListParams) -> TokenSort {
    given(&params.sort)
        .and_then(TokenSort::parse)
        .unwrap_or_default()
}

/// A header click: the same column flips direction, another column starts ascending.
pub fn toggled_sort(current: TokenSort, column: SortColumn) -> TokenSort {
    let direction = match (current.column == column, current.direction) {
        (true, SortDirection::Asc) => SortDirection::Desc,
        _ => SortDirection::Asc,
    };
    TokenSort { column, direction }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_link_carries_the_view_but_not_the_page() {
        let params = TokenListParams {
            status: Some("revoked".into()),
            unused: Some("90".into()),
            created_by: Some("gone".into()),
            policy: Some("outside".into()),
            sort: Some("-last_used_at".into()),
            after: Some("abc".into()),
            limit: Some("10".into()),
            ..TokenListParams::default()
        };
        let link = export_href(&params, ExportFormat::Csv);
        assert!(link.starts_with("/admin/api/tokens/export?"), "{link}");
        // ParamsMap escapes `_` and `-` (browsers read them back the same).
        for part in [
            "status=revoked",
            "unused=90",
            "created%5Fby=gone",
            "policy=outside",
            "sort=%2Dlast%5Fused%5Fat",
            "format=csv",
        ] {
            assert!(link.contains(part), "{link} lacks {part}");
        }
        assert!(!link.contains("after") && !link.contains("limit"), "{link}");
        assert_eq!(
            export_href(&TokenListParams::default(), ExportFormat::Json),
            "/admin/api/tokens/export?format=json"
        );
    }
}
