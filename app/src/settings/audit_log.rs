//! Settings > Audit log: who did what, when and from where, newest first, with filters
//! (actor, action, token, date range) and pages, all kept in the URL. The filter form is
//! a GET form, so it works the same without JavaScript.

mod server_fns;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_location, use_query_map};
use leptos_router::params::ParamsMap;
use tollgate::model::{AuditAction, AuditActor, AuditEntry, AuditPage, format_time};

use crate::components::{AdminShell, ErrorSummary, ScrollRegion};
use crate::error::AppError;
use server_fns::audit_log;

use crate::paths::AUDIT_LOG as AUDIT_PATH;
const FILTERS: [&str; 5] = ["actor", "action", "token", "from", "to"];

#[component]
pub fn AuditLogPage() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <AdminShell>
            <AuditLog />
        </AdminShell>
    }
}

/// The URL's query as pairs, for the server to check.
fn pairs(query: &ParamsMap) -> Vec<(String, String)> {
    FILTERS
        .iter()
        .chain(&["before"])
        .filter_map(|name| query.get(name).map(|value| ((*name).to_owned(), value)))
        .collect()
}

/// This page's address with `pairs`, leaving out empty values.
fn href(pairs: &[(String, String)]) -> String {
    let mut query = ParamsMap::new();
    for (name, value) in pairs {
        if !value.trim().is_empty() {
            query.insert(name.clone(), value.clone());
        }
    }
    format!("{AUDIT_PATH}{}", query.to_query_string())
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    // Leaving for another page changes the query too; don't refetch for a foreign URL.
    let params = Memo::new(
        move |previous: Option<&Vec<(String, String)>>| match previous {
            Some(previous) if location.pathname.with(|path| path != AUDIT_PATH) => previous.clone(),
            _ => query.with(pairs),
        },
    );
    let page = Resource::new(
        move || params.get(),
        |params| async move {
            let page = audit_log(params.clone()).await;
            (params, page)
        },
    );
    view! {
        <div class="page-header">
            <div>
                <h1>"Audit log"</h1>
                <p class="muted">
                    "Every sign-in, failed sign-in and sign-out, and every change to tokens, administrators and roles: who, when, from where. Names are as they were at the time."
                </p>
            </div>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (params, page) = page.await;
                view! { <AuditResults params page /> }.into_any()
            })}
        </Transition>
    }
}

#[component]
fn AuditResults(params: Vec<(String, String)>, page: Result<AuditPage, AppError>) -> impl IntoView {
    let value = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    };
    let (actors, body) = match page {
        Ok(page) => (page.actors.clone(), Ok(page)),
        Err(error) => (Vec::new(), Err(error)),
    };
    let filters = view! {
        <Filters
            actor=value("actor")
            action=value("action")
            token=value("token")
            from=value("from")
            to=value("to")
            actors
        />
    };
    let body = match body {
        Ok(page) => view! { <AuditTable page params=params.clone() /> }.into_any(),
        Err(error) => {
            let error = Signal::derive(move || Some(error.clone()));
            view! { <ErrorSummary error /> }.into_any()
        }
    };
    view! {
        {filters}
        {body}
    }
}

#[component]
fn Filters(
    actor: String,
    action: String,
    token: String,
    from: String,
    to: String,
    actors: Vec<AuditActor>,
) -> impl IntoView {
    let actor_options = actors
        .into_iter()
        .map(|AuditActor { id, name }| {
            let selected = actor == id.to_string();
            view! { <option value=id.to_string() selected=selected>{name}</option> }
        })
        .collect_view();
    let action_options = AuditAction::ALL
        .into_iter()
        .map(|a| {
            let selected = action == a.as_str();
            view! { <option value=a.as_str() selected=selected>{a.label()}</option> }
        })
        .collect_view();
    // The same controls as the token list's (`list-controls`), so both lists look alike.
    // Moving between pages rebuilds these elements in place, and a changed attribute does
    // not undo what the admin picked or typed: so each value is also set as a property.
    view! {
        <Form method="GET" action=AUDIT_PATH attr:class="list-controls audit-filters" attr:role="search" attr:aria-label="Filter the audit log">
            <div class="field">
                <label for="audit-actor">"Administrator"</label>
                <select id="audit-actor" name="actor" prop:value=actor.clone()>
                    <option value="">"Anyone"</option>
                    {actor_options}
                </select>
            </div>
            <div class="field">
                <label for="audit-action">"Action"</label>
                <select id="audit-action" name="action" prop:value=action.clone()>
                    <option value="">"Any action"</option>
                    {action_options}
                </select>
            </div>
            <div class="field">
                <label for="audit-token">"Token"</label>
                <input id="audit-token" name="token" type="search" value=token.clone() prop:value=token placeholder="Name or id" maxlength="100" />
            </div>
            <div class="field">
                <label for="audit-from">"From"</label>
                <input id="audit-from" name="from" type="date" value=from.clone() prop:value=from />
            </div>
            <div class="field">
                <label for="audit-to">"To"</label>
                <input id="audit-to" name="to" type="date" value=to.clone() prop:value=to />
            </div>
            <div class="actions">
                <button type="submit" class="button primary">"Apply filters"</button>
                <A href=AUDIT_PATH attr:class="button secondary">"Clear"</A>
            </div>
        </Form>
    }
}

