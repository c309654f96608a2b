use std::collections::BTreeSet;

use leptos::prelude::*;
use tollgate::catalog::{Action, Catalog, Permission, PermissionPreset};

use crate::components::{ScrollRegion, use_hydrated};
use crate::settings::api_docs::api_reference_href;

/// One row per resource, one checkbox per action, and a "select all" per resource and
/// overall. Above it: presets to start from, a search over resource names and an "only
/// checked" filter. Under it: what the ticks let the token do, in words. Each checkbox's
/// hint names the endpoint it unlocks, and links to that endpoint's entry in the API
/// documentation (in a new tab, so the form keeps its state).
///
/// Each permission's checkbox is a form field (`permissions[]` = `articles.find`), ticked
/// in the server's HTML as the page starts, so the matrix works without JavaScript; the
/// tools that need it (presets, search, filters, "select all") are hidden then, and
/// disabled until the page is hydrated.
#[component]
pub fn PermissionMatrix(
    catalog: Catalog,
    selected: RwSignal<BTreeSet<Permission>>,
    /// Whether the server refused the ticks (e.g. none on a custom token): every box is
    /// then marked, so a refused Save focuses the first (and a refused post starts there).
    #[prop(into)]
    invalid: Signal<bool>,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let starts_invalid = invalid.get_untracked();
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
    let total = every.len();
    let ticked = move || selected.with(BTreeSet::len);
    let all_checked = move || ticked() == total;
    let some_checked = move || ticked() > 0 && ticked() < total;
    let resources = StoredValue::new(catalog.resources.clone());
    let shown = move |resource: &str| {
        let query = search.with(|q| q.trim().to_lowercase());
        let matches = query.is_empty() || resource.contains(&query);
        let checked =
            !only_checked.get() || selected.with(|set| set.iter().any(|p| p.resource == resource));
        matches && checked
    };
    let rows = catalog
        .resources
        .iter()
        .cloned()
        .enumerate()
        .map(|(row, resource)| {
            let hidden = {
                let resource = resource.clone();
                move || !shown(&resource)
            };
            let autofocus = starts_invalid && row == 0;
            view! { <ResourceRow resource selected set hidden=Signal::derive(hidden) hydrated invalid autofocus /> }
        })
        .collect_view();
    let shown_count = move || resources.with_value(|all| all.iter().filter(|r| shown(r)).count());
    let some_shown = move || shown_count() > 0;
    let filtering = move || only_checked.get() || search.with(|q| !q.trim().is_empty());
    let count = move || {
        let all = resources.with_value(Vec::len);
        format!("Showing {} of {all} resources.", shown_count())
    };
    let summary = move || resources.with_value(|all| selected.with(|set| describe(all, set)));

    view! {
        <fieldset class="matrix-tools js-only">
            <legend class="sr-only">"Permission tools"</legend>
            <PresetSelect catalog selected hydrated />
            <label>
                "Search resources"
                <input type="search" placeholder="e.g. articles"
                    disabled=move || !hydrated.get()
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev)) />
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || only_checked.get()
                    disabled=move || !hydrated.get()
                    on:change=move |ev| only_checked.set(event_target_checked(&ev)) />
                "Only checked"
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=all_checked prop:indeterminate=some_checked
                    disabled=move || !hydrated.get()
                    on:change=move |ev| set(every.clone(), event_target_checked(&ev)) />
                "Select all permissions"
            </label>
        </fieldset>
        <p class="hint js-only" id="matrix-count" hidden=move || !filtering()>{count}</p>
        // No tab stop of its own: every row holds controls, and focusing one scrolls it
        // into view. The fade at its edges shows there is more to the side.
        <ScrollRegion label="Permissions, scrolls sideways on a narrow screen" focusable=false class="matrix-wrap">
            <table class="matrix">
                <caption>"Permissions"</caption>
                <thead>
                    <tr>
                        <th scope="col" class="resource-col">"Resource"</th>
                        <th scope="col" class="all-col js-only">"All"</th>
                        {Action::ALL.map(|a| view! { <th scope="col">{a.as_str()}</th> }).to_vec()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollRegion>
        <p class="hint scroll-hint">"Scroll the table sideways for every action."</p>
        <p class="hint" hidden=some_shown>"No resource matches. Clear the search or the “Only checked” filter."</p>
        // Computed in the browser as boxes are ticked; without JavaScript it would go stale.
        <p class="matrix-summary js-only" id="matrix-summary" aria-live="polite">{summary}</p>
    }
}

