//! The admin panel: Leptos pages, components and the server functions behind them.
// Nested views (page > shell > list > table) make deep types; the default 128 overflows.
#![recursion_limit = "256"]

/// Who is at the panel: set-up, sign-in and -out, confirming the password (`/rpc/…`).
pub mod auth;
/// Widgets the pages share: the shell, fields, dialogs, the permission matrix, the bell.
mod components;
/// The error server functions return, shared by server and browser.
pub mod error;
/// The pages outside `/settings`: sign-in, first set-up, not found.
mod pages;
/// Server-only plumbing: each call's context (`Rpc`), session cookies, no-JS handoffs.
#[cfg(feature = "ssr")]
pub mod server;
/// The pages under `/settings`, laid out as their addresses, with their server functions.
pub mod settings;

/// The panel's page addresses live in the core, which links to them too.
pub use tollgate::panel_paths as paths;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{SsrMode, path};
use tollgate::model::CreatedToken;

use crate::auth::{AuthState, get_auth_state};
use crate::components::{Announcer, LiveRegion, PasswordDialog, PasswordPrompt, provide_hydrated};
use crate::error::AppError;
use crate::pages::{LoginPage, NotFound, SetupPage};
use crate::settings::administrators::AdministratorsPage;
use crate::settings::api_docs::ApiDocsPage;
use crate::settings::api_tokens::{EditTokenPage, NewTokenPage, TokenDetailsPage, TokensPage};
use crate::settings::audit_log::AuditLogPage;
use crate::settings::policy::TokenPolicyPage;
use crate::settings::profile::ProfilePage;
use crate::settings::roles::RolesPage;
use crate::settings::webhooks::{WebhookPage, WebhooksPage};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                // The build names the stylesheet by its content's hash, as it does the wasm.
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Who is signed in, shared by every page; `refresh` re-asks the server after sign-in/out.
#[derive(Clone, Copy)]
pub struct Auth {
    pub state: Resource<Result<AuthState, AppError>>,
    version: RwSignal<u32>,
}

impl Auth {
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }
}

/// A just-created token's value, held only in this browser tab's memory until the admin
/// leaves the token list. Reloading loses it for good, by design.
#[derive(Clone, Copy)]
pub struct Revealed(pub RwSignal<Option<CreatedToken>>);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let version = RwSignal::new(0);
    provide_context(Auth {
        state: Resource::new(move || version.get(), |_| get_auth_state()),
        version,
    });
    provide_context(Revealed(RwSignal::new(None)));
    PasswordPrompt::provide();
    Announcer::provide();
    provide_hydrated();

    view! {
        <Title formatter=|page: String| format!("{page} · Tollgate") />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=|| view! { <Redirect path=paths::TOKENS /> } ssr=SsrMode::Async />
                <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async />
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/settings/api-tokens") view=TokensPage ssr=SsrMode::Async />
                <Route path=path!("/settings/api-tokens/new") view=NewTokenPage ssr=SsrMode::Async />
                <Route path=path!("/settings/api-tokens/:id") view=TokenDetailsPage ssr=SsrMode::Async />
                <Route path=path!("/settings/api-tokens/:id/edit") view=EditTokenPage ssr=SsrMode::Async />
                <Route path=path!("/settings/api-docs") view=ApiDocsPage ssr=SsrMode::Async />
                <Route path=path!("/settings/administrators") view=AdministratorsPage ssr=SsrMode::Async />
                <Route path=path!("/settings/roles") view=RolesPage ssr=SsrMode::Async />
                <Route path=path!("/settings/token-policy") view=TokenPolicyPage ssr=SsrMode::Async />
                <Route path=path!("/settings/profile") view=ProfilePage ssr=SsrMode::Async />
                <Route path=path!("/settings/audit-log") view=AuditLogPage ssr=SsrMode::Async />
                <Route path=path!("/settings/webhooks") view=WebhooksPage ssr=SsrMode::Async />
                <Route path=path!("/settings/webhooks/:id") view=WebhookPage ssr=SsrMode::Async />
            </Routes>
            <PasswordDialog />
        </Router>
        <LiveRegion />
    }
}

#[cfg(test)]
mod route_table_tests {
    use tollgate::panel_paths::*;

    /// Every page address is one the route table in `lib.rs` serves (`:id` for an id).
    #[test]
    fn every_address_is_a_route() {
        let table = include_str!("lib.rs");
        let routed = |path: &str| table.contains(&format!("path!(\"{path}\")"));
        for path in [
            HOME,
            SETUP,
            LOGIN,
            TOKENS,
            NEW_TOKEN,
            API_DOCS,
            ADMINISTRATORS,
            ROLES,
            PROFILE,
            AUDIT_LOG,
            TOKEN_POLICY,
            WEBHOOKS,
        ] {
            assert!(routed(path), "{path}");
        }
        for path in [token(7), edit_token(7), webhook(7)] {
            assert!(routed(&path.replace('7', ":id")), "{path}");
        }
    }
}
