//! Settings > API Tokens: the list (search, filters, sort and keyset pages, all kept in the
//! URL), the one-time reveal of a new token, revoking one token or several, and
//! suspending several.
//!
//! The search and filters are drawn once, outside the list's `Transition`: a new page of
//! results replaces the table, never the search box being typed in.

mod auto_refresh;
mod bulk_suspend;
mod controls;
mod query;
mod review;
mod selection;
pub mod server_fns;
mod table;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_query_map};
use tollgate::model::{AdminPermission, TokenListParams, TokenPage, TokenView};

use super::list_token_page;
use super::revoke::{Chosen, RevokeConfirmation, RevokeFlow, RevokeOutcomeMessage};
use crate::Revealed;
use crate::components::{
    AdminShell, DeniedButton, RevealBanner, denial, use_hydrated, use_signed_in,
};
use crate::error::AppError;
use auto_refresh::refresh_while_visible;
use bulk_suspend::{BulkSuspendDialog, BulkSuspendFlow, BulkSuspendOutcome};
use controls::{ListControls, Pager};
use query::{TOKENS_PATH, cleared, href, is_filtered, params_from};
use selection::Selection;
use server_fns::{ListClock, token_list_clock};
use table::TokenTable;

#[component]
pub fn TokensPage() -> impl IntoView {
    view! {
        <Title text="API Tokens" />
        <AdminShell>
            <TokenList />
        </AdminShell>
    }
}

#[component]
fn TokenList() -> impl IntoView {
    let Revealed(revealed) = expect_context::<Revealed>();
    // Leaving the page forgets the value for good.
    on_cleanup(move || revealed.set(None));

    let hydrated = use_hydrated();

    let query = use_query_map();
    let location = use_location();
    // Following a link to another page changes the query as well; the list must not
    // refetch (and re-render) for a URL that is no longer its own while the route changes.
    let params = Memo::new(move |previous: Option<&TokenListParams>| match previous {
        Some(previous) if location.pathname.with(|path| path != TOKENS_PATH) => previous.clone(),
        _ => query.with(params_from),
    });
    let version = RwSignal::new(0u32);
    // The page comes back with the parameters that produced it, so what is drawn (sort
    // arrows, pager links) always matches the rows.
    let page = Resource::new(
        move || (params.get(), version.get()),
        |(params, _)| async move {
            let page = list_token_page(params.clone()).await;
            (params, page)
        },
    );

    // Fetched once: the server's time, so relative times hydrate to the words the server
    // wrote, and how often the list refreshes itself.
    let clock = Resource::new(|| (), |()| token_list_clock());

    // A selection belongs to the page it was made on: another page, filter or a refresh
    // starts afresh.
    let selection = RwSignal::new(Selection::default());
    Effect::new(move |_| {
        params.track();
        version.track();
        selection.set(Selection::default());
    });

    // A row's Revoke asks through `to_revoke`; it and "Revoke selected" both start the one
    // revoke flow (password first if due, then the confirmation, then the message).
    let revoke = RevokeFlow::new(Callback::new(move |()| version.update(|v| *v += 1)));
    let to_revoke = RwSignal::new(None::<TokenView>);
    Effect::new(move |_| {
        if let Some(token) = to_revoke.get() {
            to_revoke.set(None);
            revoke.one(token.id, token.name);
        }
    });
    let open_bulk = Callback::new(move |chosen: Chosen| revoke.many(chosen));
    let suspend = BulkSuspendFlow::new(Callback::new(move |()| version.update(|v| *v += 1)));
    let open_bulk_suspend = Callback::new(move |chosen: Chosen| suspend.open(chosen));
    refresh_while_visible(page, params, clock, selection);

    view! {
        <div class="page-header">
            <div>
                <h1>"API Tokens"</h1>
                <p class="muted">
                    "Tokens let scripts, CI jobs and partners call the API. Each has a type that limits what it may do, and an expiry."
                </p>
            </div>
            <div class="toolbar page-actions">
                <button
                    type="button"
                    id="refresh-tokens"
                    class="button secondary"
                    disabled=move || !hydrated.get()
                    on:click=move |_| version.update(|v| *v += 1)
                >
                    "Refresh"
                </button>
                <CreateButton />
            </div>
        </div>
        {move || revealed.get().map(|created| view! { <RevealBanner created /> })}
        <RevokeOutcomeMessage flow=revoke />
        <BulkSuspendOutcome flow=suspend />
        <ListControls params />
        <Transition fallback=|| view! { <p class="loading">"Loading tokens…"</p> }>
            {move || Suspend::new(async move {
                let (params, page) = page.await;
                // The server's time for the render that hydrates; the browser's after that.
                let now = if hydrated.get_untracked() {
                    Utc::now()
                } else {
                    clock.await.map_or_else(|_| Utc::now(), |clock: ListClock| clock.now)
                };
                match page {
                    Ok(page) => view! { <ListView params page now selection to_revoke open_bulk open_bulk_suspend /> }.into_any(),
                    Err(error) => view! { <ListError error /> }.into_any(),
                }
            })}
        </Transition>
        <RevokeConfirmation flow=revoke />
        <BulkSuspendDialog flow=suspend />
    }
}