/// "Start from": a preset fills the matrix. The box then says which preset the ticks are
/// (also for ticks that came from elsewhere, e.g. a copied token), or that they were
/// modified from the preset last chosen.
#[component]
fn PresetSelect(
    catalog: Catalog,
    selected: RwSignal<BTreeSet<Permission>>,
    hydrated: Signal<bool>,
) -> impl IntoView {
    let presets = StoredValue::new(PermissionPreset::ALL.map(|p| {
        (
            p,
            p.permissions(&catalog).into_iter().collect::<BTreeSet<_>>(),
        )
    }));
    let chosen = RwSignal::new(None::<PermissionPreset>);
    let matching = move || {
        selected.with(|set| {
            presets.with_value(|presets| {
                presets
                    .iter()
                    .find(|(_, permissions)| permissions == set)
                    .map(|(preset, _)| *preset)
            })
        })
    };
    let unmatched_label = move || match chosen.get() {
        Some(preset) => format!("Custom (modified from {})", preset.label()),
        None if selected.with(BTreeSet::is_empty) => "None yet: choose a preset…".to_owned(),
        None => "Custom".to_owned(),
    };
    let apply = move |value: String| {
        if let Some(preset) = PermissionPreset::parse(&value) {
            chosen.set(Some(preset));
            let permissions = presets.with_value(|presets| {
                presets
                    .iter()
                    .find(|(p, _)| *p == preset)
                    .map(|(_, permissions)| permissions.clone())
            });
            selected.set(permissions.unwrap_or_default());
        }
    };
    // `prop:selected`, not the attribute: the attribute stops counting once the admin
    // has picked an option, and the box must follow the ticks.
    let options = PermissionPreset::ALL
        .into_iter()
        .map(|p| {
            view! {
                <option value=p.as_str() prop:selected=move || matching() == Some(p)>
                    {format!("{} ({})", p.label(), p.description())}
                </option>
            }
        })
        .collect_view();
    view! {
        <label>
            "Start from"
            <select id="matrix-preset" disabled=move || !hydrated.get()
                on:change=move |ev| apply(event_target_value(&ev))>
                <option value="" prop:selected=move || matching().is_none()>{unmatched_label}</option>
                {options}
            </select>
        </label>
    }
}

#[component]
fn ResourceRow(
    resource: String,
    selected: RwSignal<BTreeSet<Permission>>,
    set: impl Fn(Vec<Permission>, bool) + Copy + Send + Sync + 'static,
    hidden: Signal<bool>,
    hydrated: Signal<bool>,
    invalid: Signal<bool>,
    /// Focus the row's first box as the page loads (the first row of a refused form).
    autofocus: bool,
) -> impl IntoView {
    let all_of = Action::ALL
        .map(|a| Permission::new(resource.clone(), a))
        .to_vec();
    let ticked = {
        let all_of = all_of.clone();
        move || selected.with(|set| all_of.iter().filter(|p| set.contains(p)).count())
    };
    let all_checked = {
        let ticked = ticked.clone();
        move || ticked() == Action::ALL.len()
    };
    let some_checked = move || (1..Action::ALL.len()).contains(&ticked());
    let cells = Action::ALL
        .into_iter()
        .enumerate()
        .map(|(column, action)| {
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
            // The `?` is a mouse target only (tabindex -1): fifteen more tab stops would
            // double the way through the matrix. The keyboard reaches the same pages
            // through the row's resource name, which links to its first endpoint, where
            // the resource's others follow.
            view! {
                <td>
                    <input
                        type="checkbox"
                        name="permissions[]"
                        value=permission.to_string()
                        checked=checked_at_start
                        aria-label=label
                        aria-describedby="permissions-error"
                        aria-invalid=move || invalid.get().to_string()
                        autofocus=autofocus && column == 0
                        title=hint.clone()
                        prop:checked=checked
                        on:change=move |ev| set(vec![permission.clone()], event_target_checked(&ev))
                    />
                    <a class="doc-link" href=docs target="_blank" rel="noopener" tabindex="-1" title=hint aria-label=docs_label>
                        "?"
                    </a>
                </td>
            }
        })
        .collect_view();
    let resource_docs =
        api_reference_href(&Permission::new(resource.clone(), Action::Find).to_string());
    view! {
        <tr hidden=move || hidden.get()>
            <th scope="row">
                <a href=resource_docs target="_blank" rel="noopener"
                    title=format!("API documentation of {resource} (opens in a new tab)")>
                    {resource.clone()}
                </a>
            </th>
            <td class="js-only">
                <input
                    type="checkbox"
                    aria-label=format!("Select all {resource} permissions")
                    disabled=move || !hydrated.get()
                    prop:checked=all_checked
                    prop:indeterminate=some_checked
                    on:change=move |ev| set(all_of.clone(), event_target_checked(&ev))
                />
            </td>
            {cells}
        </tr>
    }
}

