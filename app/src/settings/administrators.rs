//! `/settings/administrators`: who can sign in, with which role, and the server functions
//! that add, re-role, deactivate and remove them.

mod server_fns;

use leptos::prelude::*;
use leptos_meta::Title;
use tollgate::model::{
    AddAdminRequest, AdminListEntry, AdminPermission, AdminStatus, RoleView, format_time,
};

use crate::components::{
    AdminShell, ConfirmDialog, DeniedButton, ErrorSummary, ScrollRegion, TextField,
    confirmed_action, denial, use_signed_in,
};
use crate::settings::roles::list_roles;
use server_fns::{StatusChange, add_admin, change_admin_role, change_admin_status, list_admins};

/// Settings > Administrators: who can sign in, with which role; add, change role,
/// deactivate, reactivate, remove. The server checks each action; this page only hides
/// what the role can't use.
#[component]
pub fn AdministratorsPage() -> impl IntoView {
    view! {
        <Title text="Administrators" />
        <AdminShell>
            <Administrators />
        </AdminShell>
    }
}

#[component]
fn Administrators() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let admins = Resource::new(move || version.get(), |_| list_admins());
    let roles = Resource::new(move || version.get(), |_| list_roles());
    // Outside the list, so a refusal's message outlives the list's refresh.
    let problem = RwSignal::new(None::<String>);
    let cannot_manage = Signal::derive({
        let me = use_signed_in();
        move || denial(me, AdminPermission::AdminsManage)
    });

    view! {
        <div class="page-header">
            <div>
                <h1>"Administrators"</h1>
                <p class="muted">
                    "People who can sign in to Tollgate. Their role decides what they may do. Deactivating or removing someone signs them out everywhere at once; the tokens they created keep working."
                </p>
            </div>
        </div>
        {move || problem.get().map(|message| view! { <p role="alert" class="alert error">{message}</p> })}
        <Transition fallback=|| view! { <p class="loading">"Loading administrators…"</p> }>
            {move || Suspend::new(async move {
                match (admins.await, roles.await) {
                    (Ok(admins), Ok(roles)) => view! {
                        <AddAdmin roles=roles.clone() version cannot_manage />
                        <AdminTable admins roles version cannot_manage problem />
                    }
                    .into_any(),
                    (Err(error), _) | (_, Err(error)) => view! {
                        <p role="alert" class="alert error">{error.to_string()}</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AddAdmin(
    roles: Vec<RoleView>,
    version: RwSignal<u32>,
    cannot_manage: Signal<Option<String>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let default_role = roles
        .iter()
        .find(|r| r.name == "Viewer")
        .or(roles.first())
        .map_or(0, |r| r.id);
    let role_id = RwSignal::new(default_role);
    let submit = confirmed_action(add_admin);
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = submit.value().get() {
            version.update(|v| *v += 1);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.dispatch(AddAdminRequest {
            email: email.get(),
            name: name.get(),
            role_id: role_id.get(),
            password: password.get(),
        });
    };
    let options = roles
        .into_iter()
        .map(|role| {
            let id = role.id;
            view! { <option value=id.to_string() selected=move || role_id.get() == id>{role.name}</option> }
        })
        .collect_view();

    view! {
        <div class="toolbar">
            {move || match cannot_manage.get() {
                Some(why) => view! { <DeniedButton label="Add administrator".to_owned() why class="button primary" /> }.into_any(),
                None => view! {
                    <button type="button" class="button primary" on:click=move |_| open.update(|o| *o = !*o)>
                        "Add administrator"
                    </button>
                }
                .into_any(),
            }}
        </div>
        <form class="card form" hidden=move || !open.get() on:submit=on_submit novalidate>
            <h2>"Add an administrator"</h2>
            <ErrorSummary error />
            <div class="grid">
                <div class="field">
                    <TextField field="email" id="admin-email" label="Email" kind="email" value=email error />
                </div>
                <div class="field">
                    <TextField field="name" id="admin-name" label="Name" value=name error />
                </div>
                <div class="field">
                    <label for="admin-role">"Role"</label>
                    <select id="admin-role" on:change=move |ev| {
                        if let Ok(id) = event_target_value(&ev).parse() {
                            role_id.set(id);
                        }
                    }>
                        {options}
                    </select>
                </div>
                <div class="field">
                    <TextField field="password" id="admin-password" label="Initial password" kind="password" autocomplete="new-password" value=password error />
                    <p class="hint">"At least 12 characters. Give it to them privately; they can change it after signing in."</p>
                </div>
            </div>
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="button primary" disabled=move || submit.pending().get()>"Add"</button>
            </div>
        </form>
    }
}

#[component]
fn AdminTable(
    admins: Vec<AdminListEntry>,
    roles: Vec<RoleView>,
    version: RwSignal<u32>,
    cannot_manage: Signal<Option<String>>,
    problem: RwSignal<Option<String>>,
) -> impl IntoView {
    let me = use_signed_in();
    let my_id = me.with_untracked(|me| me.as_ref().map(|m| m.id));
    let to_remove = RwSignal::new(None::<AdminListEntry>);
    let set_status =
        confirmed_action(|(id, change): (i64, StatusChange)| change_admin_status(id, change));
    Effect::new(move |_| {
        if let Some(result) = set_status.value().get() {
            problem.set(result.err().map(|e| e.explain()));
            version.update(|v| *v += 1);
        }
    });

    let rows = admins
        .into_iter()
        .map(|admin| {
            let id = admin.id;
            let is_me = my_id == Some(id);
            let role_cell = match cannot_manage.get_untracked() {
                Some(_) => view! { <span>{admin.role.name.clone()}</span> }.into_any(),
                None => view! {
                    <RoleSelect admin=admin.clone() roles=roles.clone() problem version />
                }
                .into_any(),
            };
            let actions = match (cannot_manage.get_untracked(), is_me) {
                (_, true) => view! { <span class="muted">"You"</span> }.into_any(),
                (Some(why), false) => view! {
                    <DeniedButton label="Deactivate".to_owned() why=why.clone() class="button secondary small" />
                    " "
                    <DeniedButton label="Remove".to_owned() why class="button danger small" />
                }
                .into_any(),
                (None, false) => {
                    let (label, change) = match admin.status {
                        AdminStatus::Deactivated => ("Reactivate", StatusChange::Reactivate),
                        _ => ("Deactivate", StatusChange::Deactivate),
                    };
                    let row = admin.clone();
                    view! {
                        <button type="button" class="button secondary small"
                            aria-label=format!("{label} {}", admin.name)
                            on:click=move |_| { set_status.dispatch((id, change)); }>
                            {label}
                        </button>
                        " "
                        <button type="button" class="button danger small"
                            aria-label=format!("Remove {}", admin.name)
                            on:click=move |_| to_remove.set(Some(row.clone()))>
                            "Remove"
                        </button>
                    }
                    .into_any()
                }
            };
            let status_class = match admin.status {
                AdminStatus::Active => "badge",
                _ => "badge danger",
            };
            view! {
                <tr>
                    <td class="name">{admin.name.clone()}</td>
                    <td>{admin.email.clone()}</td>
                    <td>{role_cell}</td>
                    <td class="when">{admin.last_sign_in_at.map_or_else(|| "Never".to_owned(), format_time)}</td>
                    <td><span class=status_class>{admin.status.label()}</span></td>
                    <td class="row-actions">{actions}</td>
                </tr>
            }
        })
        .collect_view();

    view! {
        <ScrollRegion label="Administrators">
            <table class="tokens admins">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Last sign-in"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollRegion>
        {move || to_remove.get().map(|admin| view! { <RemoveDialog admin to_remove version /> })}
    }
}

/// An admin's role, changed on the spot. The select is bound to the role the server has,
/// so a refused change (e.g. demoting the last Super Admin) puts it back.
#[component]
fn RoleSelect(
    admin: AdminListEntry,
    roles: Vec<RoleView>,
    problem: RwSignal<Option<String>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let id = admin.id;
    let held = admin.role.id;
    let shown = RwSignal::new(held);
    let change = confirmed_action(move |role_id: i64| change_admin_role(id, role_id));
    Effect::new(move |_| match change.value().get() {
        Some(Ok(())) => {
            problem.set(None);
            version.update(|v| *v += 1);
        }
        Some(Err(error)) => {
            problem.set(Some(error.explain()));
            shown.set(held);
        }
        None => {}
    });
    let options = roles
        .into_iter()
        // `selected` for the server-rendered page (and without wasm), `prop:value` after.
        .map(|role| {
            view! { <option value=role.id.to_string() selected=role.id == held>{role.name}</option> }
        })
        .collect_view();
    view! {
        <select
            class="inline"
            aria-label=format!("Role of {}", admin.name)
            prop:value=move || shown.get().to_string()
            on:change=move |ev| {
                if let Ok(role_id) = event_target_value(&ev).parse() {
                    shown.set(role_id);
                    change.dispatch(role_id);
                }
            }
        >
            {options}
        </select>
    }
}

#[component]
fn RemoveDialog(
    admin: AdminListEntry,
    to_remove: RwSignal<Option<AdminListEntry>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let remove = confirmed_action(|id: i64| change_admin_status(id, StatusChange::Remove));
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            to_remove.set(None);
            version.update(|v| *v += 1);
        }
    });
    let id = admin.id;
    view! {
        <ConfirmDialog
            title=format!("Remove {}?", admin.name)
            message="They are signed out everywhere at once and can no longer sign in. The API tokens they created keep working and still name them."
            confirm_label="Remove"
            on_confirm=Callback::new(move |()| { remove.dispatch(id); })
            on_cancel=Callback::new(move |()| to_remove.set(None))
            pending=remove.pending()
            error=Signal::derive(move || remove.value().get().and_then(Result::err).map(|e| e.explain()))
        />
    }
}
