use std::collections::BTreeSet;

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use tollgate::catalog::Permission;
use tollgate::model::{AdminPermission, NewTokenRequest, TokenLifetime, TokenType, format_time};

use crate::Revealed;
use crate::api::{create_token, permission_catalog};
use crate::components::{
    AdminShell, DeniedButton, ErrorSummary, FieldMessage, PermissionMatrix, TextField, denial,
    has_error, use_signed_in,
};

#[component]
pub fn NewTokenPage() -> impl IntoView {
    view! {
        <Title text="Create API token" />
        <AdminShell>
            <NewTokenForm />
        </AdminShell>
    }
}

#[component]
fn NewTokenForm() -> impl IntoView {
    let Revealed(revealed) = expect_context::<Revealed>();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let lifetime = RwSignal::new(TokenLifetime::default());
    let token_type = RwSignal::new(TokenType::default());
    let selected = RwSignal::new(BTreeSet::<Permission>::new());
    let catalog = Resource::new(|| (), |_| permission_catalog());
    let submit = Action::new(|request: &NewTokenRequest| create_token(request.clone()));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    // Presentation only: the server refuses the request anyway.
    let cannot_create = denial(use_signed_in(), AdminPermission::ApiTokensCreate);
    let save_button = match cannot_create.clone() {
        None => view! {
            <button type="submit" class="button primary" disabled=move || submit.pending().get()>"Save"</button>
        }
        .into_any(),
        Some(why) => view! { <DeniedButton label="Save".to_owned() why class="button primary" /> }
            .into_any(),
    };

    Effect::new(move |_| {
        if let Some(Ok(created)) = submit.value().get() {
            revealed.set(Some(created));
            navigate("/settings/api-tokens", Default::default());
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token_type = token_type.get();
        submit.dispatch(NewTokenRequest {
            name: name.get(),
            description: description.get(),
            lifetime: lifetime.get(),
            token_type,
            // Only custom tokens carry a list; the others get theirs from the type.
            permissions: if token_type == TokenType::Custom {
                selected.get().into_iter().collect()
            } else {
                Vec::new()
            },
        });
    };
    let expiry_preview = move || match lifetime.get().expires_at(Utc::now()) {
        Some(at) => format!("Expires {}", format_time(at)),
        None => {
            "Never expires. Prefer a lifetime for tokens that leave your infrastructure.".to_owned()
        }
    };

    view! {
        <div class="page-header">
            <div>
                <A href="/settings/api-tokens" attr:class="back">"← API Tokens"</A>
                <h1>"Create API token"</h1>
            </div>
        </div>
        <form class="card form" on:submit=on_submit novalidate>
            {cannot_create.map(|why| view! { <p role="alert" class="alert error">{why}</p> })}
            <ErrorSummary error />
            <div class="grid">
                <div class="field">
                    <TextField field="name" id="token-name" label="Name" value=name error />
                </div>
                <div class="field">
                    <label for="token-description">"Description"</label>
                    <textarea id="token-description" rows="2" aria-describedby="description-error"
                        aria-invalid=move || has_error(&error, "description").to_string()
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                    <FieldMessage field="description" error />
                </div>
                <div class="field">
                    <label for="token-duration">"Token duration"</label>
                    <select id="token-duration" aria-describedby="duration-hint"
                        on:change=move |ev| {
                            if let Some(value) = TokenLifetime::parse(&event_target_value(&ev)) {
                                lifetime.set(value);
                            }
                        }>
                        {TokenLifetime::ALL.map(|l| view! {
                            <option value=l.as_str() selected=move || lifetime.get() == l>{l.label()}</option>
                        }).to_vec()}
                    </select>
                    <p class="hint" id="duration-hint">{expiry_preview}</p>
                </div>
                <div class="field">
                    <label for="token-type">"Token type"</label>
                    <select id="token-type"
                        on:change=move |ev| {
                            if let Some(value) = TokenType::parse(&event_target_value(&ev)) {
                                token_type.set(value);
                            }
                        }>
                        {TokenType::ALL.map(|t| view! {
                            <option value=t.as_str() selected=move || token_type.get() == t>{t.label()}</option>
                        }).to_vec()}
                    </select>
                    <p class="hint">{move || type_hint(token_type.get())}</p>
                </div>
            </div>
            <Show when=move || token_type.get() == TokenType::Custom>
                <Suspense fallback=|| view! { <p class="loading">"Loading permissions…"</p> }>
                    {move || Suspend::new(async move {
                        match catalog.await {
                            Ok(catalog) => view! { <PermissionMatrix catalog selected /> }.into_any(),
                            Err(e) => view! { <p role="alert" class="alert error">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
                <FieldMessage field="permissions" error />
            </Show>
            <div class="actions">
                <A href="/settings/api-tokens" attr:class="button secondary">"Cancel"</A>
                {save_button}
            </div>
        </form>
    }
}

fn type_hint(token_type: TokenType) -> &'static str {
    match token_type {
        TokenType::ReadOnly => "May read every content resource (find, findOne). Nothing else.",
        TokenType::FullAccess => "May do everything to every content resource.",
        TokenType::Custom => "May do exactly what you tick below.",
    }
}
