use std::collections::BTreeSet;

use leptos::prelude::*;
use tollgate::catalog::{Action, Catalog, Permission};

use crate::api::api_reference_href;

/// One row per resource, one checkbox per action, and a "select all" per resource. Each
/// checkbox's hint names the endpoint it unlocks, and links to that endpoint's entry in the
/// API documentation (in a new tab, so the form keeps what was typed).
#[component]
pub fn PermissionMatrix(
    catalog: Catalog,
    selected: RwSignal<BTreeSet<Permission>>,
) -> impl IntoView {
    let toggle = move |permission: Permission, on: bool| {
        selected.update(|set| {
            if on {
                set.insert(permission);
            } else {
                set.remove(&permission);
            }
        })
    };
    let rows = catalog
        .resources
        .into_iter()
        .map(|resource| {
            let all_of = {
                let resource = resource.clone();
                move || Action::ALL.map(|a| Permission::new(resource.clone(), a))
            };
            let all_checked = {
                let all_of = all_of.clone();
                move || selected.with(|set| all_of().iter().all(|p| set.contains(p)))
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
                    view! {
                        <td>
                            <input
                                type="checkbox"
                                aria-label=label
                                title=hint.clone()
                                prop:checked=checked
                                on:change=move |ev| toggle(permission.clone(), event_target_checked(&ev))
                            />
                            <a class="doc-link" href=docs target="_blank" rel="noopener" title=hint aria-label=docs_label>
                                "?"
                            </a>
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{resource.clone()}</th>
                    <td>
                        <input
                            type="checkbox"
                            aria-label=format!("Select all {resource} permissions")
                            prop:checked=all_checked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                for permission in all_of() {
                                    toggle(permission, on);
                                }
                            }
                        />
                    </td>
                    {cells}
                </tr>
            }
        })
        .collect_view();

    view! {
        <table class="matrix">
            <caption>"Permissions"</caption>
            <thead>
                <tr>
                    <th scope="col">"Resource"</th>
                    <th scope="col">"All"</th>
                    {Action::ALL.map(|a| view! { <th scope="col">{a.as_str()}</th> }).to_vec()}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
