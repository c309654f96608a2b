//! `/settings/webhooks/:id`: one endpoint and its recent deliveries (event, time, status
//! code, attempts, the answer's first kilobyte), with "send a test event" and "redeliver".

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use tollgate::model::{DeliveryState, WebhookDeliveryView, WebhookView, format_time};

use super::server_fns::{redeliver_webhook, send_test_event, webhook_page};
use crate::components::{AdminShell, RecordTable, RowActions, use_hydrated};
use crate::paths;

#[component]
pub fn WebhookPage() -> impl IntoView {
    view! {
        <Title text="Webhook" />
        <AdminShell>
            <Endpoint />
        </AdminShell>
    }
}

#[component]
fn Endpoint() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let version = RwSignal::new(0u32);
    // Kept here, above the part that is rendered anew on every refresh.
    let message = RwSignal::new(None::<String>);
    let page = Resource::new(
        move || (id(), version.get()),
        |(id, _)| async move {
            match id {
                Some(id) => webhook_page(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <p><A href=paths::WEBHOOKS>"← Webhooks"</A></p>
        <Transition fallback=|| view! { <p class="loading">"Loading the endpoint…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some((endpoint, deliveries))) => view! { <Details endpoint deliveries version message /> }.into_any(),
                    Ok(None) => view! { <p role="alert" class="alert error">"No such webhook endpoint."</p> }.into_any(),
                    Err(error) => view! { <p role="alert" class="alert error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Details(
    endpoint: WebhookView,
    deliveries: Vec<WebhookDeliveryView>,
    version: RwSignal<u32>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let id = endpoint.id;
    let test = Action::new(move |_: &()| send_test_event(id));
    let redeliver = Action::new(move |delivery: &i64| redeliver_webhook(*delivery));
    Effect::new(move |_| {
        if let Some(done) = test.value().get() {
            message.set(Some(match done {
                Ok(_) => {
                    "Test event queued: it is sent at once. Refresh to see how it went.".to_owned()
                }
                Err(error) => error.to_string(),
            }));
            version.update(|v| *v += 1);
        }
    });
    Effect::new(move |_| {
        if let Some(done) = redeliver.value().get() {
            message.set(Some(match done {
                Ok(_) => "Queued again: it is sent at once.".to_owned(),
                Err(error) => error.to_string(),
            }));
            version.update(|v| *v += 1);
        }
    });
    let events = endpoint
        .events
        .iter()
        .map(|e| view! { <code>{e.as_str()}</code>" " })
        .collect_view();
    let rows = deliveries
        .into_iter()
        .map(|d| {
            let delivery = d.id;
            let state = match d.state {
                DeliveryState::Delivered => view! { <span class="badge">"Delivered"</span> }.into_any(),
                DeliveryState::Pending => view! { <span class="badge muted">"Pending"</span> }.into_any(),
                DeliveryState::Failed => view! { <span class="badge danger">"Failed"</span> }.into_any(),
            };
            let outcome = d
                .status_code
                .map(|code| code.to_string())
                .or(d.error.clone())
                .unwrap_or_else(|| "—".to_owned());
            view! {
                <tr class="delivery" data-delivery=delivery>
                    <td><code>{d.event.clone()}</code></td>
                    <td>{format_time(d.created_at)}</td>
                    <td class="state">{state}</td>
                    <td class="status-code">{outcome}</td>
                    <td>{d.attempts}</td>
                    <td class="excerpt"><code>{d.response_excerpt.clone().unwrap_or_default()}</code></td>
                    <RowActions>
                        <button type="button" class="button secondary small"
                            aria-label=format!("Redeliver {} ({})", d.event, d.message_id)
                            disabled=move || !hydrated.get()
                            on:click=move |_| { redeliver.dispatch(delivery); }>
                            "Redeliver"
                        </button>
                    </RowActions>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="page-header">
            <div>
                <h1 id="webhook-url">{endpoint.url.clone()}</h1>
                <p class="muted">{endpoint.description.clone()}</p>
                <p>"Events: " {events}</p>
                {endpoint.failing_since.map(|at| view! {
                    <p role="alert" class="alert error">
                        "Failing since " {format_time(at)} ": an event was given up on after retrying for a day."
                    </p>
                })}
            </div>
        </div>
        <div class="toolbar">
            <button type="button" id="send-test" class="button primary"
                disabled=move || !hydrated.get() || test.pending().get()
                on:click=move |_| { test.dispatch(()); }>
                "Send a test event"
            </button>
            <button type="button" id="refresh-deliveries" class="button secondary"
                disabled=move || !hydrated.get()
                on:click=move |_| version.update(|v| *v += 1)>
                "Refresh"
            </button>
        </div>
        {move || message.get().map(|m| view! { <p role="status" class="alert" id="webhook-result">{m}</p> })}
        <h2>"Recent deliveries"</h2>
        <RecordTable label="Recent deliveries" class="deliveries"
            columns=&["Event", "Time", "State", "Status", "Attempts", "Response"]>
            {rows}
        </RecordTable>
    }
}
