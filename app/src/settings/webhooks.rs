//! `/settings/webhooks`: the endpoints that hear about token changes, a form to register
//! one (its signing secret shown once), and `/settings/webhooks/:id`, an endpoint's recent
//! deliveries with "send a test event" and "redeliver". Needs `webhooks.manage`, which
//! the core checks on every call; the navigation only shows the page to those who have it.

mod endpoint;
mod server_fns;

pub use endpoint::WebhookPage;

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use tollgate::model::{WebhookCreated, WebhookEvent, WebhookPatch, WebhookRequest, WebhookView};

use crate::components::{
    AdminShell, ErrorSummary, RecordTable, RowActions, confirmed_action, use_hydrated,
};
use crate::paths;
use server_fns::{create_webhook, delete_webhook, list_webhooks, update_webhook};

#[component]
pub fn WebhooksPage() -> impl IntoView {
    view! {
        <Title text="Webhooks" />
        <AdminShell>
            <Webhooks />
        </AdminShell>
    }
}

/// The events as the form offers them (the test event is sent on request, not subscribed).
fn subscribable() -> impl Iterator<Item = WebhookEvent> {
    WebhookEvent::ALL
        .into_iter()
        .filter(|e| *e != WebhookEvent::WebhookTest)
}

#[component]
fn Webhooks() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let endpoints = Resource::new(move || version.get(), |_| list_webhooks());
    let revealed = RwSignal::new(None::<WebhookCreated>);
    view! {
        <div class="page-header">
            <div>
                <h1>"Webhooks"</h1>
                <p class="muted">
                    "Endpoints Tollgate tells about token changes, signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature). Use https; plain http only to this machine. Link-local and metadata addresses are refused."
                </p>
            </div>
        </div>
        {move || revealed.get().map(|created| view! { <SecretReveal created revealed /> })}
        <CreateForm version revealed />
        <Transition fallback=|| view! { <p class="loading">"Loading webhooks…"</p> }>
            {move || Suspend::new(async move {
                match endpoints.await {
                    Ok(list) if list.is_empty() => view! { <p class="muted" id="no-webhooks">"No webhook endpoints yet."</p> }.into_any(),
                    Ok(list) => view! { <WebhookTable list version /> }.into_any(),
                    Err(error) => view! { <p role="alert" class="alert error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The signing secret of the endpoint just registered: shown this once.
#[component]
fn SecretReveal(
    created: WebhookCreated,
    revealed: RwSignal<Option<WebhookCreated>>,
) -> impl IntoView {
    view! {
        <section class="reveal" role="status" aria-labelledby="webhook-secret-title">
            <h2 id="webhook-secret-title">"Signing secret for " {created.webhook.url.clone()}</h2>
            <p>"Copy it now: it will not be shown again. The receiver verifies every delivery's signature with it."</p>
            <code id="webhook-secret" class="secret">{created.secret.clone()}</code>
            <p>
                <button type="button" class="button secondary" id="webhook-secret-done"
                    on:click=move |_| revealed.set(None)>
                    "Done"
                </button>
            </p>
        </section>
    }
}

#[component]
fn CreateForm(version: RwSignal<u32>, revealed: RwSignal<Option<WebhookCreated>>) -> impl IntoView {
    let hydrated = use_hydrated();
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let chosen = RwSignal::new(BTreeSet::from([WebhookEvent::TokenRevoked]));
    // Adding, switching and deleting endpoints want the password confirmed recently (the
    // core asks; the prompt answers it), since they decide where token events go.
    let create = confirmed_action(create_webhook);
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            url.set(String::new());
            description.set(String::new());
            revealed.set(Some(created));
            version.update(|v| *v += 1);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(WebhookRequest {
            url: url.get_untracked(),
            description: description.get_untracked(),
            events: chosen
                .get_untracked()
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect(),
            enabled: true,
        });
    };
    let boxes = subscribable()
        .map(|event| {
            let id = format!("event-{}", event.as_str().replace('.', "-"));
            let for_id = id.clone();
            view! {
                <label class="checkbox" for=for_id>
                    <input type="checkbox" id=id value=event.as_str()
                        prop:checked=move || chosen.with(|c| c.contains(&event))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| { if on { c.insert(event); } else { c.remove(&event); } });
                        } />
                    " " <code>{event.as_str()}</code> " — " {event.label()}
                </label>
            }
        })
        .collect_view();
    view! {
        <form id="webhook-form" class="card form" on:submit=on_submit>
            <h2>"Add an endpoint"</h2>
            {move || error.get().map(|e| view! { <ErrorSummary error=e /> })}
            <label for="webhook-url">"URL"</label>
            <input type="url" id="webhook-url" name="url" required placeholder="https://hooks.example.com/tollgate"
                prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev)) />
            <label for="webhook-description">"Description (optional)"</label>
            <input type="text" id="webhook-description" name="description"
                prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev)) />
            <fieldset>
                <legend>"Events to send"</legend>
                {boxes}
            </fieldset>
            <button type="submit" id="create-webhook" class="button primary"
                disabled=move || !hydrated.get() || create.pending().get()>
                "Add endpoint"
            </button>
        </form>
    }
}

#[component]
fn WebhookTable(list: Vec<WebhookView>, version: RwSignal<u32>) -> impl IntoView {
    let hydrated = use_hydrated();
    let toggle = confirmed_action(move |(id, enabled): (i64, bool)| {
        let patch = WebhookPatch {
            enabled: Some(enabled),
            ..Default::default()
        };
        update_webhook(id, patch)
    });
    let delete = confirmed_action(delete_webhook);
    Effect::new(move |_| {
        if toggle.value().get().is_some() || delete.value().get().is_some() {
            version.update(|v| *v += 1);
        }
    });
    let rows = list
        .into_iter()
        .map(|hook| {
            let id = hook.id;
            let enabled = hook.enabled;
            let toggle_label = format!(
                "{} {}",
                if enabled { "Disable" } else { "Enable" },
                hook.url
            );
            let delete_label = format!("Delete {}", hook.url);
            let events = hook
                .events
                .iter()
                .map(|e| view! { <code>{e.as_str()}</code>" " })
                .collect_view();
            let status = match (hook.enabled, hook.failing_since) {
                (false, _) => view! { <span class="badge muted">"Disabled"</span> }.into_any(),
                (true, Some(_)) => view! { <span class="badge danger">"Failing"</span> }.into_any(),
                (true, None) => view! { <span class="badge">"Enabled"</span> }.into_any(),
            };
            view! {
                <tr>
                    <td class="name">
                        <A href=paths::webhook(id)>{hook.url.clone()}</A>
                        <div class="muted">{hook.description.clone()}</div>
                    </td>
                    <td class="description">{events}</td>
                    <td>{status}</td>
                    <RowActions>
                        <button type="button" class="button secondary small"
                            aria-label=toggle_label
                            disabled=move || !hydrated.get()
                            on:click=move |_| { toggle.dispatch((id, !enabled)); }>
                            {if enabled { "Disable" } else { "Enable" }}
                        </button>
                        <button type="button" class="button danger small"
                            aria-label=delete_label
                            disabled=move || !hydrated.get()
                            on:click=move |_| { delete.dispatch(id); }>
                            "Delete"
                        </button>
                    </RowActions>
                </tr>
            }
        })
        .collect_view();
    view! {
        <RecordTable label="Webhook endpoints" class="webhooks" columns=&["Endpoint", "Events", "Status"]>
            {rows}
        </RecordTable>
    }
}
