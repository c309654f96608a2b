//! Settings > API Tokens > one token: what it is, its status, how it may be used, how much
//! it was used lately, and what can be done to it (edit, copy, suspend, regenerate with a
//! grace period, renew, revoke, narrow to what it uses). Each part of the page is a module; they
//! report what they did through one [`PageChange`].

mod grace;
mod hold;
mod leak;
mod least_privilege;
mod renew;
mod restrictions;
mod usage_chart;

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use tollgate::model::{
    AdminPermission, CreatedToken, TokenDetails, TokenStatus, TokenView, USAGE_DAYS, format_time,
};
use tollgate::policy::TokenPolicy;

use super::edit::SavedNotice;
use super::policy_badge::OutsidePolicyBadge;
use super::revoke::{RevokeConfirmation, RevokeFlow, RevokeOutcomeMessage};
use super::{get_token_details, handed_over_token, route_id};
use crate::components::{
    AdminShell, DeniedButton, ResultMessage, RevealBanner, denial, use_hydrated, use_signed_in,
};
use crate::error::AppError;
use crate::paths;
use crate::settings::policy::token_form_policy;
use grace::{GracePeriod, RegenerateDialog, RegenerateFlow};
pub(super) use hold::SuspendReasonField;
use hold::{SuspendButton, SuspendDialog, SuspendFlow, SuspendedBanner};
use leak::LeakFacts;
use least_privilege::LeastPrivilegeHint;
use renew::ExpiryFact;
use restrictions::RestrictionsCard;
use usage_chart::UsageChart;

/// What a part of the page does once it changed the token: say so (shown above the page,
/// announced, focused, since the control used may be gone after the refresh) and show
/// the token anew.
#[derive(Clone, Copy)]
pub struct PageChange {
    result: ResultMessage,
    refresh: Callback<()>,
}

impl PageChange {
    fn done(self, message: impl Into<String>) {
        self.result.done(message);
        self.refresh.run(());
    }

    /// A refusal with no dialog or form of its own to show it.
    fn refused(self, error: &AppError) {
        self.result.refused(error.explain());
    }
}

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
    // What the "Outside policy" badge says why with.
    let policy = Resource::new(|| (), |()| token_form_policy());
    // Read again with the token, so the badge's reason is the policy its flag was judged by.
    let refresh = Callback::new(move |()| {
        details.refetch();
        policy.refetch();
    });
    // Kept out of the token's view, which is drawn anew on each refresh.
    let result = ResultMessage::new("token-change-result");
    let page = PageChange { result, refresh };
    // The regenerated value lives only here, in this tab: leaving the page drops it.
    let revealed = RwSignal::new(None::<CreatedToken>);
    let regenerate = RegenerateFlow::new(revealed, refresh);
    let suspend = SuspendFlow::new(page);
    // Revoking shows its message above the page, which then shows the revoked token.
    let revoke = RevokeFlow::new(refresh);

    view! {
        <A href=paths::TOKENS attr:class="back">"← API Tokens"</A>
        <RevokeOutcomeMessage flow=revoke />
        <SavedNotice />
        {result.view()}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                handed_over.await.ok().flatten().map(|created| view! { <RevealBanner created /> })
            })}
        </Suspense>
        {move || revealed.get().map(|created| view! { <RevealBanner created verb="regenerated" /> })}
        <Transition fallback=|| view! { <p class="loading">"Loading the token…"</p> }>
            {move || Suspend::new(async move {
                let policy = policy.await.ok();
                match details.await {
                    Ok(details) => {
                        let (id, name) = (details.token.id, details.token.name.clone());
                        let flows = Flows { regenerate, suspend, revoke };
                        view! {
                            <TokenSummary details flows page policy />
                            <RegenerateDialog flow=regenerate id name=name.clone() />
                            <SuspendDialog flow=suspend id name />
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

/// The page's dialogs, opened from its actions.
#[derive(Clone, Copy)]
struct Flows {
    regenerate: RegenerateFlow,
    suspend: SuspendFlow,
    revoke: RevokeFlow,
}

/// Edit, Suspend, Regenerate and Revoke: only for a token that still works, each shown
/// disabled with the reason for roles that may not. All but Edit need JavaScript (their
/// confirmations are dialogs), so they wait for it. A suspended token offers Resume in
/// its banner instead of Suspend.
#[component]
fn ChangeActions(token: TokenView, flows: Flows) -> impl IntoView {
    let Flows {
        regenerate: regenerate_flow,
        suspend,
        revoke,
    } = flows;
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
                on:click=move |_| regenerate_flow.open()
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
    let suspend = token
        .suspended
        .is_none()
        .then(|| view! { <SuspendButton flow=suspend /> });
    view! { {edit} {suspend} {regenerate} {revoke_button} }
}

#[component]
fn TokenSummary(
    details: TokenDetails,
    flows: Flows,
    page: PageChange,
    /// The policy in force, for the "Outside policy" badge's reason.
    policy: Option<TokenPolicy>,
) -> impl IntoView {
    let token = details.token.clone();
    let usage = details.usage.clone();
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
    let actions = working.then(|| view! { <ChangeActions token=token.clone() flows /> });
    // Where Regenerate is offered, say what it is for; nowhere else.
    let value_hint = (working && denial(admin, AdminPermission::ApiTokensRegenerate).is_none())
        .then(|| view! { <p class="muted fact-hint">"The full value was shown once. Lost it? Regenerate to get a new one."</p> });
    let revoked = token.revoked_at.map(|at| {
        let how = token.revocation_label().unwrap_or_default();
        view! {
            <dt>"Revoked"</dt>
            <dd data-testid="revoked">{format!("{} {how}", format_time(at))}</dd>
        }
    });
    let leak = token.leak.clone().map(|leak| view! { <LeakFacts leak /> });
    view! {
        <div class="page-header">
            <div>
                <div class="title-row">
                    <h1>{token.name.clone()}</h1>
                    <StatusBadge token=token.clone() />
                    <OutsidePolicyBadge outside=token.outside_policy expires_at=token.expires_at policy />
                </div>
                <p class="muted">{token.description.clone()}</p>
            </div>
            <div class="actions">
                {copy}
                {actions}
            </div>
        </div>
        <SuspendedBanner token=token.clone() page />
        <GracePeriod details=details.clone() page />
        <section class="card">
            <dl class="facts" data-testid="token-facts">
                <dt>"Type"</dt><dd><span class="badge">{token.token_type.label()}</span></dd>
                <dt>"Token"</dt><dd><code data-testid="token-hint">{token.hint.clone()}</code>{value_hint}</dd>
                <dt>"Permissions"</dt><dd>{permissions}</dd>
                <dt>"Created"</dt>
                <dd>{format!("{} by {}", format_time(token.created_at), token.creator_label())}</dd>
                <dt>"Last used"</dt><dd>{last_used}</dd>
                <dt>"Expires"</dt><dd><ExpiryFact token=token.clone() page /></dd>
                {revoked}
                {leak}
                {history}
            </dl>
        </section>
        <RestrictionsCard token=token.clone() page />
        <LeastPrivilegeHint details page />
        <section class="card">
            <h2>{format!("Usage, last {USAGE_DAYS} days")}</h2>
            <UsageChart usage />
        </section>
    }
    .into_any()
}
