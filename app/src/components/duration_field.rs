//! The duration select, its date picker, and what expiry the choice gives, before Save.

use chrono::{DateTime, Days, Utc};
use leptos::prelude::*;
use tollgate::lifetime::{self, FIELD, TokenLifetime};
use tollgate::model::format_time;

use crate::components::{FieldMessage, has_error};
use crate::error::AppError;
use crate::settings::api_tokens::{DurationChoice, custom_lifetime};

/// The duration select (presets, a custom date, never; on the edit form also "keep"), the
/// date picker when a custom date is chosen, and what expiry the choice gives, before Save.
#[component]
pub fn DurationField(
    choice: RwSignal<DurationChoice>,
    /// The custom date input's value, `YYYY-MM-DD`.
    date: RwSignal<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
    /// On the edit form: the token's expiry now (`None`: never), offered as "keep".
    #[prop(optional)]
    current: Option<Option<DateTime<Utc>>>,
) -> impl IntoView {
    let editing = current.is_some();
    let mut choices = Vec::new();
    if editing {
        choices.push(DurationChoice::Keep);
    }
    choices.extend(TokenLifetime::DAY_PRESETS.map(DurationChoice::Preset));
    choices.push(DurationChoice::Custom);
    choices.push(DurationChoice::Preset(TokenLifetime::Unlimited));
    let options = choices
        .into_iter()
        .map(|c| {
            view! {
                <option value=c.value() selected=move || choice.get() == c>{label(c, editing)}</option>
            }
        })
        .collect_view();
    // The earliest date the server can accept: today's 00:00 UTC has already passed.
    let tomorrow = (Utc::now().date_naive() + Days::new(1)).to_string();
    let preview = move || date.with(|date| describe(choice.get(), date, current, Utc::now()));

    view! {
        <label for="token-duration">{if editing { "Expiry" } else { "Token duration" }}</label>
        <select id="token-duration" name=FIELD aria-describedby="duration-hint duration-error"
            aria-invalid=move || has_error(&error, FIELD).to_string()
            on:change=move |ev| {
                if let Some(value) = DurationChoice::parse(&event_target_value(&ev)) {
                    choice.set(value);
                }
            }>
            {options}
        </select>
        // Always in the page, shown by the style sheet while the select says "Custom date",
        // so it works without JavaScript too.
        <div class="custom-date">
            <label for="token-expiry-date">"Expiry date"</label>
            <input type="date" id="token-expiry-date" name="expiry_date" min=tomorrow
                aria-describedby="duration-hint duration-error"
                aria-invalid=move || has_error(&error, FIELD).to_string()
                value=date.get_untracked()
                bind:value=date />
        </div>
        // Computed in the browser as the choice changes; without JavaScript it would go stale.
        <p class="hint js-only" id="duration-hint" data-testid="expiry-preview">{preview}</p>
        <FieldMessage field=FIELD error />
    }
    .into_any()
}

fn label(choice: DurationChoice, editing: bool) -> String {
    match (choice, editing) {
        (DurationChoice::Keep, _) => "Keep the current expiry".to_owned(),
        (DurationChoice::Custom, _) => "Custom date".to_owned(),
        (DurationChoice::Preset(TokenLifetime::Unlimited), true) => "Never".to_owned(),
        (DurationChoice::Preset(lifetime), true) => format!("{} from now", lifetime.label()),
        (DurationChoice::Preset(lifetime), false) => lifetime.label().to_owned(),
    }
}

/// The expiry Save would give, in words.
fn describe(
    choice: DurationChoice,
    date: &str,
    current: Option<Option<DateTime<Utc>>>,
    now: DateTime<Utc>,
) -> String {
    let lifetime = match choice {
        DurationChoice::Keep => {
            return match current.flatten() {
                Some(at) => format!("Keeps its current expiry: {}", format_time(at)),
                None => "Keeps never expiring.".to_owned(),
            };
        }
        DurationChoice::Preset(lifetime) => lifetime,
        DurationChoice::Custom => match custom_lifetime(date) {
            Some(lifetime) => lifetime,
            None => return "Choose the day it expires (at 00:00 UTC).".to_owned(),
        },
    };
    match lifetime.expires_at(now) {
        Some(at) if lifetime::has_passed(at, now) => {
            format!("{} has passed: choose a later date.", format_time(at))
        }
        Some(at) => format!("Expires {}", format_time(at)),
        None => {
            "Never expires. Prefer a lifetime for tokens that leave your infrastructure.".to_owned()
        }
    }
}