/// What `set` lets a token do, in words, then how many of the catalog's permissions it
/// holds: "May read articles and categories; create and update articles. 6 of 15
/// permissions." Resources follow the catalog's order.
pub fn describe(resources: &[String], set: &BTreeSet<Permission>) -> String {
    let total = resources.len() * Action::ALL.len();
    let count = format!("{} of {total} permissions.", set.len());
    // Each verb with the resources it applies to; reading both ways is one verb.
    let mut verbs: Vec<(&str, Vec<&str>)> = Vec::new();
    let has = |resource: &str, action| set.contains(&Permission::new(resource, action));
    for resource in resources.iter().map(String::as_str) {
        let phrases = verb_phrases(|action| has(resource, action));
        for verb in phrases {
            match verbs.iter_mut().find(|(v, _)| *v == verb) {
                Some((_, list)) => list.push(resource),
                None => verbs.push((verb, vec![resource])),
            }
        }
    }
    verbs.sort_by_key(|(verb, _)| VERBS.iter().position(|v| v == verb));
    // Verbs that apply to the same resources share a clause: "create and update articles".
    let mut clauses: Vec<(Vec<&str>, Vec<&str>)> = Vec::new();
    for (verb, list) in verbs {
        match clauses.iter_mut().find(|(_, l)| *l == list) {
            Some((verbs, _)) => verbs.push(verb),
            None => clauses.push((vec![verb], list)),
        }
    }
    if clauses.is_empty() {
        return format!("May do nothing yet: tick what it may do. {count}");
    }
    let clauses = clauses
        .iter()
        .map(|(verbs, list)| format!("{} {}", and_list(verbs), and_list(list)))
        .collect::<Vec<_>>();
    format!("May {}. {count}", clauses.join("; "))
}

/// Verbs in the order the sentence says them.
const VERBS: [&str; 6] = ["read", "list", "read single", "create", "update", "delete"];

fn verb_phrases(has: impl Fn(Action) -> bool) -> Vec<&'static str> {
    let read = match (has(Action::Find), has(Action::FindOne)) {
        (true, true) => Some("read"),
        (true, false) => Some("list"),
        (false, true) => Some("read single"),
        (false, false) => None,
    };
    let writes = [
        (Action::Create, "create"),
        (Action::Update, "update"),
        (Action::Delete, "delete"),
    ]
    .into_iter()
    .filter(|(action, _)| has(*action))
    .map(|(_, verb)| verb);
    read.into_iter().chain(writes).collect()
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resources() -> Vec<String> {
        ["articles", "categories", "authors"]
            .map(String::from)
            .to_vec()
    }

    fn set(permissions: &[&str]) -> BTreeSet<Permission> {
        permissions.iter().map(|p| p.parse().unwrap()).collect()
    }

    #[test]
    fn the_sentence_groups_resources_by_what_may_be_done_to_them() {
        let ticks = set(&[
            "articles.find",
            "articles.findOne",
            "articles.create",
            "articles.update",
            "categories.find",
            "categories.findOne",
        ]);
        assert_eq!(
            describe(&resources(), &ticks),
            "May read articles and categories; create and update articles. 6 of 15 permissions."
        );
    }

    #[test]
    fn half_of_reading_and_nothing_are_said_too() {
        assert_eq!(
            describe(&resources(), &set(&["authors.find", "authors.delete"])),
            "May list and delete authors. 2 of 15 permissions."
        );
        assert_eq!(
            describe(&resources(), &BTreeSet::new()),
            "May do nothing yet: tick what it may do. 0 of 15 permissions."
        );
    }
}
