use leptos::prelude::*;
use tollgate::model::FieldError;

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

/// The form-wide message: what went wrong, in one sentence.
#[component]
pub fn ErrorSummary(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|e| view! { <p role="alert" class="alert error">{e.to_string()}</p> })
    }
}
