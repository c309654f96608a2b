//! `/settings/token-policy`: the token policy every create, edit and regenerate is held to,
//! what a change would do before it is saved, and "bring into policy". Works with and
//! without JavaScript: the forms post themselves (`form_posts`) when the page is not
//! hydrated, and call the JSON server functions when it is.

mod form;
mod form_posts;
mod server_fns;

pub use form::{PolicyFields, PolicyOutcome};
pub use server_fns::token_form_policy;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use tollgate::model::{AdminPermission, format_time, quoted_names};
use tollgate::policy::{BroughtIntoPolicy, PolicyPreview};

use crate::components::{
    AdminShell, DeniedButton, ErrorSummary, PasswordAgainField, TextField, confirmed_action,
    denial, report_refusal, use_signed_in,
};
use crate::error::AppError;
use form_posts::{BringIntoPolicyForm, PolicyForm, returned_policy_form};
use server_fns::{PolicyState, bring_into_policy, current_policy, preview_policy, save_policy};

const ERROR_SUMMARY: &str = "policy-form-error";

/// Settings › Token policy.
#[component]
pub fn TokenPolicyPage() -> impl IntoView {
    view! {
        <Title text="Token policy" />
        <AdminShell>
            <PolicyStart />
        </AdminShell>
    }
}

