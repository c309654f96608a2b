//! The duration select, its date picker, and what expiry the choice gives, before Save.

use chrono::{DateTime, Days, Utc};
use leptos::prelude::*;
use tollgate::lifetime::{self, FIELD, TokenLifetime};
use tollgate::model::format_time;
use tollgate::policy::TokenPolicy;

use crate::components::{FieldMessage, has_error, starts_invalid};
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
    /// The token policy: choices beyond it are disabled, and the hint says why
    /// (presentation only; the core refuses them anyway).
    #[prop(default = None)]
    policy: Option<TokenPolicy>,
) -> impl IntoView {
    let now = Utc::now();
    let offered = {
        let policy = policy.clone();
        move |c: DurationChoice| match (&policy, c) {
            (Some(policy), DurationChoice::Preset(preset)) => policy.offers(preset, now),
            _ => true,
        }
    };
    let latest_day = policy
        .as_ref()
        .and_then(|p| p.latest_day(now))
        .map(|day| day.to_string());
    let policy_hint = policy.as_ref().and_then(|p| match p.max_lifetime_days {
        Some(max) => Some(format!(
            "Token policy: tokens may live at most {max} days (a date up to {}).",
            latest_day.clone().unwrap_or_default()
        )),
        None if p.require_expiry => Some("Token policy: every token must expire.".to_owned()),
        None => None,
    });
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
                <option value=c.value() selected=move || choice.get() == c disabled=!offered(c)>{label(c, current)}</option>
            }
        })
        .collect_view();
    // The earliest date the server can accept: today's 00:00 UTC has already passed.
    let tomorrow = (Utc::now().date_naive() + Days::new(1)).to_string();
    let preview = move || date.with(|date| describe(choice.get(), date, current, Utc::now()));
    // A refused custom date is the date input's to fix; any other refusal, the select's.
    let on_date = move || choice.get() == DurationChoice::Custom;
    let select_invalid = move || has_error(&error, FIELD) && !on_date();
    let date_invalid = move || has_error(&error, FIELD) && on_date();
    let starts_on_date = choice.get_untracked() == DurationChoice::Custom;
    let refused_at_start = starts_invalid(&error, FIELD);

    view! {
        // The same words on both forms, and as the token's page and the list say it.
        <label for="token-duration">"Expires"</label>
        <select id="token-duration" name=FIELD aria-describedby="duration-hint duration-error"
            aria-invalid=move || select_invalid().to_string()
            autofocus=refused_at_start && !starts_on_date
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
            <input type="date" id="token-expiry-date" name="expiry_date" min=tomorrow max=latest_day
                aria-describedby="duration-hint duration-error"
                aria-invalid=move || date_invalid().to_string()
                autofocus=refused_at_start && starts_on_date
                value=date.get_untracked()
                bind:value=date />
        </div>
        // Computed in the browser as the choice changes; without JavaScript it would go stale.
        <p class="hint js-only" id="duration-hint" data-testid="expiry-preview">{preview}</p>
        {policy_hint.map(|hint| view! { <p class="hint" data-testid="duration-policy">{hint}</p> })}
        <FieldMessage field=FIELD error />
    }
    .into_any()
}

/// The option's words, the same on both forms ("Expires: 30 days", "Expires: Never"); the
/// preview under the select says the date either gives.
fn label(choice: DurationChoice, current: Option<Option<DateTime<Utc>>>) -> String {
    match choice {
        DurationChoice::Keep => match current.flatten() {
            Some(at) => format!("Unchanged ({})", format_time(at)),
            None => "Unchanged (never)".to_owned(),
        },
        DurationChoice::Custom => "Custom date".to_owned(),
        DurationChoice::Preset(TokenLifetime::Unlimited) => "Never".to_owned(),
        DurationChoice::Preset(lifetime) => lifetime.label().to_owned(),
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
