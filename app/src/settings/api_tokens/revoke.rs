//! Revoking from the list: one token (confirmed by typing its name) or the selected ones
//! (one confirmation listing them all), and what a bulk revoke reports afterwards.

use leptos::prelude::*;
use tollgate::model::TokenView;

use crate::components::{ConfirmDialog, confirmed_action};
use crate::error::AppError;
use crate::settings::api_tokens::{BulkRevoke, revoke_token};

/// The single-token dialog. Typing the name proves the admin means this very token: the
/// Revoke button stays disabled until the text matches exactly.
#[component]
pub fn RevokeDialog(
    token: TokenView,
    to_revoke: RwSignal<Option<TokenView>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let revoke = confirmed_action(revoke_token);
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            to_revoke.set(None);
            version.update(|v| *v += 1);
        }
    });
    let id = token.id;
    view! {
        <ConfirmDialog
            title=format!("Revoke {}?", token.name)
            message="Requests using this token will be refused immediately. This cannot be undone."
            confirm_label="Revoke"
            confirm_text=token.name.clone()
            on_confirm=Callback::new(move |()| { revoke.dispatch(id); })
            on_cancel=Callback::new(move |()| to_revoke.set(None))
            pending=revoke.pending()
            error=Signal::derive(move || revoke.value().get().and_then(Result::err).map(|e| e.to_string()))
        />
    }
}

/// The tokens a bulk revoke is about: ids and names, as the admin saw them.
pub type Chosen = Vec<(i64, String)>;

/// One confirmation for every selected token, naming each.
#[component]
pub fn BulkRevokeDialog(
    chosen: Chosen,
    action: Action<Vec<i64>, Result<BulkRevoke, AppError>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let count = chosen.len();
    let ids: Vec<i64> = chosen.iter().map(|(id, _)| *id).collect();
    let names = chosen
        .into_iter()
        .map(|(_, name)| view! { <li>{name}</li> })
        .collect_view();
    let noun = if count == 1 { "token" } else { "tokens" };
    view! {
        <ConfirmDialog
            title=format!("Revoke {count} {noun}?")
            message="Requests using these tokens will be refused immediately. This cannot be undone."
            confirm_label=format!("Revoke {count} {noun}")
            on_confirm=Callback::new(move |()| { action.dispatch(ids.clone()); })
            on_cancel
            pending=action.pending()
            error=Signal::derive(move || action.value().get().and_then(Result::err).map(|e| e.to_string()))
        >
            <ul class="chosen">{names}</ul>
        </ConfirmDialog>
    }
}

/// What the last bulk revoke did, shown above the list after it refreshed: the revoked
/// names, and every failure with its reason.
#[component]
pub fn BulkOutcome(outcome: BulkRevoke, chosen: Chosen) -> impl IntoView {
    let name = |id: i64| {
        chosen
            .iter()
            .find(|(chosen, _)| *chosen == id)
            .map_or_else(|| format!("token {id}"), |(_, name)| name.clone())
    };
    let revoked = (!outcome.revoked.is_empty()).then(|| {
        let names: Vec<String> = outcome.revoked.iter().map(|id| name(*id)).collect();
        view! {
            <p role="status" class="alert ok">
                {format!("Revoked {}: {}.", outcome.revoked.len(), names.join(", "))}
            </p>
        }
    });
    let failed = (!outcome.failed.is_empty()).then(|| {
        let items = outcome
            .failed
            .iter()
            .map(|failure| view! { <li>{format!("{}: {}", name(failure.id), failure.reason)}</li> })
            .collect_view();
        view! {
            <div role="alert" class="alert error">
                <p>{format!("Could not revoke {}:", outcome.failed.len())}</p>
                <ul>{items}</ul>
            </div>
        }
    });
    view! { {revoked}{failed} }
}
