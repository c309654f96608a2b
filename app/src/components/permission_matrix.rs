use std::collections::BTreeSet;

use leptos::prelude::*;
use tollgate::catalog::{Action, Catalog, Permission, PermissionPreset};

use crate::settings::api_docs::api_reference_href;

/// One row per resource, one checkbox per action, and a "select all" per resource and
/// overall. Above it: presets to start from, a search over resource names and an "only
/// checked" filter. Each checkbox's hint names the endpoint it unlocks, and links to that
/// endpoint's entry in the API documentation (in a new tab, so the form keeps its state).
///
/// Each permission's checkbox is a form field (`permissions[]` = `articles.find`), ticked
/// in the server's HTML as the page starts, so the matrix works without JavaScript; the
/// tools that need it (presets, search, filters, "select all") are hidden then.
#[component]
pub fn PermissionMatrix(
    catalog: Catalog,
    selected: RwSignal<BTreeSet<Permission>>,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let only_checked = RwSignal::new(false);
    let set = move |permissions: Vec<Permission>, on: bool| {
        selected.update(|set| {
            for permission in permissions {
                if on {
                    set.insert(permission);
                } else {
                    set.remove(&permission);
                }
            }
        })
    };
    let every = catalog.all_permissions().collect::<Vec<_>>();
    let all_checked = {
        let every = every.clone();
        move || selected.with(|set| every.iter().all(|p| set.contains(p)))
    };
    let apply_preset = {
        let catalog = catalog.clone();
        move |value: String| {
            if let Some(preset) = PermissionPreset::parse(&value) {
                selected.set(preset.permissions(&catalog).into_iter().collect());
            }
        }
    };
    let shown = move |resource: &str| {
        let query = search.with(|q| q.trim().to_lowercase());
        let matches = query.is_empty() || resource.contains(&query);
        let checked =
            !only_checked.get() || selected.with(|set| set.iter().any(|p| p.resource == resource));
        matches && checked
    };
    let rows = catalog
        .resources
        .into_iter()
        .map(|resource| {
            let hidden = {
                let resource = resource.clone();
                move || !shown(&resource)
            };
            view! { <ResourceRow resource selected set hidden=Signal::derive(hidden) /> }
        })
        .collect_view();
    let nothing_shown = {
        let resources: Vec<String> = every.iter().map(|p| p.resource.clone()).collect();
        move || !resources.iter().any(|r| shown(r))
    };

    view! {
        <fieldset class="matrix-tools js-only">
            <legend class="sr-only">"Permission tools"</legend>
            <label>
                "Start from"
                <select on:change=move |ev| apply_preset(event_target_value(&ev))>
                    <option value="">"a preset…"</option>
                    {PermissionPreset::ALL.map(|p| view! {
                        <option value=p.as_str()>{format!("{} ({})", p.label(), p.description())}</option>
                    }).to_vec()}
                </select>
            </label>
            <label>
                "Search resources"
                <input type="search" placeholder="e.g. articles"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev)) />
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || only_checked.get()
                    on:change=move |ev| only_checked.set(event_target_checked(&ev)) />
                "Only checked"
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=all_checked
                    on:change=move |ev| set(every.clone(), event_target_checked(&ev)) />
                "Select all permissions"
            </label>
        </fieldset>
        <div class="table-wrap">
            <table class="matrix">
                <caption>"Permissions"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Resource"</th>
                        <th scope="col" class="js-only">"All"</th>
                        {Action::ALL.map(|a| view! { <th scope="col">{a.as_str()}</th> }).to_vec()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="hint" hidden=move || !nothing_shown()>"No resource matches. Clear the search or the “Only checked” filter."</p>
    }
}

#[component]
fn ResourceRow(
    resource: String,
    selected: RwSignal<BTreeSet<Permission>>,
    set: impl Fn(Vec<Permission>, bool) + Copy + Send + Sync + 'static,
    hidden: Signal<bool>,
) -> impl IntoView {
    let all_of = Action::ALL
        .map(|a| Permission::new(resource.clone(), a))
        .to_vec();
    let all_checked = {
        let all_of = all_of.clone();
        move || selected.with(|set| all_of.iter().all(|p| set.contains(p)))
    };
    let cells = Action::ALL
        .into_iter()
        .map(|action| {
            let permission = Permission::new(resource.clone(), action);
            let label = format!("{resource} {}", action.as_str());
            let hint = action.endpoint(&resource);
            let docs = api_reference_href(&permission.to_string());
            let docs_label = format!("Documentation of {hint}");
            let checked = {
                let permission = permission.clone();
                move || selected.with(|set| set.contains(&permission))
            };
            let checked_at_start = selected.with_untracked(|set| set.contains(&permission));
            view! {
                <td>
                    <input
                        type="checkbox"
                        name="permissions[]"
                        value=permission.to_string()
                        checked=checked_at_start
                        aria-label=label
                        title=hint.clone()
                        prop:checked=checked
                        on:change=move |ev| set(vec![permission.clone()], event_target_checked(&ev))
                    />
                    <a class="doc-link" href=docs target="_blank" rel="noopener" title=hint aria-label=docs_label>
                        "?"
                    </a>
                </td>
            }
        })
        .collect_view();
    view! {
        <tr hidden=move || hidden.get()>
            <th scope="row">{resource.clone()}</th>
            <td class="js-only">
                <input
                    type="checkbox"
                    aria-label=format!("Select all {resource} permissions")
                    prop:checked=all_checked
                    on:change=move |ev| set(all_of.clone(), event_target_checked(&ev))
                />
            </td>
            {cells}
        </tr>
    }
}
