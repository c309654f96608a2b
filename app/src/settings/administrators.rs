//! `/settings/administrators`: who can sign in, with which role, and the server functions
//! that add, re-role, deactivate and remove them.

mod server_fns;

use leptos::prelude::*;
use leptos_meta::Title;
use tollgate::model::{
    AddAdminRequest, AdminListEntry, AdminPermission, AdminStatus, RoleView, format_time,
};

use crate::components::{
    AdminShell, ConfirmDialog, DeniedButton, ErrorSummary, RecordTable, ResultMessage, RowActions,
    TextField, confirmed_action, denial, focus_first, focus_id, use_hydrated, use_signed_in,
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
    // Outside the list, so an action's result outlives the list's refresh.
    let result = ResultMessage::new("admins-result");
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
        {result.view()}
        <Transition fallback=|| view! { <p class="loading">"Loading administrators…"</p> }>
            {move || Suspend::new(async move {
                match (admins.await, roles.await) {
                    (Ok(admins), Ok(roles)) => view! {
                        <AddAdmin roles=roles.clone() version cannot_manage result />
                        <AdminTable admins roles version cannot_manage result />
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
    result: ResultMessage,
) -> impl IntoView {
    let hydrated = use_hydrated();
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
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(added)) => {
            result.done(format!("Added {} as {}.", added.name, added.role.name));
            version.update(|v| *v += 1);
        }
        // The message is beside the field; the summary says it too.
        Some(Err(_)) => focus_first("#add-admin-form [aria-invalid=\"true\"]"),
        None => {}
    });
    let toggle = move |_| {
        let opening = !open.get_untracked();
        open.set(opening);
        if opening {
            result.clear();
            focus_id("admin-email");
        }
    };
    let cancel = move |_| {
        open.set(false);
        focus_id("add-admin");
    };
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
                    <button type="button" id="add-admin" class="button primary"
                        aria-expanded=move || open.get().to_string() aria-controls="add-admin-form"
                        disabled=move || !hydrated.get() on:click=toggle>
                        "Add administrator"
                    </button>
                }
                .into_any(),
            }}
        </div>
        <form id="add-admin-form" class="card form" hidden=move || !open.get() on:submit=on_submit novalidate>
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
                    <select id="admin-role" disabled=move || !hydrated.get() on:change=move |ev| {
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
                <button type="button" class="button secondary" disabled=move || !hydrated.get() on:click=cancel>"Cancel"</button>
                <button type="submit" class="button primary" disabled=move || !hydrated.get() || submit.pending().get()>"Add"</button>
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
    result: ResultMessage,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let me = use_signed_in();
    let my_id = me.with_untracked(|me| me.as_ref().map(|m| m.id));
    let to_remove = RwSignal::new(None::<AdminListEntry>);
    // The change and the name come back with the answer, for the result message.
    let set_status = confirmed_action(
        |(id, change, name): (i64, StatusChange, String)| async move {
            change_admin_status(id, change)
                .await
                .map(|()| (change, name))
        },
    );
    Effect::new(move |_| {
        let Some(outcome) = set_status.value().get() else {
            return;
        };
        match outcome {
            Ok((StatusChange::Reactivate, name)) => result.done(format!("Reactivated {name}.")),
            Ok((_, name)) => result.done(format!("Deactivated {name}: signed out everywhere.")),
            Err(error) => result.refused(error.explain()),
        }
        version.update(|v| *v += 1);
    });

    let rows = admins
        .into_iter()
        .map(|admin| {
            let id = admin.id;
            let is_me = my_id == Some(id);
            let role_cell = match cannot_manage.get_untracked() {
                Some(_) => view! { <span>{admin.role.name.clone()}</span> }.into_any(),
                None => view! {
                    <RoleSelect admin=admin.clone() roles=roles.clone() result version />
                }
                .into_any(),
            };
            let actions = match (cannot_manage.get_untracked(), is_me) {
                (_, true) => view! { <span class="muted">"You"</span> }.into_any(),
                (Some(why), false) => view! {
                    <DeniedButton label="Deactivate".to_owned() why=why.clone() class="button secondary small" />
                    <DeniedButton label="Remove".to_owned() why class="button danger small" />
                }
                .into_any(),
                (None, false) => {
                    let (label, change) = match admin.status {
                        AdminStatus::Deactivated => ("Reactivate", StatusChange::Reactivate),
                        _ => ("Deactivate", StatusChange::Deactivate),
                    };
                    let row = admin.clone();
                    let name = admin.name.clone();
                    view! {
                        <button type="button" class="button secondary small" id=format!("status-admin-{id}")
                            aria-label=format!("{label} {}", admin.name)
                            disabled=move || !hydrated.get()
                            on:click=move |_| { set_status.dispatch((id, change, name.clone())); }>
                            {label}
                        </button>
                        // The id lets the dialog give focus back here on Cancel.
                        <button type="button" class="button danger small" id=format!("remove-admin-{id}")
                            aria-label=format!("Remove {}", admin.name)
                            disabled=move || !hydrated.get()
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
                    <RowActions>{actions}</RowActions>
                </tr>
            }
        })
        .collect_view();

    view! {
        <RecordTable label="Administrators" class="admins" columns=&["Name", "Email", "Role", "Last sign-in", "Status"]>
            {rows}
        </RecordTable>
        {move || to_remove.get().map(|admin| view! { <RemoveDialog admin to_remove version result /> })}
    }
}

/// An admin's role, changed on the spot. The select is bound to the role the server has,
/// so a refused change (e.g. demoting the last Super Admin) puts it back.
#[component]
fn RoleSelect(
    admin: AdminListEntry,
    roles: Vec<RoleView>,
    result: ResultMessage,
    version: RwSignal<u32>,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let id = admin.id;
    let held = admin.role.id;
    let shown = RwSignal::new(held);
    let role_names: Vec<(i64, String)> = roles.iter().map(|r| (r.id, r.name.clone())).collect();
    let name = admin.name.clone();
    let change = confirmed_action(move |role_id: i64| async move {
        change_admin_role(id, role_id).await.map(|()| role_id)
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(role_id)) => {
            let role = role_names
                .iter()
                .find(|(id, _)| *id == role_id)
                .map_or("the new role", |(_, name)| name.as_str());
            result.done(format!("{name} is now {role}."));
            version.update(|v| *v += 1);
        }
        Some(Err(error)) => {
            result.refused(error.explain());
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
            disabled=move || !hydrated.get()
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
    result: ResultMessage,
) -> impl IntoView {
    let remove = confirmed_action(|id: i64| change_admin_status(id, StatusChange::Remove));
    let name = admin.name.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            to_remove.set(None);
            result.done(format!("Removed {name}: signed out everywhere."));
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
