//! `/settings/roles`: the roles admins are given, and the server functions that list, save
//! and delete them.

mod server_fns;

pub use server_fns::list_roles;

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_meta::Title;
use tollgate::model::{AdminPermission, RoleRequest, RoleView};

use crate::components::{
    AdminShell, ConfirmDialog, DeniedButton, ErrorSummary, FieldMessage, FocusReturn, RecordTable,
    ResultMessage, RowActions, TextField, confirmed_action, denial, focus_first, focus_id,
    has_error, use_hydrated, use_signed_in,
};
use server_fns::{delete_role, save_role};

const BUILT_IN: &str = "Built-in roles cannot be changed or deleted; create a custom role instead.";

/// Settings > Roles: the built-in roles, and custom ones to create, edit and delete.
#[component]
pub fn RolesPage() -> impl IntoView {
    view! {
        <Title text="Roles" />
        <AdminShell>
            <Roles />
        </AdminShell>
    }
}

/// The role form's subject: a new role (`id` None) or the one being edited.
#[derive(Clone, Default, PartialEq)]
struct Draft {
    id: Option<i64>,
    name: String,
    permissions: BTreeSet<AdminPermission>,
}

#[component]
fn Roles() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let roles = Resource::new(move || version.get(), |_| list_roles());
    let draft = RwSignal::new(None::<Draft>);
    let to_delete = RwSignal::new(None::<RoleView>);
    let me = use_signed_in();
    let cannot_manage = Signal::derive(move || denial(me, AdminPermission::AdminsManage));
    let hydrated = use_hydrated();
    let result = ResultMessage::new("roles-result");
    // The button that opened the role form (Create role, or a row's Edit), for Cancel.
    let opener = FocusReturn::new();
    let open_form = move |initial: Draft| {
        opener.remember();
        result.clear();
        draft.set(Some(initial));
        focus_id("role-name");
    };

    view! {
        <div class="page-header">
            <div>
                <h1>"Roles"</h1>
                <p class="muted">
                    "A role is what an administrator may do. Super Admin, Editor and Viewer are built in; custom roles hold any set of permissions. Changes apply from the holder's next request."
                </p>
            </div>
        </div>
        <div class="toolbar">
            {move || match cannot_manage.get() {
                Some(why) => view! { <DeniedButton label="Create role".to_owned() why class="button primary" /> }.into_any(),
                None => view! {
                    <button type="button" id="create-role" class="button primary"
                        disabled=move || !hydrated.get()
                        on:click=move |_| open_form(Draft::default())>
                        "Create role"
                    </button>
                }
                .into_any(),
            }}
        </div>
        {result.view()}
        {move || draft.get().map(|initial| view! { <RoleForm initial draft version result opener /> })}
        <Transition fallback=|| view! { <p class="loading">"Loading roles…"</p> }>
            {move || Suspend::new(async move {
                match roles.await {
                    Ok(roles) => view! { <RoleTable roles open_form to_delete cannot_manage /> }.into_any(),
                    Err(error) => view! { <p role="alert" class="alert error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        {move || to_delete.get().map(|role| view! { <DeleteDialog role to_delete version result /> })}
    }
}

#[component]
fn RoleTable(
    roles: Vec<RoleView>,
    #[prop(into)] open_form: Callback<Draft>,
    to_delete: RwSignal<Option<RoleView>>,
    cannot_manage: Signal<Option<String>>,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let rows = roles
        .into_iter()
        .map(|role| {
            let why_not = cannot_manage
                .get_untracked()
                .or_else(|| role.built_in.then(|| BUILT_IN.to_owned()));
            let actions = match why_not {
                Some(why) => view! {
                    <DeniedButton label="Edit".to_owned() why=why.clone() class="button secondary small" />
                    <DeniedButton label="Delete".to_owned() why class="button danger small" />
                }
                .into_any(),
                None => {
                    let editing = Draft {
                        id: Some(role.id),
                        name: role.name.clone(),
                        permissions: role.permissions.iter().copied().collect(),
                    };
                    let deleting = role.clone();
                    // The ids let focus come back here from the form and the dialog.
                    view! {
                        <button type="button" class="button secondary small" id=format!("edit-role-{}", role.id)
                            aria-label=format!("Edit {}", role.name)
                            disabled=move || !hydrated.get()
                            on:click=move |_| open_form.run(editing.clone())>
                            "Edit"
                        </button>
                        <button type="button" class="button danger small" id=format!("delete-role-{}", role.id)
                            aria-label=format!("Delete {}", role.name)
                            disabled=move || !hydrated.get()
                            on:click=move |_| to_delete.set(Some(deleting.clone()))>
                            "Delete"
                        </button>
                    }
                    .into_any()
                }
            };
            let permissions = role
                .permissions
                .iter()
                .map(|p| view! { <code>{p.as_str()}</code>" " })
                .collect_view();
            view! {
                <tr>
                    <td class="name">
                        {role.name.clone()}
                        {role.built_in.then(|| view! { " " <span class="badge muted">"Built-in"</span> })}
                    </td>
                    <td class="description">{permissions}</td>
                    <td>{role.admin_count}</td>
                    <RowActions>{actions}</RowActions>
                </tr>
            }
        })
        .collect_view();
    view! {
        <RecordTable label="Roles" class="roles" columns=&["Role", "Permissions", "Administrators"]>
            {rows}
        </RecordTable>
    }
}

#[component]
fn RoleForm(
    initial: Draft,
    draft: RwSignal<Option<Draft>>,
    version: RwSignal<u32>,
    result: ResultMessage,
    opener: FocusReturn,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let id = initial.id;
    let name = RwSignal::new(initial.name);
    let chosen = RwSignal::new(initial.permissions);
    let save = confirmed_action(move |request: RoleRequest| save_role(id, request));
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(role)) => {
            draft.set(None);
            result.done(match id {
                Some(_) => format!("Saved the role {}.", role.name),
                None => format!("Created the role {}.", role.name),
            });
            version.update(|v| *v += 1);
        }
        // To the first field at fault: the name, or else the first permission box.
        Some(Err(_)) => {
            focus_first("#role-form [aria-invalid=\"true\"], #role-form fieldset.invalid input")
        }
        None => {}
    });
    let cancel = move |_| {
        draft.set(None);
        opener.restore_or("create-role");
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(RoleRequest {
            name: name.get(),
            permissions: chosen.get().into_iter().collect(),
        });
    };
    let checks = AdminPermission::ALL
        .map(|permission| {
            let id = format!("permission-{}", permission.as_str().replace('.', "-"));
            let label_for = id.clone();
            view! {
                <label for=label_for>
                    <input
                        type="checkbox"
                        id=id
                        disabled=move || !hydrated.get()
                        prop:checked=move || chosen.with(|c| c.contains(&permission))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| {
                                if on { c.insert(permission); } else { c.remove(&permission); }
                            });
                        }
                    />
                    <code>{permission.as_str()}</code>
                    <span class="muted">{permission.doing()}</span>
                </label>
            }
        })
        .to_vec();

    view! {
        <form id="role-form" class="card form" on:submit=on_submit novalidate>
            <h2>{if id.is_some() { "Edit role" } else { "Create a role" }}</h2>
            <ErrorSummary error />
            <div class="field">
                <TextField field="name" id="role-name" label="Name" value=name error />
            </div>
            <fieldset
                class=move || if has_error(&error, "permissions") { "checks invalid" } else { "checks" }
                aria-describedby="permissions-error"
            >
                <legend>"Permissions"</legend>
                {checks}
            </fieldset>
            <FieldMessage field="permissions" error />
            <div class="actions">
                <button type="button" class="button secondary" disabled=move || !hydrated.get() on:click=cancel>"Cancel"</button>
                <button type="submit" class="button primary" disabled=move || !hydrated.get() || save.pending().get()>"Save role"</button>
            </div>
        </form>
    }
}

#[component]
fn DeleteDialog(
    role: RoleView,
    to_delete: RwSignal<Option<RoleView>>,
    version: RwSignal<u32>,
    result: ResultMessage,
) -> impl IntoView {
    let delete = confirmed_action(delete_role);
    let name = role.name.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            to_delete.set(None);
            result.done(format!("Deleted the role {name}."));
            version.update(|v| *v += 1);
        }
    });
    let id = role.id;
    view! {
        <ConfirmDialog
            title=format!("Delete the role {}?", role.name)
            message="Only a role nobody holds can be deleted."
            confirm_label="Delete"
            on_confirm=Callback::new(move |()| { delete.dispatch(id); })
            on_cancel=Callback::new(move |()| to_delete.set(None))
            pending=delete.pending()
            error=Signal::derive(move || delete.value().get().and_then(Result::err).map(|e| e.explain()))
        />
    }
}
