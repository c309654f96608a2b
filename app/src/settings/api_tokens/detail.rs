use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use tollgate::model::{
    AdminPermission, CreatedToken, DailyUsage, TokenDetails, USAGE_DAYS, format_time,
};

use super::edit::SavedNotice;
use super::{get_token_details, handed_over_token, regenerate_token, route_id};
use crate::components::{
    AdminShell, ConfirmDialog, DeniedButton, RevealBanner, confirmed_action, denial, use_signed_in,
};
use crate::error::AppError;
use crate::paths;

/// Settings > API Tokens > one token: what it is, and how much it was used lately.
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
            .map(|e| e.to_string())
    });
    let open_dialog = Callback::new(move |()| {
        regenerate.value().set(None);
        asking.set(true);
    });

    view! {
        <A href=paths::TOKENS attr:class="back">"← API Tokens"</A>
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
                            <TokenSummary details on_regenerate=open_dialog />
                            <Show when=move || asking.get()>
                                <ConfirmDialog
                                    title=title.clone()
                                    message="A new value replaces the current one, which is refused from its very next request. Update every script that uses it."
                                    confirm_label="Regenerate"
                                    on_confirm=Callback::new(move |()| { regenerate.dispatch(id); })
                                    on_cancel=Callback::new(move |()| asking.set(false))
                                    pending=regenerate.pending()
                                    error=dialog_error
                                />
                            </Show>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <p role="alert" class="alert error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn TokenSummary(details: TokenDetails, on_regenerate: Callback<()>) -> impl IntoView {
    let TokenDetails { token, usage } = details;
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
    let actions = token.revoked_at.is_none().then(|| {
        let edit = match denial(admin, AdminPermission::ApiTokensUpdate) {
            None => {
                let edit_href = paths::edit_token(token.id);
                view! { <A href=edit_href attr:class="button secondary">"Edit"</A> }.into_any()
            }
            Some(why) => view! { <DeniedButton label="Edit".to_owned() why /> }.into_any(),
        };
        let regenerate = match denial(admin, AdminPermission::ApiTokensRegenerate) {
            // Its confirmation dialog needs JavaScript.
            None => view! {
                <button type="button" class="button danger js-only" on:click=move |_| on_regenerate.run(())>
                    "Regenerate"
                </button>
            }
            .into_any(),
            Some(why) => {
                view! { <DeniedButton label="Regenerate".to_owned() why class="button danger" /> }
                    .into_any()
            }
        };
        view! { {edit} {regenerate} }
    });
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
                <h1>{token.name.clone()}</h1>
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
                <dt>"Token"</dt><dd><code data-testid="token-hint">{token.hint.clone()}</code></dd>
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

/// Requests per day as bars; the refused part of each day (401 expired, 403 missing
/// permission) in the warning colour at its foot. Hovering a bar names the day's numbers;
/// the summary and the table below say the same for screen readers.
#[component]
fn UsageChart(usage: Vec<DailyUsage>) -> impl IntoView {
    const HEIGHT: f64 = 100.0;
    const BAR: f64 = 10.0;
    let requests: i64 = usage.iter().map(|d| d.counts.requests).sum();
    let refused: i64 = usage
        .iter()
        .map(|d| d.counts.unauthorized + d.counts.forbidden)
        .sum();
    let busiest = usage
        .iter()
        .map(|d| d.counts.requests)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let summary = format!("{requests} requests, {refused} refused, in the last {USAGE_DAYS} days.");
    let width = BAR * usage.len().max(1) as f64;

    let bars = usage
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let x = i as f64 * BAR + 1.0;
            let total = day.counts.requests as f64 / busiest * HEIGHT;
            let denied = (day.counts.unauthorized + day.counts.forbidden) as f64 / busiest * HEIGHT;
            let label = format!(
                "{}: {} requests, {} refused (401: {}, 403: {})",
                day.day,
                day.counts.requests,
                day.counts.unauthorized + day.counts.forbidden,
                day.counts.unauthorized,
                day.counts.forbidden
            );
            view! {
                <g>
                    <title>{label}</title>
                    <rect class="bar" x=x y=HEIGHT - total width=BAR - 2.0 height=total />
                    <rect class="bar refused" x=x y=HEIGHT - denied width=BAR - 2.0 height=denied />
                </g>
            }
        })
        .collect_view();

    let used_days = usage
        .iter()
        .filter(|d| d.counts.requests > 0)
        .map(|d| {
            view! {
                <tr>
                    <td>{d.day.to_string()}</td>
                    <td>{d.counts.requests}</td>
                    <td>{d.counts.unauthorized}</td>
                    <td>{d.counts.forbidden}</td>
                </tr>
            }
        })
        .collect_view();

    view! {
        <figure class="usage">
            <svg
                viewBox=format!("0 0 {width} {HEIGHT}")
                preserveAspectRatio="none"
                role="img"
                aria-label=summary.clone()
                class="chart"
            >
                {bars}
            </svg>
            <figcaption class="usage-summary">{summary}</figcaption>
        </figure>
        <table class="sr-only">
            <caption>"Requests per day"</caption>
            <thead>
                <tr><th scope="col">"Day"</th><th scope="col">"Requests"</th><th scope="col">"401"</th><th scope="col">"403"</th></tr>
            </thead>
            <tbody>{used_days}</tbody>
        </table>
    }
}
