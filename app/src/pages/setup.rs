use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_navigate;
use tollgate::model::NewAdminRequest;

use crate::Auth;
use crate::api::{AuthState, create_first_admin};
use crate::components::{ErrorSummary, FieldMessage, has_error};

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
                    _ => view! { <Redirect path="/settings/api-tokens" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SetupForm() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let submit = Action::new(|request: &NewAdminRequest| create_first_admin(request.clone()));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = submit.value().get() {
            auth.refresh();
            navigate("/settings/api-tokens", Default::default());
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
            <form class="card auth-card" on:submit=on_submit novalidate>
                <h1>"Create the first administrator"</h1>
                <p class="muted">
                    "Tollgate has no administrator yet. The account you create here can issue and revoke API tokens. This page disappears once it exists."
                </p>
                <ErrorSummary error />
                <label for="email">"Email"</label>
                <input id="email" type="email" autocomplete="email" aria-describedby="email-error"
                    aria-invalid=move || has_error(&error, "email").to_string()
                    bind:value=email />
                <FieldMessage field="email" error />
                <label for="name">"Name"</label>
                <input id="name" type="text" autocomplete="name" aria-describedby="name-error"
                    aria-invalid=move || has_error(&error, "name").to_string()
                    bind:value=name />
                <FieldMessage field="name" error />
                <label for="password">"Password"</label>
                <input id="password" type="password" autocomplete="new-password" aria-describedby="password-error"
                    aria-invalid=move || has_error(&error, "password").to_string()
                    bind:value=password />
                <FieldMessage field="password" error />
                <label for="password_confirm">"Confirm password"</label>
                <input id="password_confirm" type="password" autocomplete="new-password"
                    aria-describedby="password_confirm-error"
                    aria-invalid=move || has_error(&error, "password_confirm").to_string()
                    bind:value=confirm />
                <FieldMessage field="password_confirm" error />
                <p class="hint">"At least 12 characters. A few unrelated words make a strong password."</p>
                <button type="submit" class="button primary" disabled=move || submit.pending().get()>
                    "Create administrator"
                </button>
            </form>
        </main>
    }
}
