//! "Outside policy": the badge of a working token whose expiry the token policy in force
//! would not allow today (the core's flag, `TokenView::outside_policy`), on the list's row
//! and the token's page. It says why on hover, and to screen readers in words.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use tollgate::policy::TokenPolicy;

/// The badge, or nothing for a token inside the policy. `policy` words the reason; without
/// it (it could not be read) the badge still shows, with a general one.
#[component]
pub fn OutsidePolicyBadge(
    outside: bool,
    expires_at: Option<DateTime<Utc>>,
    policy: Option<TokenPolicy>,
) -> impl IntoView {
    outside.then(|| {
        let why = policy.map_or_else(
            || "Its expiry is outside the token policy.".to_owned(),
            |policy| policy.why_outside(expires_at),
        );
        let why = format!("{why} It keeps working until it is brought into policy.");
        view! {
            <span class="badge warn outside-policy" title=why.clone() data-testid="outside-policy">
                "Outside policy"
                <span class="sr-only">{format!(": {why}")}</span>
            </span>
        }
    })
}
