//! A token's restrictions in words, its metadata as JSON, and the one restriction the page
//! itself changes: what the quota has left (giving requests back widens what the token may
//! do, so the server may want the password first).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use tollgate::model::{
    AdminPermission, Metadata, Quota, QuotaRefill, RateLimit, RatePeriod, TokenPatch, TokenView,
    format_time,
};

use super::PageChange;
use crate::components::{confirmed_action, denial, use_hydrated, use_signed_in};
use crate::error::AppError;
use crate::settings::api_tokens::update_token;

#[component]
pub fn RestrictionsCard(token: TokenView, page: PageChange) -> impl IntoView {
    let restrictions = &token.restrictions;
    let networks = if restrictions.allowed_networks.is_empty() {
        view! { "Any address (no network restriction)" }.into_any()
    } else {
        let items = restrictions
            .allowed_networks
            .iter()
            .map(|network| view! { <li><code>{network.clone()}</code></li> })
            .collect_view();
        view! {
            <span>"Only from:"</span>
            <ul class="networks">{items}</ul>
        }
        .into_any()
    };
    let rate = restrictions
        .rate_limit
        .map_or_else(|| "None".to_owned(), rate_sentence);
    let now = Utc::now();
    let quota = restrictions.quota.map_or_else(
        || "None".to_owned(),
        |quota| quota_sentence(quota, token.quota_remaining, now),
    );
    let starts = restrictions.not_before.map_or_else(
        || "Right away (no start set)".to_owned(),
        |at| start_sentence(at, now),
    );
    // A revoked token can't change; setting what is left only makes sense with a quota.
    let quota_form = (restrictions.quota.is_some() && token.revoked_at.is_none())
        .then(|| view! { <QuotaForm id=token.id left=token.quota_remaining page /> });
    view! {
        <section class="card" aria-labelledby="restrictions-title">
            <h2 id="restrictions-title">"Restrictions"</h2>
            <dl class="facts">
                <dt>"Networks"</dt><dd data-testid="restriction-networks">{networks}</dd>
                <dt>"Rate limit"</dt><dd data-testid="restriction-rate">{rate}</dd>
                <dt>"Quota"</dt>
                <dd>
                    <span data-testid="restriction-quota">{quota}</span>
                    {quota_form}
                </dd>
                <dt>"Works from"</dt><dd data-testid="restriction-start">{starts}</dd>
                <dt>"Metadata"</dt><dd><MetadataJson metadata=token.metadata.clone() /></dd>
            </dl>
        </section>
    }
}

/// Formatted so nested objects read as a tree; shown to everyone who may read tokens,
/// which is why the core says metadata is never a secret's place.
#[component]
fn MetadataJson(metadata: Metadata) -> impl IntoView {
    if metadata.is_empty() {
        return view! { <span data-testid="token-metadata">"None"</span> }.into_any();
    }
    view! { <pre class="metadata" data-testid="token-metadata">{metadata_json(&metadata)}</pre> }
        .into_any()
}

fn metadata_json(metadata: &Metadata) -> String {
    serde_json::to_string_pretty(&metadata.0).unwrap_or_else(|_| metadata.to_json())
}

/// What the quota has left, and Save. A value the browser can't read as a number is
/// refused here; the range is the server's to check.
#[component]
fn QuotaForm(id: i64, left: Option<i64>, page: PageChange) -> impl IntoView {
    let admin = use_signed_in();
    let hydrated = use_hydrated();
    let typed = RwSignal::new(left.map(|n| n.to_string()).unwrap_or_default());
    let local_error = RwSignal::new(None::<String>);
    let save = confirmed_action(move |remaining: i64| {
        update_token(
            id,
            TokenPatch {
                quota_remaining: Some(remaining),
                ..TokenPatch::default()
            },
        )
    });
    Effect::new(move |_| {
        if let Some(Ok(token)) = save.value().get() {
            let left = token.quota_remaining.map_or_else(String::new, thousands);
            page.done(format!("Quota updated: {left} requests left."));
        }
    });
    let error = move || {
        local_error.get().or_else(|| match save.value().get() {
            // The password dialog was cancelled: nothing to say beyond what it said.
            Some(Err(AppError::PasswordConfirmationRequired)) | None | Some(Ok(_)) => None,
            Some(Err(error)) => Some(error.explain()),
        })
    };
    if denial(admin, AdminPermission::ApiTokensUpdate).is_some() {
        return ().into_any();
    }
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match parse_remaining(&typed.get_untracked()) {
            Ok(remaining) => {
                local_error.set(None);
                save.dispatch(remaining);
            }
            Err(message) => local_error.set(Some(message)),
        }
    };
    view! {
        // `novalidate`: the browser's own bubble would stop the submit before this form can
        // say what is wrong in its own words, next to the field.
        <form
            class="quota-form"
            aria-label="Set what the quota has left"
            novalidate
            on:submit=on_submit
        >
            <label for="quota-remaining">"Requests left"</label>
            <div class="inline-field">
                <input
                    id="quota-remaining"
                    type="number"
                    min="0"
                    step="1"
                    inputmode="numeric"
                    required
                    aria-invalid=move || error().map(|_| "true")
                    aria-describedby="quota-remaining-error"
                    prop:value=move || typed.get()
                    on:input=move |event| typed.set(event_target_value(&event))
                />
                <button
                    type="submit"
                    class="button secondary"
                    disabled=move || !hydrated.get() || save.pending().get()
                >
                    "Save"
                </button>
            </div>
            <p class="field-error" id="quota-remaining-error" aria-live="polite">
                {error}
            </p>
        </form>
    }
    .into_any()
}

