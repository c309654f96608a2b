//! `/settings/profile`: what every admin may change about themselves, and the server
//! functions that do it.

mod server_fns;

use leptos::prelude::*;
use leptos_meta::Title;
use tollgate::model::ChangePasswordRequest;

use crate::Auth;
use crate::components::{
    AdminShell, ErrorSummary, TextField, announce, focus_first, use_hydrated, use_signed_in,
};
use server_fns::{
    change_own_name, change_own_password, forget_password_confirmation, sign_out_everywhere,
};

/// Settings > Profile: every admin's own name and password, whatever their role.
#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <Title text="Your profile" />
        <AdminShell>
            <div class="page-header">
                <div>
                    <h1>"Your profile"</h1>
                    <p class="muted">"Changing your password signs you out on every other device."</p>
                </div>
            </div>
            <NameForm />
            <PasswordForm />
            <Sessions />
        </AdminShell>
    }
}

#[component]
fn NameForm() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let current = use_signed_in()
        .get_untracked()
        .map(|a| a.name)
        .unwrap_or_default();
    let name = RwSignal::new(current);
    let save = Action::new(|name: &String| change_own_name(name.clone()));
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    let hydrated = use_hydrated();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            auth.refresh();
            announce("Saved your name.");
        }
        Some(Err(_)) => focus_first("#name-form [aria-invalid=\"true\"]"),
        None => {}
    });
    // Submitted by the wasm only (the form has no action), so Save waits for it.
    view! {
        <form id="name-form" class="card form" novalidate on:submit=move |ev| {
            ev.prevent_default();
            save.dispatch(name.get());
        }>
            <h2>"Name"</h2>
            <ErrorSummary error />
            <div class="field">
                <TextField field="name" id="profile-name" label="Your name" value=name error />
            </div>
            <p class="hint">{move || saved().then_some("Saved.")}</p>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || !hydrated.get() || save.pending().get()>"Save name"</button>
            </div>
        </form>
    }
}

const PASSWORD_CHANGED: &str = "Password changed. Your other sessions have ended.";
const CONFIRMATION_FORGOTTEN: &str = "Done: the next sensitive action will ask for your password.";

#[component]
fn PasswordForm() -> impl IntoView {
    let current_password = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let password_confirm = RwSignal::new(String::new());
    let save = Action::new(|request: &ChangePasswordRequest| change_own_password(request.clone()));
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let hydrated = use_hydrated();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            for field in [current_password, password, password_confirm] {
                field.set(String::new());
            }
            announce(PASSWORD_CHANGED);
        }
        Some(Err(_)) => focus_first("#password-form [aria-invalid=\"true\"]"),
        None => {}
    });
    // Submitted by the wasm only: without it a plain submit would put the passwords in
    // the address, so Change password waits for it.
    view! {
        <form id="password-form" class="card form" novalidate on:submit=move |ev| {
            ev.prevent_default();
            save.dispatch(ChangePasswordRequest {
                current_password: current_password.get(),
                password: password.get(),
                password_confirm: password_confirm.get(),
            });
        }>
            <h2>"Password"</h2>
            <ErrorSummary error />
            <div class="grid">
                <div class="field">
                    <TextField field="current_password" label="Current password" kind="password" autocomplete="current-password" value=current_password error />
                </div>
                <div class="field">
                    <TextField field="password" id="new-password" label="New password" kind="password" autocomplete="new-password" value=password error />
                </div>
                <div class="field">
                    <TextField field="password_confirm" id="new-password-confirm" label="New password again" kind="password" autocomplete="new-password" value=password_confirm error />
                </div>
            </div>
            <p class="hint">{move || saved().then_some(PASSWORD_CHANGED)}</p>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || !hydrated.get() || save.pending().get()>"Change password"</button>
            </div>
        </form>
    }
}

/// "Sign out everywhere": for a lost laptop or a shared computer left signed in.
#[component]
fn Sessions() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let navigate = leptos_router::hooks::use_navigate();
    let end_all = Action::new(|_: &()| sign_out_everywhere());
    let forget = Action::new(|_: &()| forget_password_confirmation());
    let error = Signal::derive(move || {
        end_all
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| forget.value().get().and_then(Result::err))
    });
    let forgotten = move || matches!(forget.value().get(), Some(Ok(())));
    let hydrated = use_hydrated();
    Effect::new(move |_| {
        if forgotten() {
            // Not the visible sentence word for word, so each can be found on its own.
            announce("Your password will be asked for at the next sensitive action.");
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = end_all.value().get() {
            auth.refresh();
            navigate(crate::paths::LOGIN, Default::default());
        }
    });
    view! {
        <section class="card form">
            <h2>"Sessions"</h2>
            <ErrorSummary error />
            <p class="muted">
                "Signs you out on every browser and device, this one included. Idle sessions end by themselves after a while."
            </p>
            <div class="actions">
                <button type="button" class="button danger" disabled=move || !hydrated.get() || end_all.pending().get()
                    on:click=move |_| { end_all.dispatch(()); }>
                    "Sign out everywhere"
                </button>
            </div>
            <p class="muted">
                "Creating, regenerating and revoking tokens and changing administrators or roles ask for your password unless you typed it in the last few minutes. Stepping away from this screen? Make the next one ask again."
            </p>
            <div class="actions">
                <button type="button" class="button secondary" disabled=move || !hydrated.get() || forget.pending().get()
                    on:click=move |_| { forget.dispatch(()); }>
                    "Ask for my password again"
                </button>
            </div>
            {move || forgotten().then(|| view! {
                <p class="alert ok">{CONFIRMATION_FORGOTTEN}</p>
            })}
        </section>
    }
}