#[component]
fn AuditTable(page: AuditPage, params: Vec<(String, String)>) -> impl IntoView {
    let filtered = params.iter().any(|(name, _)| name != "before");
    let on_later_page = params.iter().any(|(name, _)| name == "before");
    let keep_filters = |before: Option<i64>| {
        let mut pairs: Vec<(String, String)> = params
            .iter()
            .filter(|(name, _)| name != "before")
            .cloned()
            .collect();
        if let Some(before) = before {
            pairs.push(("before".into(), before.to_string()));
        }
        href(&pairs)
    };
    let newest = on_later_page.then(|| keep_filters(None));
    let older = page.next_before.map(|before| keep_filters(Some(before)));
    if page.entries.is_empty() {
        return view! { <EmptyAudit filtered /> }.into_any();
    }
    let rows = page.entries.into_iter().map(audit_row).collect_view();
    view! {
        <ScrollRegion label="Audit log entries">
            <table class="tokens audit">
                <caption class="sr-only">"Audit events, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"Details"</th>
                        <th scope="col">"From"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollRegion>
        <nav class="pager" aria-label="Audit log pages">
            {newest.map(|href| view! { <A href=href attr:class="button secondary small">"← Newest"</A> })}
            {older.map(|href| view! { <A href=href attr:class="button secondary small">"Older →"</A> })}
        </nav>
    }
    .into_any()
}

/// No events: none at all yet, or none that match the filters (with the way back).
#[component]
fn EmptyAudit(filtered: bool) -> impl IntoView {
    let (title, text) = if filtered {
        (
            "No events match these filters",
            "Try a wider date range, another action, or clear the filters.",
        )
    } else {
        (
            "Nothing has happened yet",
            "Sign-ins, token changes and changes to administrators and roles will be listed here.",
        )
    };
    view! {
        <section class="card empty">
            <h2 data-testid="audit-empty">{title}</h2>
            <p class="muted">{text}</p>
            {filtered.then(|| view! { <A href=AUDIT_PATH attr:class="button secondary">"Clear filters"</A> })}
        </section>
    }
}

fn audit_row(entry: AuditEntry) -> impl IntoView {
    let who = match entry.actor_id {
        Some(_) => entry.actor_name,
        None => format!("{} (not signed in)", entry.actor_name),
    };
    let target = entry.target.map(|target| {
        let kind = target.kind.as_str();
        view! { <span class="muted">{kind} " "</span> {target.name} }
    });
    let user_agent = entry.user_agent.unwrap_or_default();
    let full_user_agent = user_agent.clone();
    view! {
        <tr data-action=entry.action.as_str()>
            <td class="nowrap">{format_time(entry.at)}</td>
            <td>{who}</td>
            <td>{entry.action.label()}</td>
            <td>{target}</td>
            <td>{entry.detail}</td>
            <td>
                <span class="nowrap">{entry.ip.unwrap_or_else(|| "—".into())}</span>
                <br />
                <span class="muted small user-agent" title=full_user_agent>{user_agent}</span>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use tollgate::model::AuditQuery;

    use super::*;

    #[test]
    fn links_keep_the_filters_and_drop_empty_ones() {
        let pairs = vec![
            ("actor".to_owned(), "2".to_owned()),
            ("token".to_owned(), " ".to_owned()),
            ("action".to_owned(), "token.revoke".to_owned()),
        ];
        let link = href(&pairs);
        assert!(link.starts_with(&format!("{AUDIT_PATH}?")));
        assert!(link.contains("actor=2"), "{link}");
        // The query string percent-encodes the dot; the router decodes it back.
        assert!(
            link.contains("action=token%2Erevoke") || link.contains("action=token.revoke"),
            "{link}"
        );
        assert!(!link.contains("token="));
        assert_eq!(href(&[]), AUDIT_PATH);
        // What the page asks the server is exactly what the core reads back.
        let query = AuditQuery::from_params(|name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        })
        .unwrap();
        assert_eq!(query.actor, Some(2));
    }
}