/// A whole number of requests, 0 or more.
fn parse_remaining(typed: &str) -> Result<i64, String> {
    match typed.trim().parse::<i64>() {
        Ok(n) if n >= 0 => Ok(n),
        _ => Err("Enter a whole number of requests, 0 or more.".to_owned()),
    }
}

/// "10 requests per minute".
fn rate_sentence(rate: RateLimit) -> String {
    let per = match rate.per {
        RatePeriod::Second => "second",
        RatePeriod::Minute => "minute",
        RatePeriod::Hour => "hour",
    };
    let noun = if rate.requests == 1 {
        "request"
    } else {
        "requests"
    };
    format!(
        "{} {noun} per {per} (all instances together)",
        thousands(i64::from(rate.requests))
    )
}

/// "740 of 1,000 left, refills monthly (next: 2027-01-01 00:00 UTC)".
fn quota_sentence(quota: Quota, remaining: Option<i64>, now: DateTime<Utc>) -> String {
    let amount = match remaining {
        Some(left) => format!("{} of {} left", thousands(left), thousands(quota.requests)),
        // No count yet (the core keeps none until the quota is first used or set).
        None => format!("{} requests", thousands(quota.requests)),
    };
    let refill = match quota.refill {
        None => "never refilled".to_owned(),
        Some(refill) => {
            let how = match refill {
                QuotaRefill::Daily => "daily",
                QuotaRefill::Monthly => "monthly",
            };
            let next = format_time(refill.next_period_start(now));
            format!("refills {how} (next: {next})")
        }
    };
    format!("{amount}, {refill}")
}

/// "From 2026-12-24 09:00 UTC: refused until then", or since when it has worked.
fn start_sentence(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if at > now {
        format!("From {}: refused until then", format_time(at))
    } else {
        format!("Since {}", format_time(at))
    }
}

/// `1000000` → `1,000,000`: a quota is read at a glance.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn big_numbers_get_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_000_000_000_000), "1,000,000,000,000");
        assert_eq!(thousands(-12345), "-12,345");
    }

    #[test]
    fn a_rate_limit_reads_as_a_sentence() {
        let ten = RateLimit {
            requests: 10,
            per: RatePeriod::Minute,
        };
        assert_eq!(
            rate_sentence(ten),
            "10 requests per minute (all instances together)"
        );
        let one = RateLimit {
            requests: 1,
            per: RatePeriod::Hour,
        };
        assert_eq!(
            rate_sentence(one),
            "1 request per hour (all instances together)"
        );
    }

    #[test]
    fn a_quota_says_what_is_left_and_when_it_refills() {
        let now = at("2026-12-17T15:04:05Z");
        let monthly = Quota {
            requests: 1000,
            refill: Some(QuotaRefill::Monthly),
        };
        assert_eq!(
            quota_sentence(monthly, Some(740), now),
            "740 of 1,000 left, refills monthly (next: 2027-01-01 00:00 UTC)"
        );
        let once = Quota {
            requests: 500,
            refill: None,
        };
        assert_eq!(
            quota_sentence(once, None, now),
            "500 requests, never refilled"
        );
    }

    #[test]
    fn a_start_in_the_future_warns_and_one_in_the_past_does_not() {
        let now = at("2026-12-17T15:04:05Z");
        assert_eq!(
            start_sentence(at("2026-12-24T09:00:00Z"), now),
            "From 2026-12-24 09:00 UTC: refused until then"
        );
        assert_eq!(
            start_sentence(at("2026-12-01T00:00:00Z"), now),
            "Since 2026-12-01 00:00 UTC"
        );
    }

    #[test]
    fn metadata_is_indented_json() {
        let mut map = serde_json::Map::new();
        map.insert("customer".into(), "acme".into());
        assert_eq!(
            metadata_json(&Metadata(map)),
            "{\n  \"customer\": \"acme\"\n}"
        );
    }

    #[test]
    fn what_is_left_must_be_a_whole_number() {
        assert_eq!(parse_remaining(" 740 "), Ok(740));
        assert!(parse_remaining("-1").is_err());
        assert!(parse_remaining("7.5").is_err());
        assert!(parse_remaining("").is_err());
    }
}
