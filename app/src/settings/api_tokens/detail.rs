//! Settings > API Tokens > one token: what it is, its status, how much it was used lately,
//! and what can be done to it (edit, copy, regenerate, revoke).

mod usage_chart;

use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use tollgate::model::{
    AdminPermission, CreatedToken, TokenDetails, TokenStatus, TokenView, USAGE_DAYS, format_time,
};

use super::edit::SavedNotice;
use super::revoke::{RevokeConfirmation, RevokeFlow, RevokeOutcomeMessage};
use super::{get_token_details, handed_over_token, regenerate_token, route_id};
use crate::components::{
    AdminShell, ConfirmDialog, DeniedButton, FocusReturn, RevealBanner, confirm_password_first,
    confirmed_action, denial, use_hydrated, use_signed_in,
};
use crate::error::AppError;
use crate::paths;
use usage_chart::UsageChart;

#[component]
pub fn TokenDetailsPage() -> impl IntoView {
    view! {
        <Title text="API token" />
        <AdminShell>
            <TokenDetailsView />
        </AdminShell>
    }
}

#[component]
fn TokenDetailsView() -> impl IntoView {
    let id = route_id();
    let details = Resource::new(id.clone(), |id| async move {
        match id {
            Some(id) => get_token_details(id).await,
            None => Err(AppError::NotFound("token".into())),
        }
    });
    // A token just created by a form posted without JavaScript: its value, this once (the
    // server hands it to this page's first render only, and marks the page no-store).
    let handed_over = Resource::new(id, |id| async move {
        match id {
            Some(id) => handed_over_token(id).await,
            None => Ok(None),
        }
    });
    // The regenerated value lives only here, in this tab: leaving the page drops it.
    let revealed = RwSignal::new(None::<CreatedToken>);
    let asking = RwSignal::new(false);
    let regenerate = confirmed_action(regenerate_token);
    let regenerate_opener = FocusReturn::new();
    Effect::new(move |_| {
        if let Some(Ok(created)) = regenerate.value().get() {
            // Moved out of the action so the secret is held in one place only.
            regenerate.value().set(None);
            asking.set(false);
            revealed.set(Some(created));
            details.refetch();
        }
    });
    let dialog_error = Signal::derive(move || {
        regenerate
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.explain())
    });
    // Password first when it is due, then the question: never halfway through.
    let open_dialog = Callback::new(move |()| {
        if asking.get_untracked() {
            return;
        }
        regenerate_opener.remember();
        regenerate.value().set(None);
        spawn_local(async move {
            if confirm_password_first().await {
                asking.set(true);
            }
        });
    });
    // Revoking shows its message above the page, which then shows the revoked token.
    let revoke = RevokeFlow::new(Callback::new(move |()| details.refetch()));

    view! {
        <A href=paths::TOKENS attr:class="back">"← API Tokens"</A>
        <RevokeOutcomeMessage flow=revoke />
        <SavedNotice />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                handed_over.await.ok().flatten().map(|created| view! { <RevealBanner created /> })
            })}
        </Suspense>
        {move || revealed.get().map(|created| view! { <RevealBanner created verb="regenerated" /> })}
        <Transition fallback=|| view! { <p class="loading">"Loading the token…"</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(details) => {
                        let id = details.token.id;
                        let title = format!("Regenerate “{}”?", details.token.name);
                        view! {
                            <TokenSummary details on_regenerate=open_dialog revoke />
                            <Show when=move || asking.get()>
                                <ConfirmDialog
                                    title=title.clone()
                                    message="A new value replaces the current one, which is refused from its very next request. Update every script that uses it."
                                    confirm_label="Regenerate"
                                    on_confirm=Callback::new(move |()| { regenerate.dispatch(id); })
                                    on_cancel=Callback::new(move |()| asking.set(false))
                                    pending=regenerate.pending()
                                    error=dialog_error
                                    opener=regenerate_opener
                                />
                            </Show>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <p role="alert" class="alert error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        <RevokeConfirmation flow=revoke />
    }
    .into_any()
}

/// "Active", "Suspended", "Expired" or "Revoked", by the title.
#[component]
fn StatusBadge(token: TokenView) -> impl IntoView {
    let status = token.status(Utc::now());
    let class = match status {
        TokenStatus::Active => "badge ok",
        TokenStatus::Suspended => "badge warn",
        TokenStatus::Expired | TokenStatus::Revoked => "badge danger",
    };
    view! { <span class=class data-testid="token-status">{status.label()}</span> }
}

/// Edit, Regenerate and Revoke: only for a token that still works, each shown disabled
/// with the reason for roles that may not. Regenerate and Revoke need JavaScript (their
/// confirmations are dialogs), so they wait for it.
#[component]
fn ChangeActions(
    token: TokenView,
    on_regenerate: Callback<()>,
    revoke: RevokeFlow,
) -> impl IntoView {
    let admin = use_signed_in();
    let hydrated = use_hydrated();
    let edit = match denial(admin, AdminPermission::ApiTokensUpdate) {
        None => {
            let edit_href = paths::edit_token(token.id);
            view! { <A href=edit_href attr:class="button secondary">"Edit"</A> }.into_any()
        }
        Some(why) => view! { <DeniedButton label="Edit".to_owned() why /> }.into_any(),
    };
    let regenerate = match denial(admin, AdminPermission::ApiTokensRegenerate) {
        None => view! {
            <button
                type="button"
                id="regenerate"
                class="button danger"
                disabled=move || !hydrated.get()
                on:click=move |_| on_regenerate.run(())
            >
                "Regenerate"
            </button>
        }
        .into_any(),
        Some(why) => {
            view! { <DeniedButton label="Regenerate".to_owned() why class="button danger" /> }
                .into_any()
        }
    };
    let revoke_button = match denial(admin, AdminPermission::ApiTokensDelete) {
        None => {
            let (id, name) = (token.id, token.name.clone());
            view! {
                <button
                    type="button"
                    id=format!("revoke-{id}")
                    class="button danger"
                    disabled=move || !hydrated.get()
                    on:click=move |_| revoke.one(id, name.clone())
                >
                    "Revoke"
                </button>
            }
            .into_any()
        }
        Some(why) => view! { <DeniedButton label="Revoke".to_owned() why class="button danger" /> }
            .into_any(),
    };
    view! { {edit} {regenerate} {revoke_button} }
}

#[component]
fn TokenSummary(
    details: TokenDetails,
    on_regenerate: Callback<()>,
    revoke: RevokeFlow,
) -> impl IntoView {
    let TokenDetails { token, usage, .. } = details;
    let never = || "Never".to_owned();
    let last_used = match (token.last_used_at, &token.last_used_ip) {
        (Some(at), Some(ip)) => format!("{} from {ip}", format_time(at)),
        (Some(at), None) => format_time(at),
        (None, _) => never(),
    };
    let permissions = if token.permissions.is_empty() {
        format!(
            "Everything a {} token may do",
            token.token_type.label().to_lowercase()
        )
    } else {
        token
            .permissions
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    // Presentation only: each server function checks the role again.
    let admin = use_signed_in();
    let history = admin
        .get_untracked()
        .is_some_and(|admin| admin.can(AdminPermission::AuditRead))
        .then(|| {
            let href = paths::audit_log_of_token(token.id);
            view! {
                <dt>"History"</dt>
                <dd><A href=href>"Audit log for this token"</A></dd>
            }
        });
    let copy = match denial(admin, AdminPermission::ApiTokensCreate) {
        None => {
            let copy_href = paths::copy_token(token.id);
            view! { <A href=copy_href attr:class="button secondary">"Copy as new"</A> }.into_any()
        }
        Some(why) => view! { <DeniedButton label="Copy as new".to_owned() why /> }.into_any(),
    };
    // A revoked token can't change or get a new value; it shows who ended it instead.
    let working = token.revoked_at.is_none();
    let actions =
        working.then(|| view! { <ChangeActions token=token.clone() on_regenerate revoke /> });
    // Where Regenerate is offered, say what it is for; nowhere else.
    let value_hint = (working && denial(admin, AdminPermission::ApiTokensRegenerate).is_none())
        .then(|| view! { <p class="muted fact-hint">"The full value was shown once. Lost it? Regenerate to get a new one."</p> });
    let revoked = token.revoked_at.map(|at| {
        let by = token
            .revoked_by
            .clone()
            .unwrap_or_else(|| "(removed admin)".into());
        view! {
            <dt>"Revoked"</dt>
            <dd data-testid="revoked">{format!("{} by {by}", format_time(at))}</dd>
        }
    });
    view! {
        <div class="page-header">
            <div>
                <div class="title-row">
                    <h1>{token.name.clone()}</h1>
                    <StatusBadge token=token.clone() />
                </div>
                <p class="muted">{token.description.clone()}</p>
            </div>
            <div class="actions">
                {copy}
                {actions}
            </div>
        </div>
        <section class="card">
            <dl class="facts">
                <dt>"Type"</dt><dd><span class="badge">{token.token_type.label()}</span></dd>
                <dt>"Token"</dt><dd><code data-testid="token-hint">{token.hint.clone()}</code>{value_hint}</dd>
                <dt>"Permissions"</dt><dd>{permissions}</dd>
                <dt>"Created"</dt>
                <dd>{format!("{} by {}", format_time(token.created_at), token.creator_label())}</dd>
                <dt>"Last used"</dt><dd>{last_used}</dd>
                <dt>"Expires"</dt><dd>{token.expires_at.map_or_else(never, format_time)}</dd>
                {revoked}
                {history}
            </dl>
        </section>
        <section class="card">
            <h2>{format!("Usage, last {USAGE_DAYS} days")}</h2>
            <UsageChart usage />
        </section>
    }
    .into_any()
}
