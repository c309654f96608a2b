use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use tollgate::model::{AdminPermission, TokenView, format_time};

use crate::Revealed;
use crate::api::{list_tokens, revoke_token};
use crate::components::{
    AdminShell, ConfirmDialog, DeniedButton, RevealBanner, denial, use_signed_in,
};

/// Settings > API Tokens: the list, the one-time reveal of a new token, and revoke.
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
    let version = RwSignal::new(0u32);
    let tokens = Resource::new(move || version.get(), |_| list_tokens());
    let to_revoke = RwSignal::new(None::<TokenView>);

    view! {
        <div class="page-header">
            <div>
                <h1>"API Tokens"</h1>
                <p class="muted">
                    "Tokens let scripts, CI jobs and partners call the API. Each has a type that limits what it may do, and an expiry."
                </p>
            </div>
            <button type="button" class="button secondary" on:click=move |_| version.update(|v| *v += 1)>
                "Refresh"
            </button>
        </div>
        {move || revealed.get().map(|created| view! { <RevealBanner created /> })}
        <Transition fallback=|| view! { <p class="loading">"Loading tokens…"</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(list) if list.is_empty() => view! { <EmptyState /> }.into_any(),
                    Ok(list) => view! { <TokenTable tokens=list to_revoke /> }.into_any(),
                    Err(error) => view! { <p role="alert" class="alert error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        {move || to_revoke.get().map(|token| view! { <RevokeDialog token to_revoke version /> })}
    }
}

/// "Create new API token", or the same button disabled with the reason for roles that
/// may not create tokens.
#[component]
fn CreateButton() -> impl IntoView {
    const LABEL: &str = "Create new API token";
    let admin = use_signed_in();
    move || match denial(admin, AdminPermission::ApiTokensCreate) {
        None => {
            view! { <A href="/settings/api-tokens/new" attr:class="button primary">{LABEL}</A> }
                .into_any()
        }
        Some(why) => {
            view! { <DeniedButton label=LABEL.to_owned() why class="button primary" /> }.into_any()
        }
    }
}

#[component]
fn EmptyState() -> impl IntoView {
    view! {
        <section class="card empty">
            <h2>"You have no API tokens yet"</h2>
            <p class="muted">
                "An API token lets a script or service call the API without a password. You choose what it may do and how long it lives; its value is shown once, when you create it."
            </p>
            <CreateButton />
        </section>
    }
}

#[component]
fn TokenTable(tokens: Vec<TokenView>, to_revoke: RwSignal<Option<TokenView>>) -> impl IntoView {
    let now = Utc::now();
    let cannot_revoke = denial(use_signed_in(), AdminPermission::ApiTokensDelete);
    let rows = tokens
        .into_iter()
        .map(|token| {
            let expires = match token.expires_at {
                None => view! { <span>"Never"</span> }.into_any(),
                Some(_) if token.is_expired(now) => {
                    view! { <span class="badge danger">"Expired"</span> }.into_any()
                }
                Some(at) => view! { <span>{format_time(at)}</span> }.into_any(),
            };
            let last_used = token
                .last_used_at
                .map_or_else(|| "Never".to_owned(), format_time);
            let last_ip = token
                .last_used_ip
                .clone()
                .map(|ip| view! { <span class="muted ip">{format!("from {ip}")}</span> });
            let revoke_label = format!("Revoke {}", token.name);
            let row_token = token.clone();
            let revoke = match cannot_revoke.clone() {
                None => view! {
                    <button
                        type="button"
                        class="button danger small"
                        aria-label=revoke_label
                        on:click=move |_| to_revoke.set(Some(row_token.clone()))
                    >
                        "Revoke"
                    </button>
                }
                .into_any(),
                Some(why) => view! { <DeniedButton label="Revoke".to_owned() why class="button danger small" /> }
                    .into_any(),
            };
            let created_by = token.creator_label();
            view! {
                <tr>
                    <td class="name">
                        <A href=format!("/settings/api-tokens/{}", token.id)>{token.name.clone()}</A>
                    </td>
                    <td class="description">{token.description.clone()}</td>
                    <td><span class="badge">{token.token_type.label()}</span></td>
                    <td><code>{token.hint.clone()}</code></td>
                    <td>{created_by}</td>
                    <td class="when">{format_time(token.created_at)}</td>
                    <td class="when">{last_used}{last_ip}</td>
                    <td class="when">{expires}</td>
                    <td class="row-actions">{revoke}</td>
                </tr>
            }
        })
        .collect_view();

    view! {
        <div class="toolbar">
            <CreateButton />
        </div>
        <div class="table-wrap">
            <table class="tokens">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Token"</th>
                        <th scope="col">"Created by"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn RevokeDialog(
    token: TokenView,
    to_revoke: RwSignal<Option<TokenView>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let revoke = Action::new(|id: &i64| revoke_token(*id));
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            to_revoke.set(None);
            version.update(|v| *v += 1);
        }
    });
    let id = token.id;
    view! {
        <ConfirmDialog
            title=format!("Revoke {}?", token.name)
            message="Requests using this token will be refused immediately. This cannot be undone."
            confirm_label="Revoke"
            on_confirm=Callback::new(move |()| { revoke.dispatch(id); })
            on_cancel=Callback::new(move |()| to_revoke.set(None))
            pending=revoke.pending()
            error=Signal::derive(move || revoke.value().get().and_then(Result::err).map(|e| e.to_string()))
        />
    }
}
