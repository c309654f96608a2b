//! The fields the create and edit forms share, so a token reads the same in both.

use std::collections::BTreeSet;

use leptos::prelude::*;
use tollgate::catalog::{Catalog, Permission};
use tollgate::model::TokenType;

use crate::components::{FieldMessage, PermissionMatrix, has_error, starts_invalid};
use crate::error::AppError;
use crate::settings::api_tokens::permission_catalog;

#[component]
pub fn DescriptionField(
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <label for="token-description">"Description"</label>
        <textarea id="token-description" name="description" rows="2" aria-describedby="description-error"
            aria-invalid=move || has_error(&error, "description").to_string()
            autofocus=starts_invalid(&error, "description")
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))>
            // The server's HTML carries the starting text; `prop:value` takes over once hydrated.
            {value.get_untracked()}
        </textarea>
        <FieldMessage field="description" error />
    }
}

#[component]
pub fn TypeField(value: RwSignal<TokenType>) -> impl IntoView {
    view! {
        <label for="token-type">"Token type"</label>
        <select id="token-type" name="token_type"
            on:change=move |ev| {
                if let Some(parsed) = TokenType::parse(&event_target_value(&ev)) {
                    value.set(parsed);
                }
            }>
            {TokenType::ALL.map(|t| view! {
                <option value=t.as_str() selected=move || value.get() == t>{t.label()}</option>
            }).to_vec()}
        </select>
        <p class="hint js-only">{move || type_hint(value.get())}</p>
    }
}

fn type_hint(token_type: TokenType) -> &'static str {
    match token_type {
        TokenType::ReadOnly => "May read every content resource (find, findOne). Nothing else.",
        TokenType::FullAccess => "May do everything to every content resource.",
        TokenType::Custom => "May do exactly what you tick below.",
    }
}

/// The catalog the permission matrix offers. Create it where the page's other resources
/// are created, before any of them is awaited: hydration matches resources to the
/// server's by the order they were created in.
pub fn catalog_resource() -> Resource<Result<Catalog, AppError>> {
    Resource::new(|| (), |_| permission_catalog())
}

/// The permission matrix, for custom tokens only. Always in the page, shown by the style
/// sheet while the type select says "Custom", so it appears without JavaScript too.
#[component]
pub fn PermissionsField(
    selected: RwSignal<BTreeSet<Permission>>,
    catalog: Resource<Result<Catalog, AppError>>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let invalid = Signal::derive(move || has_error(&error, "permissions"));
    view! {
        <div class="custom-permissions">
            <Suspense fallback=|| view! { <p class="loading">"Loading permissions…"</p> }>
                {move || Suspend::new(async move {
                    match catalog.await {
                        Ok(catalog) => view! { <PermissionMatrix catalog selected invalid /> }.into_any(),
                        Err(e) => view! { <p role="alert" class="alert error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <FieldMessage field="permissions" error />
        </div>
    }
    .into_any()
}
