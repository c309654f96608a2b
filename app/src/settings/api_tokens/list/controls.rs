//! Search, filters and paging. Each change is a navigation to the list's new address, so
//! the browser's history and a reload keep the view. Without wasm, the search form is a
//! plain GET form and the pager plain links, so they work before hydration too.
//!
//! The controls are drawn once and follow the address (Back, "Clear filters"): a search
//! typed here updates the results underneath without the box losing focus or letters.

use std::time::Duration;

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use tollgate::model::{
    LEAKED_STATUS, LEAKED_STATUS_LABEL, PolicyFilter, TokenListParams, TokenStatus, TokenType,
    UnusedFor,
};

use super::query::{TOKENS_PATH, changed, href};
use super::review::{CreatorSelect, ExportLinks};

/// How long typing must pause before the list searches: one request per word, not per key.
const SEARCH_DELAY: Duration = Duration::from_millis(300);

/// What the status filter shows when none is chosen: every token that may still be in
/// use somewhere. Expired tokens are included (they no longer work, but nobody revoked them).
pub const DEFAULT_STATUS_LABEL: &str = "Not revoked";

#[component]
pub fn ListControls(params: Memo<TokenListParams>) -> impl IntoView {
    let navigate = use_navigate();
    // A filter chosen or a search sent is a step in history; each pause while typing
    // replaces the address, so Back does not replay every word.
    let go = move |next: TokenListParams, replace: bool| {
        let options = NavigateOptions {
            replace,
            ..NavigateOptions::default()
        };
        navigate(&href(&next), options);
    };
    let search_ref = NodeRef::<html::Input>::new();
    let type_ref = NodeRef::<html::Select>::new();
    let status_ref = NodeRef::<html::Select>::new();
    let policy_ref = NodeRef::<html::Select>::new();
    let unused_ref = NodeRef::<html::Select>::new();
    let creator_ref = NodeRef::<html::Select>::new();
    let pending_search = StoredValue::new(None::<TimeoutHandle>);
    let cancel_pending = move || {
        if let Some(Some(handle)) = pending_search.try_get_value() {
            handle.clear();
        }
        let _ = pending_search.try_set_value(None);
    };
    // A search still waiting when the list goes away is dropped with it.
    on_cleanup(cancel_pending);
    let search_with = {
        let go = go.clone();
        move |text: String, replace: bool| {
            if let Some(params) = params.try_get_untracked() {
                go(changed(&params, |p| p.search = Some(text)), replace);
            }
        }
    };

    let on_submit = {
        let search_with = search_with.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            cancel_pending();
            if let Some(input) = search_ref.get() {
                search_with(input.value(), false);
            }
        }
    };
    let on_input = move |_| {
        cancel_pending();
        let search_with = search_with.clone();
        let handle = set_timeout_with_handle(
            move || {
                if let Some(input) = search_ref.get_untracked() {
                    search_with(input.value(), true);
                }
            },
            SEARCH_DELAY,
        );
        pending_search.set_value(handle.ok());
    };
    let on_type = {
        let go = go.clone();
        move |event| {
            let value = event_target_value(&event);
            go(
                changed(&params.get_untracked(), |p| p.token_type = Some(value)),
                false,
            );
        }
    };
    let on_status = {
        let go = go.clone();
        move |event| {
            let value = event_target_value(&event);
            go(
                changed(&params.get_untracked(), |p| p.status = Some(value)),
                false,
            );
        }
    };
    let on_policy = {
        let go = go.clone();
        move |event| {
            let value = event_target_value(&event);
            go(
                changed(&params.get_untracked(), |p| p.policy = Some(value)),
                false,
            );
        }
    };
    let on_unused = {
        let go = go.clone();
        move |event| {
            let value = event_target_value(&event);
            go(
                changed(&params.get_untracked(), |p| p.unused = Some(value)),
                false,
            );
        }
    };
    let on_creator = Callback::new(move |value: String| {
        go(
            changed(&params.get_untracked(), |p| p.created_by = Some(value)),
            false,
        );
    });

    // Back, a link or "Clear filters" changed the address: the controls show it. A search
    // box that already says the same (give or take the spaces the address drops) is left
    // alone, so typing is never overwritten.
    Effect::new(move |_| {
        let params = params.get();
        if let Some(input) = search_ref.get() {
            let wanted = params.search.clone().unwrap_or_default();
            if input.value().trim() != wanted.trim() {
                input.set_value(&wanted);
            }
        }
        if let Some(select) = type_ref.get() {
            select.set_value(params.token_type.as_deref().unwrap_or_default());
        }
        if let Some(select) = status_ref.get() {
            select.set_value(params.status.as_deref().unwrap_or_default());
        }
        if let Some(select) = policy_ref.get() {
            select.set_value(params.policy.as_deref().unwrap_or_default());
        }
        if let Some(select) = unused_ref.get() {
            select.set_value(params.unused.as_deref().unwrap_or_default());
        }
        if let Some(select) = creator_ref.get() {
            select.set_value(params.created_by.as_deref().unwrap_or_default());
        }
    });

    let chosen = move |pick: fn(&TokenListParams) -> &Option<String>| {
        params.with_untracked(|p| pick(p).clone().unwrap_or_default())
    };
    let type_value = chosen(|p| &p.token_type);
    let status_value = chosen(|p| &p.status);
    let policy_value = chosen(|p| &p.policy);
    let unused_value = chosen(|p| &p.unused);
    let type_options = TokenType::ALL.map(|t| {
        view! { <option value=t.as_str() selected=type_value == t.as_str()>{t.label()}</option> }
    });
    let status_options = TokenStatus::ALL.map(|s| {
        let label = s.label();
        view! { <option value=s.as_str() selected=status_value == s.as_str()>{label}</option> }
    });
    let leaked_option = view! {
        <option value=LEAKED_STATUS selected=status_value == LEAKED_STATUS>{LEAKED_STATUS_LABEL}</option>
    };
    let policy_options = PolicyFilter::ALL.map(|p| {
        view! { <option value=p.as_str() selected=policy_value == p.as_str()>{p.label()}</option> }
    });
    let unused_options = UnusedFor::ALL.map(|u| {
        view! { <option value=u.as_str() selected=unused_value == u.as_str()>{u.label()}</option> }
    });
    // Sort and page size ride along when the form is submitted without wasm; an empty one
    // is left out of the address.
    let hidden = move |name: &'static str, pick: fn(&TokenListParams) -> &Option<String>| {
        let value = move || params.with(|p| pick(p).clone().unwrap_or_default());
        view! {
            <input type="hidden" name=name value=value disabled=move || value().is_empty() />
        }
    };

    view! {
        <form class="list-controls" role="search" method="get" action=TOKENS_PATH on:submit=on_submit>
            <label>
                "Search"
                <input
                    type="search"
                    id="token-search"
                    name="search"
                    aria-label="Search tokens"
                    placeholder="Name or description"
                    maxlength="100"
                    node_ref=search_ref
                    value=chosen(|p| &p.search)
                    on:input=on_input
                />
            </label>
            <button type="submit" class="button secondary">"Search"</button>
            <label>
                "Type"
                <select name="type" aria-label="Type" node_ref=type_ref on:change=on_type>
                    <option value="" selected=type_value.is_empty()>"All types"</option>
                    {type_options}
                </select>
            </label>
            <label>
                "Status"
                <select name="status" aria-label="Status" node_ref=status_ref on:change=on_status>
                    <option value="" selected=status_value.is_empty()>{DEFAULT_STATUS_LABEL}</option>
                    {status_options}
                    {leaked_option}
                </select>
            </label>
            <label>
                "Policy"
                <select name="policy" aria-label="Policy" node_ref=policy_ref on:change=on_policy>
                    <option value="" selected=policy_value.is_empty()>"Any"</option>
                    {policy_options}
                </select>
            </label>
            <label>
                "Last used"
                <select name="unused" aria-label="Last used" node_ref=unused_ref on:change=on_unused>
                    <option value="" selected=unused_value.is_empty()>"Any time"</option>
                    {unused_options}
                </select>
            </label>
            <CreatorSelect params node_ref=creator_ref on_change=on_creator />
            {hidden("sort", |p| &p.sort)}
            {hidden("limit", |p| &p.limit)}
            <ExportLinks params />
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
