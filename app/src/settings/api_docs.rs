//! `/settings/api-docs`: the API reference, read from the server's OpenAPI document, and
//! its data types (the server builds them at start-up).

mod server_fns;

pub use server_fns::{
    ApiEndpoint, ApiGroup, ApiParameter, ApiReference, ApiResponse, api_reference_href,
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
    view! {
        <div class="page-header">
            <div>
                <h1>"API documentation"</h1>
                <p class="muted">{reference.description}</p>
            </div>
            <a class="button secondary" href="/api/openapi.json" download="tollgate-openapi.json">
                "Download OpenAPI " {reference.version}
            </a>
        </div>
        <nav class="api-contents" aria-label="API sections">
            <ul>{contents}</ul>
        </nav>
        {groups}
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
            <p class="muted">{group.description}</p>
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
    } = endpoint;
    let method_class = format!("method {}", method.to_lowercase());
    let anchor = format!("#{id}");
    let anchor_label = format!("Link to {method} {path}");
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
                        <td>{p.description}</td>
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
    let body = body.map(|body| view! { <p><strong>"Body: "</strong>{body}</p> });
    let responses = responses
        .into_iter()
        .map(|r| view! { <tr><td><code>{r.status}</code></td><td>{r.description}</td></tr> })
        .collect_view();
    view! {
        <article class="card api-endpoint" id=id>
            <h3>
                <span class=method_class>{method}</span>
                " "
                <code class="path">{path}</code>
                <a class="anchor" href=anchor aria-label=anchor_label>"#"</a>
            </h3>
            <p class="summary">{summary}</p>
            {(!description.is_empty()).then(|| view! { <p class="muted">{description}</p> })}
            {needs}
            {parameters}
            {body}
            <table class="api-table">
                <caption>"Responses"</caption>
                <thead><tr><th scope="col">"Status"</th><th scope="col">"Meaning"</th></tr></thead>
                <tbody>{responses}</tbody>
            </table>
        </article>
    }
    // Erased, like the others here: the whole reference as one type overflows the compiler.
    .into_any()
}
