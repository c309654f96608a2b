use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use tollgate::model::{TokenPatch, TokenView, format_time};

use super::chosen_lifetime;
use super::forms::{Edited, both, changes};
use super::new::draft::TokenDraft;
use super::new::restrictions_fieldset::{RestrictionInputs, RestrictionsFieldset};
use super::{
    ReturnedForm, UpdateTokenForm, get_token, returned_token_form, route_id, update_token,
};
use crate::components::{
    AdminShell, DescriptionField, DurationField, ErrorSummary, FieldMessage, PasswordAgainField,
    PermissionsField, TextField, TypeField, announce, catalog_resource, confirmed_action, focus_id,
    report_refusal,
};
use crate::error::AppError;
use crate::paths;
use crate::settings::policy::token_form_policy;

/// Settings > API Tokens > one token > Edit: name, description, type, permissions, expiry,
/// restrictions and metadata.
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
    let token = Resource::new(id.clone(), |id| async move {
        match id {
            Some(id) => get_token(id).await,
            None => Err(AppError::NotFound("token".into())),
        }
    });
    let catalog = catalog_resource();
    let policy = Resource::new(|| (), |_| token_form_policy());
    // The form as the browser posted it without JavaScript, when the server refused it.
    let returned = Resource::new(id, |id| async move {
        match id {
            Some(id) => returned_token_form(Some(id)).await,
            None => Ok(None),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the token…"</p> }>
            {move || Suspend::new(async move {
                let returned = returned.await.ok().flatten();
                // Without it, the form offers every choice, as the create form does; the
                // core still holds every edit to the policy.
                let policy = policy.await.ok();
                match token.await {
                    Ok(token) if token.revoked_at.is_some() => view! { <RevokedNotice token /> }.into_any(),
                    Ok(token) => view! { <EditTokenForm token catalog policy returned /> }.into_any(),
                    Err(error) => view! {
                        <A href=paths::TOKENS attr:class="back">"← API Tokens"</A>
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
    let href = paths::token(token.id);
    let back = format!("← {}", token.name);
    view! {
        <A href=href attr:class="back">{back}</A>
        <p role="alert" class="alert error">
            "“" {token.name} "” was revoked and can no longer be changed. "
            "Use “Copy as new” on its page for a token with the same settings."
        </p>
    }
}

/// The id of the form's error summary, focused when a refusal is not about one field.
const ERROR_SUMMARY: &str = "token-form-error";

/// The query flag the token's page reads to say its edit was saved.
const SAVED_FLAG: &str = "saved";
const SAVED_MESSAGE: &str = "Saved. The changes apply from the token's next request.";

/// Where Save leads, with or without JavaScript: the token's page, saying "Saved".
pub(super) fn saved_token_href(id: i64) -> String {
    format!("{}?{SAVED_FLAG}=1", paths::token(id))
}

/// "Saved", on the token's page right after its edit form saved: the result of Save, so
/// it is announced and takes focus (which would otherwise fall back to `<body>`). The
/// page above it already shows the token as saved: it loads it afresh.
///
/// Without JavaScript the form's redirect carries the same flag, and `autofocus` moves
/// focus here.
#[component]
pub fn SavedNotice() -> impl IntoView {
    let saved = use_query_map().with_untracked(|query| query.get(SAVED_FLAG).is_some());
    Effect::new(move |_| {
        if saved {
            announce(SAVED_MESSAGE);
            focus_id("saved-notice");
        }
    });
    saved.then(|| {
        view! {
            <p id="saved-notice" class="alert ok" tabindex="-1" autofocus=true>{SAVED_MESSAGE}</p>
        }
    })
}

#[component]
fn EditTokenForm(
    token: TokenView,
    catalog: Resource<Result<tollgate::catalog::Catalog, AppError>>,
    /// The token policy, for the choices the duration offers.
    policy: Option<tollgate::policy::TokenPolicy>,
    /// What was posted without JavaScript and refused: the form starts from it.
    returned: Option<ReturnedForm>,
) -> impl IntoView {
    let navigate = use_navigate();
    let id = token.id;
    let token_href = paths::token(id);
    let (start, refused, shown) = match returned {
        Some(ReturnedForm { form, error, shown }) => {
            (TokenDraft::from_form(&form), Some(error), shown)
        }
        None => (TokenDraft::editing(&token), None, None),
    };
    // The baseline a post without JavaScript is compared with: see `update_token_form`.
    let shown = serde_json::to_string(shown.as_deref().unwrap_or(&token)).unwrap_or_default();
    let name = RwSignal::new(start.name);
    let description = RwSignal::new(start.description);
    let token_type = RwSignal::new(start.token_type);
    let selected = RwSignal::new(start.permissions);
    let duration = RwSignal::new(start.duration);
    let date = RwSignal::new(start.date);
    let restrictions = RestrictionInputs::new(start.restrictions);
    let current_expiry = token.expires_at;

    let asks_for_password = refused.as_ref().is_some_and(AppError::asks_for_password);
    // An edit that lets the token do more needs the password again, like creating one:
    // the server says so, and the dialog asks, then saves the same patch again.
    let save = confirmed_action(move |patch: TokenPatch| update_token(id, patch));
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
            .or_else(|| save.value().get().and_then(Result::err))
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => navigate(&saved_token_href(id), Default::default()),
        Some(Err(error)) => report_refusal(&error, ERROR_SUMMARY),
        None => {}
    });
    // Posted without JavaScript, there is no password dialog: the form itself asks.
    let password_field = asks_for_password.then(|| {
        view! { <PasswordAgainField why="An edit that lets the token do more needs your password again. Type it, then Save." error /> }
    });
    let original = StoredValue::new(token.clone());
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
        let patch = original.with_value(|original| {
            changes(
                original,
                Edited {
                    name: name.get(),
                    description: description.get(),
                    token_type: token_type.get(),
                    permissions: selected.get(),
                    lifetime,
                    restrictions,
                    metadata,
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
        // With JavaScript, `on_submit` sends the patch and the browser never posts; without
        // it, the browser posts the named fields to `update_token_form`.
        <form class="card form" method="post" action=UpdateTokenForm::url() on:submit=on_submit novalidate>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="shown" value=shown />
            <ErrorSummary error id=ERROR_SUMMARY />
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
                    <DurationField choice=duration date error current=current_expiry policy />
                </div>
                <div class="field">
                    <TypeField value=token_type />
                </div>
            </div>
            <PermissionsField selected catalog error />
            <RestrictionsFieldset inputs=restrictions error />
            {password_field}
            <div class="actions">
                <A href=token_href attr:class="button secondary">"Cancel"</A>
                <button type="submit" class="button primary" disabled=move || save.pending().get()>"Save"</button>
            </div>
        </form>
    }
    .into_any()
}
