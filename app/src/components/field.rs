use leptos::prelude::*;
use tollgate::model::FieldError;

use crate::components::{announce, focus_first, focus_id};
use crate::error::AppError;

/// The message for one field, shown under its input (id `{field}-error`, which the input
/// names in `aria-describedby`).
#[component]
pub fn FieldMessage(
    field: &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = move || {
        error.with(|e| {
            e.as_ref().and_then(|e| {
                e.field_errors()
                    .iter()
                    .find(|f: &&FieldError| f.field == field)
                    .map(|f| f.message.clone())
            })
        })
    };
    view! {
        <p class="field-error" id=format!("{field}-error") aria-live="polite">
            {message}
        </p>
    }
}

/// Whether `field` has an error, for `aria-invalid`.
pub fn has_error(error: &Signal<Option<AppError>>, field: &str) -> bool {
    error.with(|e| {
        e.as_ref()
            .is_some_and(|e| e.field_errors().iter().any(|f| f.field == field))
    })
}

/// Whether `field` had an error as the form was first rendered: a form the server sent
/// back refused (posted without JavaScript) starts on its first invalid field, by
/// `autofocus` (the browser takes the first of several, in page order).
pub fn starts_invalid(error: &Signal<Option<AppError>>, field: &str) -> bool {
    error.with_untracked(|e| {
        e.as_ref()
            .is_some_and(|e| e.field_errors().iter().any(|f| f.field == field))
    })
}

/// The form-wide message: what went wrong, in one sentence.
///
/// With `id`, the form reports the refusal itself ([`report_refusal`]): the message can
/// take focus, and is not a `role="alert"`, which would say it a second time.
#[component]
pub fn ErrorSummary(
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    move || {
        error.get().map(|e| match id {
            Some(id) => {
                view! { <p id=id tabindex="-1" class="alert error">{e.to_string()}</p> }.into_any()
            }
            None => view! { <p role="alert" class="alert error">{e.to_string()}</p> }.into_any(),
        })
    }
}

/// After a refused Save: says why through the page's live region, and moves focus to the
/// first field marked invalid, or else to the summary (`summary_id`, an [`ErrorSummary`]'s
/// `id`) when the refusal is not about a field.
pub fn report_refusal(error: &AppError, summary_id: &'static str) {
    announce(refusal_sentence(error));
    // Both run on the next frame, once the marks are in the page, in this order: when a
    // field is marked, the second wins.
    focus_id(summary_id);
    focus_first("form [aria-invalid=\"true\"]");
}

/// "Not saved. Name is required." — the summary with each field's message, so the
/// announcement says what to fix, not only that something is wrong.
pub fn refusal_sentence(error: &AppError) -> String {
    let fields = error.field_errors();
    if fields.is_empty() {
        return format!("Not saved. {error}");
    }
    let messages = fields
        .iter()
        .map(|f| f.message.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    format!("Not saved. {messages}")
}

/// A labelled input (named `field`, so a plain form post sends it) with its error message (from `error`, matched by `field`) under it.
#[component]
pub fn TextField(
    /// The request field this input fills; errors are matched by it.
    field: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    /// The element id, when `field` would clash with another on the page.
    #[prop(optional)]
    id: Option<&'static str>,
    /// Focused as the page loads, as a field that starts invalid is.
    #[prop(optional)]
    autofocus: bool,
) -> impl IntoView {
    let id = id.unwrap_or(field);
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            name=field
            type=kind
            autocomplete=autocomplete
            // What the page starts with, for the HTML the server sends (a browser without
            // JavaScript shows it); `bind:value` keeps it live once hydrated.
            value=value.get_untracked()
            aria-describedby=format!("{field}-error")
            aria-invalid=move || has_error(&error, field).to_string()
            autofocus=autofocus || starts_invalid(&error, field)
            bind:value=value
        />
        <FieldMessage field error />
    }
}

/// The "Your password" field of a form posted without JavaScript: there is no password
/// dialog then, so a form whose action needs the password again comes back with this
/// field, and Save confirms it and acts in one post. Never filled in again: the server
/// does not hand the password back.
#[component]
pub fn PasswordAgainField(
    /// Why the password is asked for, shown under the field.
    why: &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let password = RwSignal::new(String::new());
    view! {
        <div class="field confirm-password">
            <TextField
                field="password"
                id="confirm-password"
                label="Your password"
                kind="password"
                autocomplete="current-password"
                value=password
                error
                // The form came back for it: it is what to fill in next (unless a field
                // above it was refused too: the browser focuses the first).
                autofocus=true
            />
            <p class="hint">{why}</p>
        </div>
    }
}
