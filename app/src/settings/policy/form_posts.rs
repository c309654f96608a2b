//! The policy page's forms posted by the browser itself, for when JavaScript is off: the
//! same core calls as the hydrated page, answered with a redirect (303) back to the page,
//! which finds what happened (what was typed, the refusal, the preview or the result) in
//! the no-JS handoffs ([`crate::server::Handoff`]), as the token forms do.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::form::PolicyFields;
use super::form::PolicyOutcome;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{Handoff, HandoffFor, Rpc};

/// What the form asks: `preview` (the Preview button) or `save`.
#[cfg(feature = "ssr")]
fn previews(intent: &str) -> bool {
    intent == "preview"
}

/// The policy form, posted: previews or saves `fields`. Saving may need the password
/// again: the page comes back with a password field, and `password` confirms it first.
#[server(prefix = "/rpc", endpoint = "policy_form")]
pub async fn policy_form(
    #[server(default)] max_lifetime_days: String,
    #[server(default)] require_expiry: String,
    #[server(default)] default_duration_days: String,
    #[server(default)] expiry_warning_days: String,
    #[server(default)] revoke_unused_after_days: String,
    #[server(default)] intent: String,
    #[server(default)] password: String,
) -> Result<(), AppError> {
    let rpc = Rpc::current();
    let Some((admin, confirmed)) = crate::auth::confirm_then_sign_in(&rpc, &password).await? else {
        return Ok(());
    };
    let fields = PolicyFields {
        max_lifetime_days,
        require_expiry: !require_expiry.is_empty(),
        default_duration_days,
        expiry_warning_days,
        revoke_unused_after_days,
    };
    let mut outcome = PolicyOutcome {
        fields: fields.clone(),
        error: None,
        preview: None,
        saved: false,
        brought: None,
        bring_error: None,
    };
    let request = confirmed.and_then(|()| fields.to_request());
    match request {
        Err(error) => outcome.error = Some(error),
        Ok(request) if previews(&intent) => match rpc.core.policy.preview(&admin, &request).await {
            Ok(preview) => outcome.preview = Some(preview),
            Err(error) => outcome.error = Some(rpc.reject(error)),
        },
        Ok(request) => match rpc.core.policy.save(&admin, &request).await {
            Ok(policy) => {
                outcome.fields = PolicyFields::of(&policy);
                outcome.saved = true;
            }
            Err(error) => outcome.error = Some(rpc.reject(error)),
        },
    }
    rpc.hand_off(HandoffFor::PolicyPage, Handoff::Policy(Box::new(outcome)))
        .await;
    rpc.redirect(crate::paths::TOKEN_POLICY);
    Ok(())
}

/// "Bring into policy", posted. It needs a recently typed password: when the window has
/// closed, the page comes back with a password field in this form, and `password`
/// confirms it first.
#[server(prefix = "/rpc", endpoint = "bring_into_policy_form")]
pub async fn bring_into_policy_form(#[server(default)] password: String) -> Result<(), AppError> {
    let rpc = Rpc::current();
    let Some((admin, confirmed)) = crate::auth::confirm_then_sign_in(&rpc, &password).await? else {
        return Ok(());
    };
    let brought = match confirmed {
        Ok(()) => rpc
            .core
            .tokens
            .bring_into_policy(&admin)
            .await
            .map_err(|e| rpc.reject(e)),
        Err(error) => Err(error),
    };
    let fields = match rpc.core.policy.get(&admin).await {
        Ok(policy) => PolicyFields::of(&policy),
        Err(_) => PolicyFields::default(),
    };
    let (brought, bring_error) = match brought {
        Ok(brought) => (Some(brought), None),
        Err(error) => (None, Some(error)),
    };
    let outcome = PolicyOutcome {
        fields,
        error: None,
        preview: None,
        saved: false,
        brought,
        bring_error,
    };
    rpc.hand_off(HandoffFor::PolicyPage, Handoff::Policy(Box::new(outcome)))
        .await;
    rpc.redirect(crate::paths::TOKEN_POLICY);
    Ok(())
}

/// What the last post of this page's forms left for it; `None` when nothing was posted.
/// Taken: a reload shows the page fresh.
#[server(prefix = "/rpc", endpoint = "returned_policy_form", input = Json)]
pub async fn returned_policy_form() -> Result<Option<PolicyOutcome>, AppError> {
    let rpc = Rpc::current();
    if rpc.signed_in_actor().await?.is_none() {
        return Ok(None);
    }
    Ok(match rpc.take_handoff(HandoffFor::PolicyPage).await {
        Some(Handoff::Policy(outcome)) => Some(*outcome),
        _ => None,
    })
}
