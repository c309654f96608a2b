use leptos::prelude::*;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_navigate;

use crate::Auth;
use crate::auth::{AuthState, sign_out};
use crate::components::NotificationBell;
use crate::paths;
use tollgate::model::AdminPermission;

/// The frame of every signed-in page. Sends visitors to set-up or sign-in first; the
/// server functions check the session again on their own.
#[component]
pub fn AdminShell(children: ChildrenFn) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let sign_out_action = Action::new(|_: &()| sign_out());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out_action.value().get() {
            auth.refresh();
            navigate(paths::LOGIN, Default::default());
        }
    });

    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match auth.state.await {
                        Ok(AuthState { needs_setup: true, .. }) => view! { <Redirect path=paths::SETUP /> }.into_any(),
                        Ok(AuthState { admin: None, .. }) => view! { <Redirect path=paths::LOGIN /> }.into_any(),
                        Ok(AuthState { admin: Some(admin), .. }) => view! {
                            <a class="skip-link" href="#main">"Skip to content"</a>
                            <header class="topbar">
                                <A href=paths::TOKENS attr:class="brand">"Tollgate"</A>
                                <nav aria-label="Settings" class="nav">
                                    <A href=paths::TOKENS>"API Tokens"</A>
                                    <A href=paths::API_DOCS>"API documentation"</A>
                                    {admin.can(AdminPermission::AdminsRead).then(|| view! {
                                        <A href=paths::ADMINISTRATORS>"Administrators"</A>
                                        <A href=paths::ROLES>"Roles"</A>
                                    })}
                                    {admin.can(AdminPermission::AuditRead).then(|| view! {
                                        <A href=paths::AUDIT_LOG>"Audit log"</A>
                                    })}
                                </nav>
                                <div class="account">
                                    <NotificationBell />
                                    <A href=paths::PROFILE attr:class="who">"Signed in as " {admin.name} " (" {admin.role.name} ")"</A>
                                    <button
                                        type="button"
                                        class="button secondary"
                                        on:click=move |_| { sign_out_action.dispatch(()); }
                                    >
                                        "Sign out"
                                    </button>
                                </div>
                            </header>
                            <main id="main" class="page" tabindex="-1">{children()}</main>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <main class="page">
                                <p role="alert" class="alert error">{error.to_string()}</p>
                            </main>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
