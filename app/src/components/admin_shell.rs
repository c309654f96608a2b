use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_location;

use crate::Auth;
use crate::auth::{AuthState, SignOutForm, login_returning_to};
use crate::components::{NotificationBell, focus_id};
use crate::paths;
use tollgate::model::{AdminPermission, AdminView};

/// The frame of every signed-in page. Sends visitors to set-up or sign-in first (to come
/// back here after signing in); the server functions check the session again on their own.
#[component]
pub fn AdminShell(children: ChildrenFn) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let location = use_location();
    // The page asked for, with its query, for the sign-in page to return to.
    let here = move || {
        let search = location.search.get_untracked();
        let path = location.pathname.get_untracked();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };

    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match auth.state.await {
                        Ok(AuthState { needs_setup: true, .. }) => view! { <Redirect path=paths::SETUP /> }.into_any(),
                        Ok(AuthState { admin: None, .. }) => view! { <Redirect path=login_returning_to(&here()) /> }.into_any(),
                        Ok(AuthState { admin: Some(admin), .. }) => view! {
                            // `rel="external"`: the router would only scroll to `#main`; the
                            // browser's own jump (and, once hydrated, `focus_id`) moves focus there.
                            <a class="skip-link" href="#main" rel="external" on:click=|_| focus_id("main")>"Skip to content"</a>
                            <TopBar admin />
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

/// The header: the product, the pages, the bell and the account. On a phone the pages are
/// one row that scrolls sideways (faded at the edge to show there is more), under one row
/// with the product and the account, so the header stays about 100 px tall.
#[component]
fn TopBar(admin: AdminView) -> impl IntoView {
    view! {
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
                {admin.can(AdminPermission::PolicyManage).then(|| view! {
                    <A href=paths::TOKEN_POLICY>"Token policy"</A>
                })}
                {admin.can(AdminPermission::WebhooksManage).then(|| view! {
                    <A href=paths::WEBHOOKS>"Webhooks"</A>
                })}
            </nav>
            <div class="account">
                <NotificationBell />
                // On a phone only the name shows; the link's full text stays for everyone else.
                <A href=paths::PROFILE attr:class="who">
                    <span class="who-prefix">"Signed in as "</span>
                    {admin.name}
                    <span class="who-role">" (" {admin.role.name} ")"</span>
                </A>
                <SignOutButton />
            </div>
        </header>
    }
}

/// "Sign out" as a plain form post: it works before the wasm has loaded and without it,
/// and the sign-in page it lands on says it happened.
#[component]
fn SignOutButton() -> impl IntoView {
    view! {
        <form class="sign-out" method="post" action=SignOutForm::url()>
            <button type="submit" class="button secondary">"Sign out"</button>
        </form>
    }
}
