//! Search, filters and paging. Each change is a navigation to the list's new address, so
//! the browser's history and a reload keep the view. Without wasm, the search form is a
//! plain GET form and the pager plain links, so they work before hydration too.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use tollgate::model::{TokenListParams, TokenStatus, TokenType};

use super::query::{TOKENS_PATH, changed, href};

#[component]
pub fn ListControls(params: TokenListParams) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |next: TokenListParams| navigate(&href(&next), NavigateOptions::default());
    let search_ref = NodeRef::<html::Input>::new();

    let on_submit = {
        let (params, go) = (params.clone(), go.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let text = search_ref.get().map(|input| input.value());
            go(changed(&params, |p| p.search = text));
        }
    };
    let on_type = {
        let (params, go) = (params.clone(), go.clone());
        move |event| {
            let value = event_target_value(&event);
            go(changed(&params, |p| p.token_type = Some(value)));
        }
    };
    let on_status = {
        let (params, go) = (params.clone(), go.clone());
        move |event| {
            let value = event_target_value(&event);
            go(changed(&params, |p| p.status = Some(value)));
        }
    };
    let chosen = |value: &Option<String>| value.clone().unwrap_or_default();
    let type_value = chosen(&params.token_type);
    let status_value = chosen(&params.status);
    let type_options = TokenType::ALL.map(|t| {
        view! { <option value=t.as_str() selected=type_value == t.as_str()>{t.label()}</option> }
    });
    let status_options = TokenStatus::ALL.map(|s| {
        let label = match s {
            TokenStatus::Active => "Active",
            TokenStatus::Expired => "Expired",
            TokenStatus::Revoked => "Revoked",
        };
        view! { <option value=s.as_str() selected=status_value == s.as_str()>{label}</option> }
    });
    // Sort and page size ride along when the form is submitted without wasm.
    let hidden = [
        ("sort", params.sort.clone()),
        ("limit", params.limit.clone()),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        value.map(|value| view! { <input type="hidden" name=name value=value /> })
    })
    .collect_view();

    view! {
        <form class="list-controls" role="search" method="get" action=TOKENS_PATH on:submit=on_submit>
            <label>
                "Search"
                <input
                    type="search"
                    name="search"
                    aria-label="Search tokens"
                    placeholder="Name or description"
                    maxlength="100"
                    node_ref=search_ref
                    value=params.search.clone().unwrap_or_default()
                />
            </label>
            <button type="submit" class="button secondary">"Search"</button>
            <label>
                "Type"
                <select name="type" aria-label="Type" on:change=on_type>
                    <option value="" selected=type_value.is_empty()>"All types"</option>
                    {type_options}
                </select>
            </label>
            <label>
                "Status"
                <select name="status" aria-label="Status" on:change=on_status>
                    <option value="" selected=status_value.is_empty()>"Working (active and expired)"</option>
                    {status_options}
                </select>
            </label>
            {hidden}
        </form>
    }
}

/// Keyset paging has no page numbers: the next page continues after the last row shown,
/// and "First page" starts over.
#[component]
pub fn Pager(params: TokenListParams, next_cursor: Option<String>) -> impl IntoView {
    let first = params.after.is_some().then(|| {
        let link = href(&changed(&params, |_| {}));
        view! { <a href=link class="button secondary small">"First page"</a> }
    });
    let next = next_cursor.map(|cursor| {
        let mut next = params.clone();
        next.after = Some(cursor);
        view! { <a href=href(&next) class="button secondary small">"Next page"</a> }
    });
    view! { <nav class="pager" aria-label="Pages">{first}{next}</nav> }
}
