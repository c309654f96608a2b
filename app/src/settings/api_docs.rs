//! `/settings/api-docs`: the API reference, read from the server's OpenAPI document, and
//! its data types (the server builds them at start-up).

mod server_fns;

pub use server_fns::{
    ApiEndpoint, ApiGroup, ApiParameter, ApiReference, ApiResponse, DocHtml, SharedErrors,
    api_reference_href,
};

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::AdminShell;
use server_fns::get_api_reference;

/// Settings > API documentation: every endpoint the API door serves, with the permission it
/// needs, rendered from the server's OpenAPI document (`/api/openapi.json`). The permission
/// matrix links each checkbox here (`#articles.find`).
#[component]
pub fn ApiDocsPage() -> impl IntoView {
    view! {
        <Title text="API documentation" />
        <AdminShell>
            <ApiDocs />
        </AdminShell>
    }
}

#[component]
fn ApiDocs() -> impl IntoView {
    let reference = Resource::new(|| (), |_| get_api_reference());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the API reference…"</p> }>
            {move || Suspend::new(async move {
                match reference.await {
                    Ok(reference) => view! { <Reference reference /> }.into_any(),
                    Err(error) => view! { <p role="alert" class="alert error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A description the server rendered from the document's Markdown (already safe HTML).
#[component]
fn Doc(html: DocHtml, #[prop(default = "doc")] class: &'static str) -> impl IntoView {
    view! { <div class=class inner_html=html.0></div> }
}

#[component]
fn Reference(reference: ApiReference) -> impl IntoView {
    let contents = reference
        .groups
        .iter()
        .map(|group| {
            let href = format!("#tag-{}", group.tag);
            view! { <li><a href=href>{group.tag.clone()}</a></li> }
        })
        .collect_view();
    let groups = reference
        .groups
        .into_iter()
        .map(|group| view! { <Group group /> })
        .collect_view();
    let shared_errors = reference.shared_errors;
    view! {
        <div class="page-header">
            <div>
                <h1>"API documentation"</h1>
                <Doc html=reference.description class="doc muted" />
            </div>
            <a class="button secondary" href="/api/openapi.json" download="tollgate-openapi.json">
                "Download OpenAPI " {reference.version}
            </a>
        </div>
        <nav class="api-contents" aria-label="API sections">
            <ul>
                <li><a href="#errors">"Errors"</a></li>
                {contents}
            </ul>
        </nav>
        <SharedErrorsSection shared_errors />
        {groups}
    }
    .into_any()
}

/// "Errors every endpoint can answer": the 401, 403, 429 and 503 answers, once for all,
/// so each endpoint lists only what is particular to it.
#[component]
fn SharedErrorsSection(shared_errors: Vec<SharedErrors>) -> impl IntoView {
    let tables = shared_errors
        .into_iter()
        .map(
            |SharedErrors {
                 applies_to,
                 responses,
             }| {
                view! { <ResponsesTable caption=move || applies_to.clone() responses /> }
            },
        )
        .collect_view();
    view! {
        <section class="card api-errors" id="errors" aria-labelledby="errors-heading">
            <h2 id="errors-heading">"Errors every endpoint can answer"</h2>
            <p class="muted">
                "Besides the answers listed under each endpoint. Every error has the same JSON shape: "
                <code>"{\"error\": {\"code\", \"message\", \"status\", \"details\"}}"</code> "."
            </p>
            {tables}
        </section>
    }
    .into_any()
}

#[component]
fn ResponsesTable(#[prop(into)] caption: ViewFn, responses: Vec<ApiResponse>) -> impl IntoView {
    let rows = responses
        .into_iter()
        .map(|r| {
            view! {
                <tr>
                    <td><code>{r.status}</code></td>
                    <td><Doc html=r.description /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="api-table">
            <caption>{caption.run()}</caption>
            <thead><tr><th scope="col">"Status"</th><th scope="col">"Meaning"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Group(group: ApiGroup) -> impl IntoView {
    let heading_id = format!("tag-{}", group.tag);
    let labelled_by = heading_id.clone();
    let endpoints = group
        .endpoints
        .into_iter()
        .map(|endpoint| view! { <Endpoint endpoint /> })
        .collect_view();
    view! {
        <section class="api-group" aria-labelledby=labelled_by>
            <h2 id=heading_id>{group.tag}</h2>
            <Doc html=group.description class="doc muted" />
            {endpoints}
        </section>
    }
    .into_any()
}

#[component]
fn Endpoint(endpoint: ApiEndpoint) -> impl IntoView {
    let ApiEndpoint {
        id,
        method,
        path,
        summary,
        description,
        permission,
        parameters,
        body,
        responses,
        answers_shared_errors,
    } = endpoint;
    let method_class = format!("method {}", method.to_lowercase());
    let anchor = format!("#{id}");
    let anchor_label = format!("Link to {summary}: {method} {path}");
    let needs = match permission {
        Some(permission) => {
            view! { <p class="needs">"Needs " <code>{permission}</code></p> }.into_any()
        }
        None => view! { <p class="needs">"Public: no token needed"</p> }.into_any(),
    };
    let parameters = (!parameters.is_empty()).then(|| {
        let rows = parameters
            .into_iter()
            .map(|p| {
                view! {
                    <tr>
                        <td><code>{p.name}</code></td>
                        <td>{p.location}</td>
                        <td>{if p.required { "yes" } else { "no" }}</td>
                        <td><Doc html=p.description /></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="api-table">
                <caption>"Parameters"</caption>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"In"</th><th scope="col">"Required"</th><th scope="col">"Description"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let body = body.map(|body| {
        view! {
            <div class="body">
                <strong>"Body: "</strong>
                <Doc html=body />
            </div>
        }
    });
    let request = (parameters.is_some() || body.is_some())
        .then(|| view! { <div class="api-request">{parameters}{body}</div> });
    // The caption names the shared errors too, so a reader of one endpoint knows of them.
    let caption = move || {
        view! {
            "Responses"
            {answers_shared_errors.then(|| view! {
                <span class="muted">" (and the " <a href="#errors">"errors every endpoint can answer"</a> ")"</span>
            })}
        }
    };
    view! {
        <article class="card api-endpoint" id=id>
            <h3>
                <span class="summary">{summary}</span>
                <span class="request">
                    <span class=method_class>{method}</span>
                    " "
                    <code class="path">{path}</code>
                </span>
                <a class="anchor" href=anchor aria-label=anchor_label>"#"</a>
            </h3>
            {(!description.is_empty()).then(|| view! { <Doc html=description class="doc muted" /> })}
            {needs}
            // What to send beside what comes back: side by side on a wide screen.
            <div class="api-details">
                {request}
                <div class="api-answers">
                    <ResponsesTable caption responses />
                </div>
            </div>
        </article>
    }
    // Erased, like the others here: the whole reference as one type overflows the compiler.
    .into_any()
}
