use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use tollgate::catalog::Permission;
use tollgate::model::{TokenLifetime, TokenPatch, TokenType, TokenView, format_time};

use super::route_id;
use crate::api::{get_token, update_token};
use crate::components::{
    AdminShell, DescriptionField, DurationChoice, DurationField, ErrorSummary, FieldMessage,
    PermissionsField, TextField, TypeField, catalog_resource, chosen_lifetime,
};
use crate::error::AppError;

/// Settings > API Tokens > one token > Edit: name, description, type, permissions, expiry.
#[component]
pub fn EditTokenPage() -> impl IntoView {
    view! {
        <Title text="Edit API token" />
        <AdminShell>
            <EditTokenStart />
        </AdminShell>
    }
}

#[component]
fn EditTokenStart() -> impl IntoView {
    let id = route_id();
    let token = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_token(id).await,
            None => Err(AppError::NotFound("token".into())),
        }
    });
    let catalog = catalog_resource();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the token…"</p> }>
            {move || Suspend::new(async move {
                match token.await {
                    Ok(token) if token.revoked_at.is_some() => view! { <RevokedNotice token /> }.into_any(),
                    Ok(token) => view! { <EditTokenForm token catalog /> }.into_any(),
                    Err(error) => view! {
                        <A href="/settings/api-tokens" attr:class="back">"← API Tokens"</A>
                        <p role="alert" class="alert error">{error.to_string()}</p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// A revoked token stays revoked: there is nothing to edit, only history to read.
#[component]
fn RevokedNotice(token: TokenView) -> impl IntoView {
    let href = format!("/settings/api-tokens/{}", token.id);
    let back = format!("← {}", token.name);
    view! {
        <A href=href attr:class="back">{back}</A>
        <p role="alert" class="alert error">
            "“" {token.name} "” was revoked and can no longer be changed. "
            "Use “Copy as new” on its page for a token with the same settings."
        </p>
    }
}

#[component]
fn EditTokenForm(
    token: TokenView,
    catalog: Resource<Result<tollgate::catalog::Catalog, AppError>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let id = token.id;
    let token_href = format!("/settings/api-tokens/{id}");
    let name = RwSignal::new(token.name.clone());
    let description = RwSignal::new(token.description.clone());
    let token_type = RwSignal::new(token.token_type);
    let selected = RwSignal::new(token.permissions.iter().cloned().collect::<BTreeSet<_>>());
    let duration = RwSignal::new(DurationChoice::Keep);
    let date = RwSignal::new(String::new());
    let current_expiry = token.expires_at;

    let save = Action::new(move |patch: &TokenPatch| update_token(id, patch.clone()));
    // A custom duration without a date never reaches the server: there is nothing to send.
    let refused_here = RwSignal::new(None::<AppError>);
    let error = Signal::derive(move || {
        refused_here
            .get()
            .or_else(|| save.value().get().and_then(Result::err))
    });
    {
        let token_href = token_href.clone();
        Effect::new(move |_| {
            if let Some(Ok(_)) = save.value().get() {
                navigate(&token_href, Default::default());
            }
        });
    }
    let original = StoredValue::new(token.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lifetime = match chosen_lifetime(duration.get(), &date.get()) {
            Ok(lifetime) => lifetime,
            Err(error) => {
                refused_here.set(Some(error));
                return;
            }
        };
        refused_here.set(None);
        let patch = original.with_value(|original| {
            changes(
                original,
                Edited {
                    name: name.get(),
                    description: description.get(),
                    token_type: token_type.get(),
                    permissions: selected.get(),
                    lifetime,
                },
            )
        });
        save.dispatch(patch);
    };
    let expires = token
        .expires_at
        .map_or_else(|| "never".to_owned(), format_time);

    view! {
        <div class="page-header">
            <div>
                <A href=token_href.clone() attr:class="back">{format!("← {}", token.name)}</A>
                <h1>"Edit API token"</h1>
                <p class="muted">
                    "Changes apply from the token's next request. Its value stays the same; "
                    "it expires " {expires} " unless you change that below."
                </p>
            </div>
        </div>
        <form class="card form" on:submit=on_submit novalidate>
            <ErrorSummary error />
            // A change that lost a race with another admin's is reported under "token".
            <FieldMessage field="token" error />
            <div class="grid">
                <div class="field">
                    <TextField field="name" id="token-name" label="Name" value=name error />
                </div>
                <div class="field">
                    <DescriptionField value=description error />
                </div>
                <div class="field">
                    <DurationField choice=duration date error current=current_expiry />
                </div>
                <div class="field">
                    <TypeField value=token_type />
                </div>
            </div>
            <PermissionsField token_type selected catalog error />
            <div class="actions">
                <A href=token_href attr:class="button secondary">"Cancel"</A>
                <button type="submit" class="button primary" disabled=move || save.pending().get()>"Save"</button>
            </div>
        </form>
    }
    .into_any()
}

/// The form's values when Save is pressed.
struct Edited {
    name: String,
    description: String,
    token_type: TokenType,
    permissions: BTreeSet<Permission>,
    lifetime: Option<TokenLifetime>,
}

/// Only what differs from the token as loaded, so a save never overwrites a field this
/// admin did not touch (another admin may have changed it meanwhile).
fn changes(original: &TokenView, edited: Edited) -> TokenPatch {
    let original_permissions: BTreeSet<Permission> = original.permissions.iter().cloned().collect();
    let type_changed = edited.token_type != original.token_type;
    // A typed token gets its permissions from the type; only a custom one sends a list.
    let permissions = (edited.token_type == TokenType::Custom
        && (type_changed || edited.permissions != original_permissions))
        .then(|| edited.permissions.into_iter().collect());
    TokenPatch {
        name: (edited.name != original.name).then_some(edited.name),
        description: (edited.description != original.description).then_some(edited.description),
        token_type: type_changed.then_some(edited.token_type),
        permissions,
        lifetime: edited.lifetime,
    }
}
