//! `/settings/api-tokens…`: the [`list`], [`new`], [`detail`] and [`edit`] pages, the one
//! [`revoke`] flow the list and the token page share, [`bulk_outcome`] saying what an
//! action on several tokens did, and the
//! server functions behind them: [`server_fns`] reads, creates and revokes, [`changes`]
//! edits and regenerates, [`holds`] suspends, resumes and ends a grace period, [`forms`]
//! takes the new and edit forms posted without JavaScript, reading the duration
//! as [`duration_choice`] does for the hydrated forms.

mod bulk_outcome;
pub mod changes;
mod detail;
mod duration_choice;
mod edit;
pub mod forms;
pub mod holds;
mod list;
mod new;
/// The "Outside policy" badge, on the list and the token's page.
mod policy_badge;
mod revoke;
pub mod server_fns;

use leptos::prelude::*;

pub use changes::{get_token, regenerate_token, renew_token, update_token};
pub use detail::TokenDetailsPage;
pub use duration_choice::{DurationChoice, chosen_lifetime, custom_lifetime, date_value};
pub use edit::EditTokenPage;
pub use forms::{
    CreateTokenForm, ReturnedForm, TokenForm, UpdateTokenForm, handed_over_token,
    returned_token_form,
};
pub use holds::{end_grace, resume_token, suspend_token};
pub use list::TokensPage;
pub use list::server_fns::{BulkRevoke, TokenFailure, list_token_page, revoke_tokens};
pub use new::NewTokenPage;
pub use server_fns::{create_token, get_token_details, permission_catalog, revoke_token};

/// The `:id` of the current route, when it is a whole number (an unparsable one is `None`,
/// which the pages answer as "not found").
fn route_id() -> impl Fn() -> Option<i64> + Clone + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.read().get("id").and_then(|id| id.parse().ok())
}
