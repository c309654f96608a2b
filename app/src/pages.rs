//! The pages outside `/settings`: set-up, sign-in, and "not found".

mod login;
mod not_found;
mod setup;

pub use login::LoginPage;
pub use not_found::NotFound;
pub use setup::SetupPage;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::Auth;
use crate::error::AppError;

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
