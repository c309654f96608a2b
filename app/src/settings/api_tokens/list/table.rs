//! The token table: sortable headers, one row per token with a select checkbox, its
//! restrictions in short under its status (and "Outside policy" when the token policy
//! would not allow its expiry today), and the row's Revoke button. Times read "2 minutes
//! ago" (the exact time on hover); a token that expires within a week says so in amber. On a phone the same markup is laid out as one
//! card per token, each cell labelled by its `data-label` (style/main.css).

use chrono::{DateTime, Duration, Utc};
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use tollgate::model::{
    AdminPermission, Restrictions, SortColumn, SortDirection, TokenListParams, TokenStatus,
    TokenView, format_time,
};
use tollgate::policy::TokenPolicy;

use super::super::policy_badge::OutsidePolicyBadge;
use super::query::{changed, current_sort, href, toggled_sort};
use super::selection::Selection;
use crate::Revealed;
use crate::components::{Clock, DeniedButton, RelativeTime, denial, use_hydrated, use_signed_in};

/// A token this close to its expiry gets the amber "expires in …" chip.
const EXPIRY_WARNING: Duration = Duration::days(7);

#[component]
pub fn TokenTable(
    tokens: Vec<TokenView>,
    params: TokenListParams,
    /// The server's time when the page was fetched. Statuses are judged by it, and the
    /// relative times start from it, so the hydrated table matches the server's.
    now: DateTime<Utc>,
    /// The policy the rows were judged by, for the "Outside policy" badges' reasons.
    policy: TokenPolicy,
    selection: RwSignal<Selection>,
    to_revoke: RwSignal<Option<TokenView>>,
) -> impl IntoView {
    let clock = Clock::starting_at(now);
    let hydrated = use_hydrated();
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
                id="select-all-tokens"
                aria-label="Select all on this page"
                disabled=move || !hydrated.get()
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
            let policy = policy.clone();
            view! { <TokenRow token now clock policy index rows selection to_revoke /> }
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
            <th scope="col" class="sortable" aria-sort=aria_sort>
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
    clock: Clock,
    policy: TokenPolicy,
    /// The row's place among the selectable rows; `None` for a revoked token.
    index: Option<usize>,
    rows: Vec<i64>,
    selection: RwSignal<Selection>,
    to_revoke: RwSignal<Option<TokenView>>,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let now_ticking = clock.now();
    let expires = match token.expires_at {
        None => view! { <span>"Never"</span> }.into_any(),
        Some(_) if token.is_expired(now) => {
            view! { <span class="badge danger">"Expired"</span> }.into_any()
        }
        Some(at) if at - now <= EXPIRY_WARNING => {
            view! { <ExpiresSoon at now=now_ticking /> }.into_any()
        }
        Some(at) => view! { <RelativeTime at now=now_ticking /> }.into_any(),
    };
    let last_used = match token.last_used_at {
        Some(at) => view! { <RelativeTime at now=now_ticking /> }.into_any(),
        None => view! { <span>"Never"</span> }.into_any(),
    };
    let last_ip = token
        .last_used_ip
        .clone()
        .map(|ip| view! { <span class="muted ip">{format!("from {ip}")}</span> });
    let status = match token.status(now) {
        TokenStatus::Active => view! { <span class="badge ok">"Active"</span> }.into_any(),
        TokenStatus::Suspended => {
            // Why, on hover: the token's page says it in full.
            let why = token
                .suspended
                .as_ref()
                .map(|s| s.reason.clone())
                .filter(|reason| !reason.trim().is_empty());
            view! { <span class="badge warn" title=why>"Suspended"</span> }.into_any()
        }
        TokenStatus::Expired => view! { <span class="badge danger">"Expired"</span> }.into_any(),
        TokenStatus::Revoked => {
            let on = token.revoked_at.map(format_time).unwrap_or_default();
            let how = token.revocation_label().unwrap_or_default();
            view! { <span>{format!("Revoked on {on} {how}")}</span> }.into_any()
        }
    };
    let id = token.id;
    let checkbox = index.map(|index| {
        let label = format!("Select {}", token.name);
        view! {
            <input
                type="checkbox"
                id=format!("select-token-{id}")
                aria-label=label
                disabled=move || !hydrated.get()
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
    // The token just created (its value is in the reveal above): its row stands out.
    let Revealed(revealed) = expect_context::<Revealed>();
    let just_created = move || revealed.with(|r| r.as_ref().is_some_and(|c| c.token.id == id));
    let description = token.description.clone();
    let no_description = description.is_empty();

    // `tabindex="-1"`: the reveal's "Done" moves focus to the new token's row.
    view! {
        <tr id=format!("token-{id}") tabindex="-1" class:selected=selected class:just-created=just_created>
            <td class="select">{checkbox}</td>
            <td class="name">
                <a href=crate::paths::token(token.id) title=token.name.clone()>{token.name.clone()}</a>
            </td>
            <td class="description" data-label="Description" class:blank=no_description>{description}</td>
            <td data-label="Type"><span class="badge">{token.token_type.label()}</span></td>
            <td data-label="Token"><code>{token.hint.clone()}</code></td>
            <td data-label="Created by">{token.creator_label()}</td>
            <td class="when" data-label="Created"><RelativeTime at=token.created_at now=now_ticking /></td>
            <td class="when" data-label="Last used">{last_used}{last_ip}</td>
            <td class="when" data-label="Expires">{expires}</td>
            // Under the status rather than in a column of their own: the table already
            // takes a 1280 px screen's width, and how a token may be used is part of how
            // it works now.
            <td class="status" data-label="Status">
                {status}
                <OutsidePolicyBadge outside=token.outside_policy expires_at=token.expires_at policy=Some(policy) />
                <RestrictionChips restrictions=token.restrictions.clone() />
            </td>
            <td class="row-actions">{revoke}</td>
        </tr>
    }
}

/// A token's restrictions in a few words each (`2 networks`, `100/min`, `quota 1000/day`);
/// nothing for a token without any, so an unrestricted row reads just "Active".
#[component]
fn RestrictionChips(restrictions: Restrictions) -> impl IntoView {
    let parts = restrictions.summary();
    if parts.is_empty() {
        return ().into_any();
    }
    let chips = parts
        .into_iter()
        .map(|part| view! { <li class="chip restriction">{part}</li> })
        .collect_view();
    view! {
        <span class="sr-only">"Restrictions:"</span>
        <ul class="restriction-chips" data-testid="restriction-chips">{chips}</ul>
    }
    .into_any()
}

/// The amber chip of a token that expires within [`EXPIRY_WARNING`]: "expires in 6 days",
/// the exact time on hover.
#[component]
fn ExpiresSoon(at: DateTime<Utc>, now: Signal<DateTime<Utc>>) -> impl IntoView {
    view! {
        <span class="chip expiring">"expires "<RelativeTime at now /></span>
    }
}
