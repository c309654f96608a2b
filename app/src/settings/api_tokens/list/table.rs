//! The token table: sortable headers, one row per token with a select checkbox, and the
//! row's Revoke button.

use chrono::{DateTime, Utc};
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use tollgate::model::{
    AdminPermission, SortColumn, SortDirection, TokenListParams, TokenStatus, TokenView,
    format_time,
};

use super::query::{changed, current_sort, href, toggled_sort};
use super::selection::Selection;
use crate::components::{DeniedButton, denial, use_hydrated, use_signed_in};

#[component]
pub fn TokenTable(
    tokens: Vec<TokenView>,
    params: TokenListParams,
    selection: RwSignal<Selection>,
    to_revoke: RwSignal<Option<TokenView>>,
) -> impl IntoView {
    let now = Utc::now();
    // Revoked tokens can't be revoked again, so they can't be selected either.
    let selectable: Vec<i64> = tokens
        .iter()
        .filter(|t| t.revoked_at.is_none())
        .map(|t| t.id)
        .collect();
    let all_rows = selectable.clone();
    let all_selected = move || {
        selection.with(|s| !all_rows.is_empty() && all_rows.iter().all(|id| s.contains(*id)))
    };
    let some_selected = move || selection.with(|s| !s.is_empty());
    let header_rows = selectable.clone();
    let select_all = (!selectable.is_empty()).then(|| {
        view! {
            <input
                type="checkbox"
                aria-label="Select all on this page"
                prop:checked=all_selected.clone()
                prop:indeterminate=move || some_selected() && !all_selected()
                on:change=move |event| {
                    let checked = event_target_checked(&event);
                    selection.update(|s| s.set_all(&header_rows, checked));
                }
            />
        }
    });

    let rows = tokens
        .into_iter()
        .map(|token| {
            let index = selectable.iter().position(|id| *id == token.id);
            let rows = selectable.clone();
            view! { <TokenRow token now index rows selection to_revoke /> }
        })
        .collect_view();

    let sort = current_sort(&params);
    let header = move |label: &'static str, column: SortColumn| {
        let active = sort.column == column;
        let aria_sort = match (active, sort.direction) {
            (false, _) => "none",
            (true, SortDirection::Asc) => "ascending",
            (true, SortDirection::Desc) => "descending",
        };
        let next = toggled_sort(sort, column).as_param();
        let link = href(&changed(&params, |p| p.sort = Some(next)));
        let arrow = match aria_sort {
            "ascending" => "▲",
            "descending" => "▼",
            _ => "",
        };
        view! {
            <th scope="col" aria-sort=aria_sort>
                <a href=link class="sort">{label}<span aria-hidden="true" class="arrow">{arrow}</span></a>
            </th>
        }
    };

    view! {
        <div class="table-wrap">
            <table class="tokens">
                <thead>
                    <tr>
                        <th scope="col" class="select">{select_all}</th>
                        {header("Name", SortColumn::Name)}
                        <th scope="col">"Description"</th>
                        {header("Type", SortColumn::Type)}
                        <th scope="col">"Token"</th>
                        <th scope="col">"Created by"</th>
                        {header("Created", SortColumn::CreatedAt)}
                        {header("Last used", SortColumn::LastUsedAt)}
                        {header("Expires", SortColumn::ExpiresAt)}
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn TokenRow(
    token: TokenView,
    now: DateTime<Utc>,
    /// The row's place among the selectable rows; `None` for a revoked token.
    index: Option<usize>,
    rows: Vec<i64>,
    selection: RwSignal<Selection>,
    to_revoke: RwSignal<Option<TokenView>>,
) -> impl IntoView {
    let expires = match token.expires_at {
        None => view! { <span>"Never"</span> }.into_any(),
        Some(_) if token.is_expired(now) => {
            view! { <span class="badge danger">"Expired"</span> }.into_any()
        }
        Some(at) => view! { <When at /> }.into_any(),
    };
    let last_used = match token.last_used_at {
        Some(at) => view! { <When at /> }.into_any(),
        None => view! { <span>"Never"</span> }.into_any(),
    };
    let last_ip = token
        .last_used_ip
        .clone()
        .map(|ip| view! { <span class="muted ip">{format!("from {ip}")}</span> });
    let status = match token.status(now) {
        TokenStatus::Active => view! { <span class="badge ok">"Active"</span> }.into_any(),
        TokenStatus::Expired => view! { <span class="badge danger">"Expired"</span> }.into_any(),
        TokenStatus::Revoked => {
            let on = token.revoked_at.map(format_time).unwrap_or_default();
            let by = token
                .revoked_by
                .clone()
                .unwrap_or_else(|| "(removed admin)".into());
            view! { <span>{format!("Revoked on {on} by {by}")}</span> }.into_any()
        }
    };
    let id = token.id;
    let checkbox = index.map(|index| {
        let label = format!("Select {}", token.name);
        view! {
            <input
                type="checkbox"
                aria-label=label
                prop:checked=move || selection.with(|s| s.contains(id))
                on:click=move |event: MouseEvent| {
                    let checked = event_target_checked(&event);
                    // Ctrl/cmd-click toggles one row, like a plain click.
                    selection.update(|s| s.click(&rows, index, checked, event.shift_key()));
                }
            />
        }
    });
    // Presentation only: the server refuses a revoke the role does not allow anyway.
    let cannot_revoke = denial(use_signed_in(), AdminPermission::ApiTokensDelete);
    let hydrated = use_hydrated();
    let revoke = token.revoked_at.is_none().then(|| {
        let label = format!("Revoke {}", token.name);
        let row_token = token.clone();
        match cannot_revoke {
            None => view! {
                <button
                    type="button"
                    class="button danger small"
                    id=format!("revoke-{id}")
                    aria-label=label
                    disabled=move || !hydrated.get()
                    on:click=move |_| to_revoke.set(Some(row_token.clone()))
                >
                    "Revoke"
                </button>
            }
            .into_any(),
            Some(why) => {
                view! { <DeniedButton label="Revoke".to_owned() why class="button danger small" /> }
                    .into_any()
            }
        }
    });
    let selected = move || selection.with(|s| s.contains(id));

    view! {
        <tr class:selected=selected>
            <td class="select">{checkbox}</td>
            <td class="name">
                <a href=crate::paths::token(token.id)>{token.name.clone()}</a>
            </td>
            <td class="description">{token.description.clone()}</td>
            <td><span class="badge">{token.token_type.label()}</span></td>
            <td><code>{token.hint.clone()}</code></td>
            <td>{token.creator_label()}</td>
            <td class="when"><When at=token.created_at /></td>
            <td class="when">{last_used}{last_ip}</td>
            <td class="when">{expires}</td>
            <td class="status">{status}</td>
            <td class="row-actions">{revoke}</td>
        </tr>
    }
}

/// A moment in a table cell, as [`format_time`] writes it. The date and the time may go
/// on two lines, never break inside: that keeps the token table within a laptop's width.
#[component]
fn When(at: DateTime<Utc>) -> impl IntoView {
    let text = format_time(at);
    let (date, time) = text.split_once(' ').unwrap_or((text.as_str(), ""));
    view! {
        <time datetime=at.to_rfc3339()>
            <span class="nowrap">{date.to_owned()}</span>
            " "
            <span class="nowrap">{time.to_owned()}</span>
        </time>
    }
}
