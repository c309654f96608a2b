mod administrators;
mod api_docs;
mod audit_log;
mod edit_token;
mod login;
mod new_token;
mod not_found;
mod profile;
mod roles;
mod setup;
mod token_details;
mod tokens;

pub use administrators::AdministratorsPage;
pub use api_docs::ApiDocsPage;
pub use audit_log::AuditLogPage;
pub use edit_token::EditTokenPage;
pub use login::LoginPage;
pub use new_token::NewTokenPage;
pub use not_found::NotFound;
pub use profile::ProfilePage;
pub use roles::RolesPage;
pub use setup::SetupPage;
pub use token_details::TokenDetailsPage;
pub use tokens::TokensPage;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::Auth;
use crate::error::AppError;

/// The `:id` of the current route, when it is a whole number (an unparsable one is `None`,
/// which the pages answer as "not found").
fn route_id() -> impl Fn() -> Option<i64> + Clone + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.read().get("id").and_then(|id| id.parse().ok())
}

/// Once `action` (sign-in, first-admin set-up) succeeds: re-ask who is signed in, and open
/// the token list.
fn open_tokens_after<I, O>(action: Action<I, Result<O, AppError>>)
where
    I: Send + Sync + 'static,
    O: Send + Sync + 'static,
{
    let auth = expect_context::<Auth>();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if action.value().with(|value| matches!(value, Some(Ok(_)))) {
            auth.refresh();
            navigate(crate::paths::TOKENS, Default::default());
        }
    });
}
