use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_query_map};
use tollgate::model::{FieldError, SignInRequest};

use crate::Auth;
use crate::auth::{AuthState, SignInForm as SignInFormPost, SignInRefusal, after_sign_in, sign_in};
use crate::components::{TextField, announce, focus_first, focus_id, use_hydrated};
use crate::error::AppError;

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = expect_context::<Auth>();
    // Where to go once signed in: the page a signed-out visitor opened, if it is ours.
    let next = use_query_map()
        .with_untracked(|q| after_sign_in(&q.get("next").unwrap_or_default()).to_owned());
    view! {
        <Title text="Sign in" />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let next = next.clone();
                Suspend::new(async move {
                    match auth.state.await {
                        Ok(AuthState { needs_setup: true, .. }) => view! { <Redirect path=crate::paths::SETUP /> }.into_any(),
                        Ok(AuthState { admin: Some(_), .. }) => view! { <Redirect path=next /> }.into_any(),
                        _ => view! { <SignInForm next /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn SignInForm(
    /// Where to go after signing in, already checked to be a path of this site.
    next: String,
) -> impl IntoView {
    // After a sign-in posted without JavaScript was refused: why, and the email typed;
    // after signing out: that it happened.
    let query = use_query_map();
    let (refused, typed_email, signed_out) = query.with_untracked(|q| {
        (
            q.get("refused")
                .and_then(|code| SignInRefusal::parse(&code)),
            q.get("email").unwrap_or_default(),
            q.get("signed-out").is_some(),
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
    let hydrated = use_hydrated();
    open_after_sign_in(submit, next.clone());
    after_refusal(submit, password);
    if signed_out {
        // Once the page runs: the sentence is on screen already, say it too.
        Effect::new(move |_| announce(SIGNED_OUT));
    }
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
            <form id="sign-in" class="card auth-card" method="post" action=SignInFormPost::url() on:submit=on_submit novalidate>
                <p class="auth-brand">"Tollgate"</p>
                <h1>"Sign in"</h1>
                <p class="muted">"Manage the API tokens of your platform."</p>
                {signed_out.then(|| view! { <p class="alert ok" id="signed-out">{SIGNED_OUT}</p> })}
                <RefusalMessage error hydrated />
                <input type="hidden" name="next" value=next />
                <TextField field="email" label="Email" kind="email" autocomplete="username" value=email error=marked_fields(error) />
                <TextField field="password" label="Password" kind="password" autocomplete="current-password" value=password error=marked_fields(error) />
                <button type="submit" class="button primary" disabled=move || submit.pending().get()>
                    "Sign in"
                </button>
            </form>
        </main>
    }
}

const SIGNED_OUT: &str = "You have signed out.";

/// Why the last attempt was refused. Focusable, so focus can land on it when there is no
/// field to fix (the lock). Before hydration (a page a no-JS post came back to) it is an
/// alert; once hydrated, results are announced through the page's one live region instead,
/// so a screen reader does not say them twice.
#[component]
fn RefusalMessage(error: Signal<Option<AppError>>, hydrated: Signal<bool>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <p id="sign-in-error" class="alert error" tabindex="-1" role=move || (!hydrated.get()).then_some("alert")>
                    {e.to_string()}
                </p>
            }
        })
    }
}

/// The errors as the fields see them: a wrong email or password marks both inputs (which
/// one is wrong is never said), so both are outlined; field errors mark their own field.
fn marked_fields(error: Signal<Option<AppError>>) -> Signal<Option<AppError>> {
    Signal::derive(move || {
        error.get().map(|e| match e {
            AppError::BadCredentials { .. } => AppError::Invalid(vec![
                FieldError::new("email", ""),
                FieldError::new("password", ""),
            ]),
            other => other,
        })
    })
}

/// After a refusal: empty the password (it was wrong, or can't be tried yet), say why, and
/// put focus where the next step is: the password to type again, the field to fix, or the
/// message when nothing can be tried (locked).
fn after_refusal(
    submit: Action<SignInRequest, Result<tollgate::model::AdminView, AppError>>,
    password: RwSignal<String>,
) {
    Effect::new(move |_| {
        let Some(Err(error)) = submit.value().get() else {
            return;
        };
        password.set(String::new());
        announce(error.to_string());
        match error {
            AppError::BadCredentials { .. } => focus_id("password"),
            AppError::Invalid(_) | AppError::Conflict(_) => {
                focus_first("#sign-in [aria-invalid=\"true\"]");
            }
            _ => focus_id("sign-in-error"),
        }
    });
}

/// Once signed in: re-ask who is signed in, and open `next`.
fn open_after_sign_in(
    submit: Action<SignInRequest, Result<tollgate::model::AdminView, AppError>>,
    next: String,
) {
    let auth = expect_context::<Auth>();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if submit.value().with(|value| matches!(value, Some(Ok(_)))) {
            auth.refresh();
            navigate(&next, Default::default());
        }
    });
}
