use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use tollgate::model::NewAdminRequest;

use super::open_tokens_after;
use crate::Auth;
use crate::auth::{AuthState, create_first_admin};
use crate::components::{ErrorSummary, TextField, announce, focus_first, use_hydrated};

/// First start: create the first administrator. Gone for good once one exists (the server
/// refuses a second attempt on its own).
#[component]
pub fn SetupPage() -> impl IntoView {
    let auth = expect_context::<Auth>();
    view! {
        <Title text="Create the first administrator" />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match auth.state.await {
                    Ok(AuthState { needs_setup: true, .. }) => view! { <SetupForm /> }.into_any(),
                    _ => view! { <Redirect path=crate::paths::TOKENS /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SetupForm() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let submit = Action::new(|request: &NewAdminRequest| create_first_admin(request.clone()));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    // This form only posts through JavaScript (a plain submit would put the password in
    // the address), so it waits for the page to hydrate.
    let hydrated = use_hydrated();
    open_tokens_after(submit);
    // A refusal: say why, and put focus on the first field to fix.
    Effect::new(move |_| {
        if let Some(Err(error)) = submit.value().get() {
            announce(error.explain());
            focus_first("#setup [aria-invalid=\"true\"]");
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.dispatch(NewAdminRequest {
            email: email.get(),
            name: name.get(),
            password: password.get(),
            password_confirm: confirm.get(),
        });
    };

    view! {
        <main class="auth-page">
            <form id="setup" class="card auth-card" method="post" on:submit=on_submit novalidate>
                <p class="auth-brand">"Tollgate"</p>
                <h1>"Create the first administrator"</h1>
                <p class="muted">
                    "Tollgate has no administrator yet. The account you create here can issue and revoke API tokens. This page disappears once it exists."
                </p>
                <ErrorSummary error />
                <TextField field="email" label="Email" kind="email" autocomplete="email" value=email error />
                <TextField field="name" label="Name" autocomplete="name" value=name error />
                <TextField field="password" label="Password" kind="password" autocomplete="new-password" value=password error />
                <p class="hint" id="password-hint">"At least 12 characters. A few unrelated words make a strong password."</p>
                <TextField
                    field="password_confirm"
                    label="Confirm password"
                    kind="password"
                    autocomplete="new-password"
                    value=confirm
                    error
                />
                <button type="submit" class="button primary" disabled=move || !hydrated.get() || submit.pending().get()>
                    "Create administrator"
                </button>
            </form>
        </main>
    }
}