#[component]
fn ListView(
    params: TokenListParams,
    page: TokenPage,
    /// The server's time when the page was fetched: what relative times start from.
    now: DateTime<Utc>,
    selection: RwSignal<Selection>,
    to_revoke: RwSignal<Option<TokenView>>,
    open_bulk: Callback<Chosen>,
    open_bulk_suspend: Callback<Chosen>,
) -> impl IntoView {
    // The policy the rows were judged by: the "Outside policy" badges' reasons.
    let TokenPage {
        data,
        next_cursor,
        policy,
    } = page;
    if data.is_empty() && !is_filtered(&params) && params.after.is_none() {
        return view! { <EmptyState /> }.into_any();
    }
    if data.is_empty() {
        view! {
            <section class="card empty">
                <h2>"No tokens match these filters"</h2>
                <a href=href(&cleared(&params)) class="button secondary">"Clear filters"</a>
            </section>
        }
        .into_any()
    } else {
        let chosen_names: Vec<(i64, String)> = data
            .iter()
            .filter(|t| t.revoked_at.is_none())
            .map(|t| (t.id, t.name.clone()))
            .collect();
        let has_selectable = !chosen_names.is_empty();
        let count = move || selection.with(Selection::len);
        let hydrated = use_hydrated();
        // The selected rows' ids and names, in the order shown.
        let chosen = StoredValue::new(chosen_names);
        let selected_rows = move || {
            selection.with_untracked(|s| {
                chosen.with_value(|rows| {
                    rows.iter()
                        .filter(|(id, _)| s.contains(*id))
                        .cloned()
                        .collect::<Vec<_>>()
                })
            })
        };
        let on_bulk = move |_| {
            let chosen = selected_rows();
            if !chosen.is_empty() {
                open_bulk.run(chosen);
            }
        };
        let on_bulk_suspend = move |_| open_bulk_suspend.run(selected_rows());
        // Presentation only: the server refuses a suspend the role does not allow anyway.
        let suspend_button = match denial(use_signed_in(), AdminPermission::ApiTokensUpdate) {
            None => view! {
                <button
                    type="button"
                    id="suspend-selected"
                    class="button secondary small"
                    disabled=move || !hydrated.get() || count() == 0
                    on:click=on_bulk_suspend
                >
                    {move || format!("Suspend selected ({})", count())}
                </button>
            }
            .into_any(),
            Some(why) => view! {
                <DeniedButton label="Suspend selected".to_owned() why class="button secondary small" />
            }
            .into_any(),
        };
        // Only a selection has something to revoke or suspend: until then the bar is not there.
        view! {
            {has_selectable.then(|| view! {
                <div class="bulk-bar" hidden=move || count() == 0>
                    <button
                        type="button"
                        id="revoke-selected"
                        class="button danger small"
                        disabled=move || !hydrated.get() || count() == 0
                        on:click=on_bulk
                    >
                        {move || format!("Revoke selected ({})", count())}
                    </button>
                    {suspend_button}
                </div>
            })}
            <TokenTable tokens=data params=params.clone() now policy selection to_revoke />
            <Pager params next_cursor />
        }
        .into_any()
    }
}

/// A refused query (a hand-edited URL): say which parameter and offer the plain list.
#[component]
fn ListError(error: AppError) -> impl IntoView {
    let fields = error
        .field_errors()
        .iter()
        .map(|f| view! { <li>{format!("{}: {}", f.field, f.message)}</li> })
        .collect_view();
    view! {
        <div role="alert" class="alert error">
            <p>{error.to_string()}</p>
            <ul>{fields}</ul>
        </div>
        <a href=href(&TokenListParams::default()) class="button secondary">"Clear filters"</a>
    }
}

/// "Create new API token", or the same button disabled with the reason for roles that
/// may not create tokens.
#[component]
fn CreateButton() -> impl IntoView {
    const LABEL: &str = "Create new API token";
    let admin = use_signed_in();
    move || match denial(admin, AdminPermission::ApiTokensCreate) {
        None => view! { <A href=crate::paths::NEW_TOKEN attr:class="button primary">{LABEL}</A> }
            .into_any(),
        Some(why) => {
            view! { <DeniedButton label=LABEL.to_owned() why class="button primary" /> }.into_any()
        }
    }
}

#[component]
fn EmptyState() -> impl IntoView {
    view! {
        <section class="card empty no-tokens-yet">
            <h2>"You have no API tokens yet"</h2>
            <p class="muted">
                "An API token lets a script or service call the API without a password. You choose what it may do and how long it lives; its value is shown once, when you create it."
            </p>
            <CreateButton />
        </section>
    }
}
