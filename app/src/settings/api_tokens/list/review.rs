//! The filters and links for reviewing the inventory: who created a token (admins who are
//! gone too), and the export of the current view as CSV or JSON. The export links are
//! plain links to the admin API, so they download without JavaScript; the session cookie
//! signs them in.

use leptos::html;
use leptos::prelude::*;
use tollgate::model::{CreatorFilter, ExportFormat, TokenListParams};

use super::query::export_href;
use super::server_fns::token_creators;

/// "Created by": anyone, an admin who is gone, or one admin who created tokens.
#[component]
pub fn CreatorSelect(
    params: Memo<TokenListParams>,
    node_ref: NodeRef<html::Select>,
    on_change: Callback<String>,
) -> impl IntoView {
    // Fetched once; the page renders it (SsrMode::Async), so the form is whole without wasm.
    let creators = Resource::new(|| (), |()| token_creators());
    let chosen = params.with_untracked(|p| p.created_by.clone().unwrap_or_default());
    view! {
        <Transition fallback=|| ()>
            {move || {
                let chosen = chosen.clone();
                Suspend::new(async move {
                    let creators = creators.await.unwrap_or_default();
                    let options = creators
                        .into_iter()
                        .map(|creator| {
                            let value = creator.id.to_string();
                            let selected = chosen == value;
                            view! { <option value=value selected=selected>{creator.label()}</option> }
                        })
                        .collect_view();
                    let gone = CreatorFilter::GONE;
                    view! {
                        <label>
                            "Created by"
                            <select
                                name="created_by"
                                aria-label="Created by"
                                node_ref=node_ref
                                on:change=move |event| on_change.run(event_target_value(&event))
                            >
                                <option value="" selected=chosen.is_empty()>"Anyone"</option>
                                <option value=gone selected=chosen == gone>"An admin who is gone"</option>
                                {options}
                            </select>
                        </label>
                    }
                })
            }}
        </Transition>
    }
}

/// "Export CSV" and "Export JSON": the view as it stands (filters, search, sort), every page.
#[component]
pub fn ExportLinks(params: Memo<TokenListParams>) -> impl IntoView {
    let link = move |format| move || params.with(|p| export_href(p, format));
    view! {
        <span class="export-links">
            <a class="button secondary" id="export-csv" href=link(ExportFormat::Csv) rel="external" download>"Export CSV"</a>
            <a class="button secondary" id="export-json" href=link(ExportFormat::Json) rel="external" download>"Export JSON"</a>
        </span>
    }
}
