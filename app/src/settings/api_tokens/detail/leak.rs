//! A token revoked by a leak report: where the report came from and where the value was
//! found (`POST /api/tokens/leaked`).

use leptos::prelude::*;
use tollgate::model::{LeakReport, is_web_address};

/// The facts of the leak report, for the token page's fact list.
#[component]
pub fn LeakFacts(leak: LeakReport) -> impl IntoView {
    let from = leak
        .reported_from
        .unwrap_or_else(|| "an unknown address".to_owned());
    // The core only keeps web addresses; a link to anything else is never drawn.
    let source = leak.source.map(|source| {
        if is_web_address(&source) {
            view! {
                "; the value was found at "
                <a href=source.clone() rel="noopener noreferrer nofollow" target="_blank" data-testid="leak-source">{source.clone()}</a>
            }
            .into_any()
        } else {
            view! { "; the value was found at " <span data-testid="leak-source">{source}</span> }.into_any()
        }
    });
    view! {
        <dt>"Leak report"</dt>
        <dd data-testid="leak-report">
            "Its value was reported as leaked from " <code>{from}</code> {source}
            ". The token was revoked at once; the report is in the audit log."
        </dd>
    }
}
