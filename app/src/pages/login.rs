use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;
use tollgate::model::SignInRequest;

use super::open_tokens_after;
use crate::Auth;
use crate::auth::{AuthState, SignInForm as SignInFormPost, SignInRefusal, sign_in};
use crate::components::{ErrorSummary, TextField};

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = expect_context::<Auth>();
    view! {
        <Title text="Sign in" />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match auth.state.await {
                    Ok(AuthState { needs_setup: true, .. }) => view! { <Redirect path=crate::paths::SETUP /> }.into_any(),
                    Ok(AuthState { admin: Some(_), .. }) => view! { <Redirect path=crate::paths::TOKENS /> }.into_any(),
                    _ => view! { <SignInForm /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SignInForm() -> impl IntoView {
    // After a sign-in posted without JavaScript was refused: why, and the email typed.
    let query = use_query_map();
    let (refused, typed_email) = query.with_untracked(|q| {
        (
            q.get("refused")
                .and_then(|code| SignInRefusal::parse(&code)),
            q.get("email").unwrap_or_default(),
        )
    });
    let email = RwSignal::new(typed_email);
    let password = RwSignal::new(String::new());
    let submit = Action::new(|request: &SignInRequest| sign_in(request.clone()));
    let error = Signal::derive(move || {
        submit
            .value()
            .get()
            .map_or_else(|| refused.map(SignInRefusal::error), Result::err)
    });
    open_tokens_after(submit);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.dispatch(SignInRequest {
            email: email.get(),
            password: password.get(),
        });
    };

    view! {
        <main class="auth-page">
            // Without JavaScript the browser posts the form to `sign_in_form`.
            <form class="card auth-card" method="post" action=SignInFormPost::url() on:submit=on_submit novalidate>
                <h1>"Sign in"</h1>
                <p class="muted">"Manage the API tokens of your platform."</p>
                <ErrorSummary error />
                <TextField field="email" label="Email" kind="email" autocomplete="username" value=email error />
                <TextField field="password" label="Password" kind="password" autocomplete="current-password" value=password error />
                <button type="submit" class="button primary" disabled=move || submit.pending().get()>
                    "Sign in"
                </button>
            </form>
        </main>
    }
}
