//! The list's state lives in the URL query (`?search=&type=&status=&sort=&after=&limit=`),
//! so a reload or a shared link shows the same view. These turn the query into the list
//! parameters and back into links.

use leptos_router::params::ParamsMap;
use tollgate::model::{SortColumn, SortDirection, TokenListParams, TokenSort};

pub use crate::paths::TOKENS as TOKENS_PATH;

/// The list parameters the URL's query holds; the server checks them.
pub fn params_from(query: &ParamsMap) -> TokenListParams {
    TokenListParams {
        search: query.get("search"),
        token_type: query.get("type"),
        status: query.get("status"),
        sort: query.get("sort"),
        after: query.get("after"),
        limit: query.get("limit"),
    }
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The page's address for `params`; empty parameters are left out.
pub fn href(params: &TokenListParams) -> String {
    let mut query = ParamsMap::new();
    for (name, value) in [
        ("search", &params.search),
        ("type", &params.token_type),
        ("status", &params.status),
        ("sort", &params.sort),
        ("after", &params.after),
        ("limit", &params.limit),
    ] {
        if let Some(value) = given(value) {
            query.insert(name, value.to_owned());
        }
    }
    format!("{TOKENS_PATH}{}", query.to_query_string())
}

/// Whether a search or filter narrows the list (so an empty page means "no match", not
/// "no tokens").
pub fn is_filtered(params: &TokenListParams) -> bool {
    [&params.search, &params.token_type, &params.status]
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