/// The policy in force, and what a form posted without JavaScript left for this load.
#[component]
fn PolicyStart() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let state = Resource::new(move || version.get(), |_| current_policy());
    let returned = Resource::new(|| (), |_| returned_policy_form());
    // Up here, so they outlive the form, which is drawn afresh when the policy is read again.
    let saved = RwSignal::new(false);
    let brought = RwSignal::new(None::<BroughtIntoPolicy>);
    view! {
        <div class="page-header">
            <div>
                <h1>"Token policy"</h1>
                <p class="muted">
                    "Rules every token is held to when it is created, edited or regenerated, from the panel, the admin API and the command line. Lifetimes count from that moment. Tokens from before a change keep working until you bring them into policy."
                </p>
            </div>
        </div>
        <Suspense fallback=|| view! { <p class="loading">"Loading the policy…"</p> }>
            {move || Suspend::new(async move {
                let returned = returned.await.ok().flatten();
                match state.await {
                    Ok(state) => view! { <Policy state returned version saved brought /> }.into_any(),
                    Err(error) => view! { <p role="alert" class="alert error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// "With these settings, 2 working tokens would be outside the policy …"
fn preview_sentence(preview: PolicyPreview) -> String {
    let tokens = |n: i64| {
        if n == 1 {
            "1 working token".to_owned()
        } else {
            format!("{n} working tokens")
        }
    };
    let mut text = format!(
        "With these settings, {} would be outside the policy. They keep working until you bring them into policy.",
        tokens(preview.outside_policy)
    );
    if preview.unused_to_revoke > 0 {
        text.push_str(&format!(
            " The inactivity rule would revoke {} unused today: {}.",
            tokens(preview.unused_to_revoke),
            quoted_names(&preview.unused_names, preview.unused_to_revoke)
        ));
    }
    text
}

fn brought_sentence(brought: BroughtIntoPolicy) -> String {
    match (brought.shortened, brought.expires_at) {
        (0, _) | (_, None) => "Every working token is already inside the policy.".to_owned(),
        (1, Some(at)) => format!(
            "Brought 1 token into policy: it now expires {}.",
            format_time(at)
        ),
        (n, Some(at)) => format!(
            "Brought {n} tokens into policy: they now expire {}.",
            format_time(at)
        ),
    }
}

#[component]
fn Policy(
    state: PolicyState,
    returned: Option<PolicyOutcome>,
    version: RwSignal<u32>,
    /// The "saved" and "brought into policy" messages.
    saved: RwSignal<bool>,
    brought: RwSignal<Option<BroughtIntoPolicy>>,
) -> impl IntoView {
    let PolicyState {
        policy,
        outside_now,
    } = state;
    let start = returned
        .as_ref()
        .map(|r| r.fields.clone())
        .unwrap_or_else(|| PolicyFields::of(&policy));
    let max = RwSignal::new(start.max_lifetime_days);
    let require = RwSignal::new(start.require_expiry);
    let default = RwSignal::new(start.default_duration_days);
    let warnings = RwSignal::new(start.expiry_warning_days);
    let unused = RwSignal::new(start.revoke_unused_after_days);
    let fields = move || PolicyFields {
        max_lifetime_days: max.get(),
        require_expiry: require.get(),
        default_duration_days: default.get(),
        expiry_warning_days: warnings.get(),
        revoke_unused_after_days: unused.get(),
    };

    let returned_error = returned.as_ref().and_then(|r| r.error.clone());
    let asks_for_password = returned_error
        .as_ref()
        .is_some_and(AppError::asks_for_password);
    let refused_here = RwSignal::new(returned_error);
    // The bring form's refusal when it was posted without JavaScript; it asks for the
    // password in that form.
    let bring_returned = returned.as_ref().and_then(|r| r.bring_error.clone());
    let bring_asks_for_password = bring_returned
        .as_ref()
        .is_some_and(AppError::asks_for_password);
    let preview = RwSignal::new(returned.as_ref().and_then(|r| r.preview.clone()));
    if let Some(returned) = &returned {
        // What a form posted without JavaScript did, for the page it was sent back to.
        if returned.saved {
            saved.set(true);
        }
        if returned.brought.is_some() {
            brought.set(returned.brought);
        }
    }

    let save = confirmed_action(save_policy);
    let run_preview =
        Action::new(|request: &tollgate::policy::PolicyRequest| preview_policy(request.clone()));
    let bring = confirmed_action(|(): ()| bring_into_policy());
    let error = Signal::derive(move || refused_here.get());
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            match result {
                Ok(_) => {
                    saved.set(true);
                    preview.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => {
                    refused_here.set(Some(e.clone()));
                    report_refusal(&e, ERROR_SUMMARY);
                }
            }
        }
    });
    Effect::new(move |_| {
        if let Some(result) = run_preview.value().get() {
            match result {
                Ok(p) => preview.set(Some(p)),
                Err(e) => {
                    refused_here.set(Some(e.clone()));
                    report_refusal(&e, ERROR_SUMMARY);
                }
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(result)) = bring.value().get() {
            brought.set(Some(result));
            version.update(|v| *v += 1);
        }
    });
    let read = move || {
        saved.set(false);
        brought.set(None);
        match fields().to_request() {
            Ok(request) => {
                refused_here.set(None);
                Some(request)
            }
            Err(e) => {
                refused_here.set(Some(e.clone()));
                report_refusal(&e, ERROR_SUMMARY);
                None
            }
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(request) = read() {
            save.dispatch(request);
        }
    };
    let on_preview = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        if let Some(request) = read() {
            run_preview.dispatch(request);
        }
    };
    let cannot_manage = denial(use_signed_in(), AdminPermission::PolicyManage);
    let password_field = asks_for_password.then(|| {
        view! { <PasswordAgainField why="Changing the token policy needs your password again. Type it, then Save policy." error /> }
    });
    let bring_error = Signal::derive(move || {
        bring
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| bring_returned.clone())
    });
    let bring_password_field = bring_asks_for_password.then(|| {
        view! { <PasswordAgainField why="Bringing tokens into policy needs your password again. Type it, then Bring into policy." error=bring_error /> }
    });
    // A wrong password is said under its field; anything else above the button.
    let bring_alert = move || {
        bring_error
            .get()
            .filter(|e| !e.field_errors().iter().any(|f| f.field == "password"))
    };

    view! {
        {move || saved.get().then(|| view! {
            <p class="alert ok result" role="status" data-testid="policy-saved">"Saved the token policy. New and changed tokens are held to it from now on."</p>
        })}
        <form id="policy-form" class="card form" method="post" action=PolicyForm::url() on:submit=on_submit novalidate>
            {cannot_manage.clone().map(|why| view! { <p role="alert" class="alert error">{why}</p> })}
            <ErrorSummary error id=ERROR_SUMMARY />
            <div class="grid">
                <div class="field">
                    <TextField field="max_lifetime_days" id="policy-max-lifetime" label="Maximum lifetime (days)" kind="number" value=max error />
                    <p class="hint">"Empty: no maximum. Between 1 and 3650."</p>
                </div>
                <div class="field">
                    <TextField field="default_duration_days" id="policy-default-duration" label="Default duration on the create form (days)" kind="number" value=default error />
                    <p class="hint">"7, 30 or 90 are the form's presets; another number starts it on a date. Empty: unlimited."</p>
                </div>
                <div class="field">
                    <label for="policy-require-expiry" class="check">
                        <input type="checkbox" id="policy-require-expiry" name="require_expiry" value="on"
                            checked=require.get_untracked()
                            prop:checked=move || require.get()
                            on:change=move |ev| require.set(event_target_checked(&ev)) />
                        " Every token must expire"
                    </label>
                    <p class="hint">"Always on with a maximum lifetime."</p>
                </div>
                <div class="field">
                    <TextField field="expiry_warning_days" id="policy-warnings" label="Expiry warnings (days before)" value=warnings error />
                    <p class="hint">"Up to 5, separated by commas, like 7, 1. Every admin who may read tokens is told once per token and threshold; empty: no warnings."</p>
                </div>
                <div class="field">
                    <TextField field="revoke_unused_after_days" id="policy-unused" label="Revoke tokens unused for (days)" kind="number" value=unused error />
                    <p class="hint">"Empty: never. Checked every 10 minutes; a token never used counts from its creation. Each one revoked is audited, and the admins get one summary."</p>
                </div>
            </div>
            {password_field}
            <p class="hint" role="status" data-testid="policy-preview">
                {move || preview.get().map(preview_sentence)}
            </p>
            <div class="actions">
                <button type="submit" id="policy-preview-button" class="button secondary"
                    name="intent" value="preview" formaction=PolicyForm::url()
                    on:click=on_preview>
                    "Preview"
                </button>
                {match cannot_manage.clone() {
                    None => view! {
                        <button type="submit" id="policy-save" class="button primary" name="intent" value="save"
                            disabled=move || save.pending().get()>"Save policy"</button>
                    }.into_any(),
                    Some(why) => view! { <DeniedButton label="Save policy".to_owned() why class="button primary" /> }.into_any(),
                }}
            </div>
        </form>
        <section class="card" aria-labelledby="bring-heading">
            <h2 id="bring-heading">"Tokens outside the policy"</h2>
            <p data-testid="outside-now">
                {match outside_now {
                    0 => "Every working token is inside the policy in force.".to_owned(),
                    1 => "1 working token is outside the policy in force. It keeps working.".to_owned(),
                    n => format!("{n} working tokens are outside the policy in force. They keep working."),
                }}
            </p>
            <p class="hint">"Bringing them into policy shortens their expiry to now plus the maximum lifetime (or the default duration, when the policy only requires an expiry). Each change is audited."</p>
            {move || brought.get().map(|b| view! {
                <p class="alert ok result" role="status" data-testid="policy-brought">{brought_sentence(b)}</p>
            })}
            {move || bring_alert().map(|e| view! { <p class="alert error" role="alert" data-testid="bring-refused">{e.explain()}</p> })}
            <form method="post" action=BringIntoPolicyForm::url()
                on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); bring.dispatch(()); }>
                {bring_password_field}
                <button type="submit" id="bring-into-policy" class="button primary"
                    disabled=outside_now == 0 || cannot_manage.is_some()>
                    "Bring into policy"
                </button>
            </form>
        </section>
    }
}
