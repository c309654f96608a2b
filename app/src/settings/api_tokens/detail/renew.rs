//! The token's expiry on its page, and Renew: one click keeps the same value working for
//! as long again as its expiry was first given (the core caps it at the policy's maximum
//! and asks for the password when due). Shown for a working token that expires; the
//! expiry warnings link here. A token close to its expiry says so.

use chrono::{Duration, Utc};
use leptos::prelude::*;
use tollgate::lifetime::describe;
use tollgate::model::{AdminPermission, TokenView, format_time};

use super::PageChange;
use crate::components::{DeniedButton, confirmed_action, denial, use_hydrated, use_signed_in};
use crate::error::AppError;
use crate::settings::api_tokens::renew_token;

/// Within this, the expiry is called out ("expires in 3 days"): the default warning.
const SOON: Duration = Duration::days(7);

/// "2026-12-10 14:00 UTC", then Renew where the token may be renewed.
#[component]
pub fn ExpiryFact(token: TokenView, page: PageChange) -> impl IntoView {
    let now = Utc::now();
    let Some(expires_at) = token.expires_at else {
        return view! { "Never" }.into_any();
    };
    let working = token.revoked_at.is_none() && !token.is_expired(now);
    let soon = (working && expires_at - now <= SOON).then(|| {
        view! { <span class="badge warn" data-testid="expires-soon">{format!("in {}", describe(expires_at - now))}</span> }
    });
    let renew = working
        .then(|| token.renewal())
        .flatten()
        .map(|by| view! { <RenewButton id=token.id by page /> });
    view! { <span data-testid="expires">{format_time(expires_at)}</span> " " {soon} " " {renew} }
        .into_any()
}

#[component]
fn RenewButton(id: i64, by: Duration, page: PageChange) -> impl IntoView {
    let admin = use_signed_in();
    let hydrated = use_hydrated();
    let label = format!("Renew for {}", describe(by));
    let renew = confirmed_action(renew_token);
    Effect::new(move |_| match renew.value().get() {
        Some(Ok(token)) => page.done(format!(
            "Token “{}” renewed: it now expires {}. Its value did not change.",
            token.name,
            token.expires_at.map_or_else(String::new, format_time)
        )),
        // Cancelling the password dialog is not a failure to report: nothing was asked.
        Some(Err(AppError::PasswordConfirmationRequired)) | None => {}
        Some(Err(error)) => page.refused(&error),
    });
    match denial(admin, AdminPermission::ApiTokensUpdate) {
        None => view! {
            <button
                type="button"
                id="renew"
                class="button secondary small"
                title="The same value keeps working; only the expiry moves."
                disabled=move || !hydrated.get() || renew.pending().get()
                on:click=move |_| {
                    renew.dispatch(id);
                }
            >
                {label}
            </button>
        }
        .into_any(),
        Some(why) => view! { <DeniedButton label why /> }.into_any(),
    }
}
