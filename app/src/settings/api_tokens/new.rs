use chrono::Utc;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use tollgate::model::{AdminPermission, NewTokenRequest, TokenType};

use super::chosen_lifetime;
use super::forms::both;
use super::{CreateTokenForm, create_token, get_token, returned_token_form};
use crate::Revealed;
use crate::components::{
    AdminShell, DeniedButton, DescriptionField, DurationField, ErrorSummary, PasswordAgainField,
    PermissionsField, TextField, TypeField, catalog_resource, confirmed_action, denial,
    report_refusal, use_signed_in,
};
use crate::error::AppError;
use crate::paths;
use crate::settings::policy::token_form_policy;

/// The form's starting values, shared with the edit form.
pub(super) mod draft;
/// The restriction and metadata fields, shared with the edit form.
pub(super) mod restrictions_fieldset;
use draft::TokenDraft;
use restrictions_fieldset::{RestrictionInputs, RestrictionsFieldset};

#[component]
pub fn NewTokenPage() -> impl IntoView {
    view! {
        <Title text="Create API token" />
        <AdminShell>
            <NewTokenStart />
        </AdminShell>
    }
}

/// `?from=ID` ("copy as new") starts the form from that token's settings; otherwise it
/// starts blank. A form the browser posted without JavaScript and the server refused comes
/// back as it was typed, with the server's messages.
#[component]
fn NewTokenStart() -> impl IntoView {
    let query = use_query_map();
    let from = move || {
        query
            .read()
            .get("from")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let source = Resource::new(from, |from| async move {
        match from {
            Some(id) => get_token(id).await.map(Some),
            None => Ok(None),
        }
    });
    let catalog = catalog_resource();
    let returned = Resource::new(|| (), |_| returned_token_form(None));
    let policy = Resource::new(|| (), |_| token_form_policy());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                // Without it (a role that can't read tokens), the form offers every choice;
                // the core still holds every create to the policy.
                let policy = policy.await.ok();
                if let Ok(Some(returned)) = returned.await {
                    let draft = TokenDraft::from_form(&returned.form);
                    return view! { <NewTokenForm draft catalog policy refused=returned.error /> }.into_any();
                }
                let blank = policy.as_ref().map_or_else(TokenDraft::default, |p| {
                    TokenDraft::starting_on(p.default_lifetime(Utc::now()))
                });
                match source.await {
                    Ok(Some(token)) => {
                        let draft = TokenDraft::copy_of(&token, Utc::now());
                        view! { <NewTokenForm draft catalog policy copied_from=token.name /> }.into_any()
                    }
                    Ok(None) => view! { <NewTokenForm draft=blank catalog policy /> }.into_any(),
                    Err(error) => view! {
                        <p role="alert" class="alert error">"Could not copy that token: " {error.to_string()}</p>
                        <NewTokenForm draft=blank catalog policy />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The id of the form's error summary, focused when a refusal is not about one field.
const ERROR_SUMMARY: &str = "token-form-error";

#[component]
fn NewTokenForm(
    draft: TokenDraft,
    catalog: Resource<Result<tollgate::catalog::Catalog, AppError>>,
    /// The token policy, for the choices the duration offers.
    policy: Option<tollgate::policy::TokenPolicy>,
    /// The name of the token whose settings the draft copies.
    #[prop(optional, into)]
    copied_from: Option<String>,
    /// Why the server refused this draft when it was posted without JavaScript.
    #[prop(optional)]
    refused: Option<AppError>,
) -> impl IntoView {
    let Revealed(revealed) = expect_context::<Revealed>();
    let navigate = use_navigate();
    let name = RwSignal::new(draft.name);
    let description = RwSignal::new(draft.description);
    let duration = RwSignal::new(draft.duration);
    let date = RwSignal::new(draft.date);
    let token_type = RwSignal::new(draft.token_type);
    let selected = RwSignal::new(draft.permissions);
    let restrictions = RestrictionInputs::new(draft.restrictions);

    let asks_for_password = refused.as_ref().is_some_and(AppError::asks_for_password);
    let submit = confirmed_action(create_token);
    // A custom duration without a date never reaches the server: there is nothing to send.
    let refused_here = RwSignal::new(refused);
    // A refusal made here is reported like the server's (after the first run: a form
    // that starts refused was posted without JavaScript, and `autofocus` did that).
    Effect::new(move |ran: Option<()>| {
        if let (Some(()), Some(error)) = (ran, refused_here.get()) {
            report_refusal(&error, ERROR_SUMMARY);
        }
    });
    let error = Signal::derive(move || {
        refused_here
            .get()
            .or_else(|| submit.value().get().and_then(Result::err))
    });
    // Posted without JavaScript, there is no password dialog: the form itself asks.
    let password_field = asks_for_password.then(|| {
        view! { <PasswordAgainField why="Creating a token needs your password again. Type it, then Save." error /> }
    });
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
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(created)) => {
            revealed.set(Some(created));
            navigate(paths::TOKENS, Default::default());
        }
        Some(Err(error)) => report_refusal(&error, ERROR_SUMMARY),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // What can't be sent at all (no date, JSON that does not parse) is refused here,
        // every such field at once; the server judges the rest.
        let lifetime = chosen_lifetime(duration.get(), &date.get());
        let (lifetime, (restrictions, metadata)) =
            match both(lifetime, restrictions.fields().read()) {
                Ok(read) => read,
                Err(error) => {
                    refused_here.set(Some(error));
                    return;
                }
            };
        refused_here.set(None);
        let token_type = token_type.get();
        submit.dispatch(NewTokenRequest {
            name: name.get(),
            description: description.get(),
            lifetime,
            token_type,
            // Only custom tokens carry a list; the others get theirs from the type.
            permissions: if token_type == TokenType::Custom {
                selected.get().into_iter().collect()
            } else {
                Vec::new()
            },
            restrictions,
            metadata,
        });
    };

    view! {
        <div class="page-header">
            <div>
                <A href=paths::TOKENS attr:class="back">"← API Tokens"</A>
                <h1>"Create API token"</h1>
                {copied_from.map(|source| view! {
                    <p class="muted" data-testid="copied-from">
                        "Starts from the settings of “" {source} "”. The new token gets a value of its own."
                    </p>
                })}
            </div>
        </div>
        // With JavaScript, `on_submit` sends the request and the browser never posts; without
        // it, the browser posts the named fields to `create_token_form`.
        <form class="card form" method="post" action=CreateTokenForm::url() on:submit=on_submit novalidate>
            {cannot_create.map(|why| view! { <p role="alert" class="alert error">{why}</p> })}
            <ErrorSummary error id=ERROR_SUMMARY />
            <div class="grid">
                <div class="field">
                    <TextField field="name" id="token-name" label="Name" value=name error />
                </div>
                <div class="field">
                    <DescriptionField value=description error />
                </div>
                <div class="field">
                    <DurationField choice=duration date error policy />
                </div>
                <div class="field">
                    <TypeField value=token_type />
                </div>
            </div>
            <PermissionsField selected catalog error />
            <RestrictionsFieldset inputs=restrictions error />
            {password_field}
            <div class="actions">
                <A href=paths::TOKENS attr:class="button secondary">"Cancel"</A>
                {save_button}
            </div>
        </form>
    }
    .into_any()
}
