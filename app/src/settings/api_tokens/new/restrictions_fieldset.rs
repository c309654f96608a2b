//! The "Restrictions" part of the create and edit forms: allowed networks, rate limit,
//! quota, start and metadata. Collapsed while nothing is set; open when something is, or
//! when the server refused one of them, so the message is never hidden.
//!
//! Every input is named as the form posts it without JavaScript, and its text is kept as
//! typed ([`RestrictionFields`]); reading it is [`RestrictionFields::read`]'s job, the
//! same for both ways of posting.

use leptos::html;
use leptos::prelude::*;
use tollgate::model::{QuotaRefill, RatePeriod};

use crate::components::{FieldMessage, has_error, starts_invalid};
use crate::error::AppError;
use crate::settings::api_tokens::forms::RestrictionFields;
use crate::settings::api_tokens::forms::restrictions::{
    METADATA_FIELD, NETWORKS_FIELD, NOT_BEFORE_FIELD, QUOTA_FIELD, RATE_LIMIT_FIELD,
    RESTRICTION_FIELDS, metadata_limits,
};

/// The fields' live text in a hydrated form.
#[derive(Debug, Clone, Copy)]
pub struct RestrictionInputs {
    allowed_networks: RwSignal<String>,
    rate_limit: RwSignal<String>,
    rate_period: RwSignal<String>,
    quota: RwSignal<String>,
    quota_refill: RwSignal<String>,
    not_before: RwSignal<String>,
    metadata: RwSignal<String>,
}

impl RestrictionInputs {
    pub fn new(start: RestrictionFields) -> Self {
        Self {
            allowed_networks: RwSignal::new(start.allowed_networks),
            rate_limit: RwSignal::new(start.rate_limit),
            rate_period: RwSignal::new(start.rate_period),
            quota: RwSignal::new(start.quota),
            quota_refill: RwSignal::new(start.quota_refill),
            not_before: RwSignal::new(start.not_before),
            metadata: RwSignal::new(start.metadata),
        }
    }

    /// What the fields say now, as a post without JavaScript would send it.
    pub fn fields(&self) -> RestrictionFields {
        RestrictionFields {
            allowed_networks: self.allowed_networks.get_untracked(),
            rate_limit: self.rate_limit.get_untracked(),
            rate_period: self.rate_period.get_untracked(),
            quota: self.quota.get_untracked(),
            quota_refill: self.quota_refill.get_untracked(),
            not_before: self.not_before.get_untracked(),
            metadata: self.metadata.get_untracked(),
        }
    }
}

/// Whether `error` is about one of the restriction fields.
fn names_a_restriction(error: &Option<AppError>) -> bool {
    error.as_ref().is_some_and(|e| {
        e.field_errors()
            .iter()
            .any(|f| RESTRICTION_FIELDS.contains(&f.field.as_str()))
    })
}

/// `aria-describedby` of an input with a hint: the hint, then the error under it.
fn described_by(hint_id: &str, field: &str) -> String {
    format!("{hint_id} {field}-error")
}

#[component]
pub fn RestrictionsFieldset(
    inputs: RestrictionInputs,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let starts_open = !inputs.fields().is_blank() || error.with_untracked(names_a_restriction);
    // A refusal under a collapsed field would be invisible, and its input could not take
    // focus: opening it comes first (the refusal's focus waits for the next frame).
    let details = NodeRef::<html::Details>::new();
    Effect::new(move |_| {
        if error.with(names_a_restriction)
            && let Some(details) = details.get()
        {
            details.set_open(true);
        }
    });
    let invalid = move |field: &'static str| move || has_error(&error, field).to_string();
    let autofocus = move |field: &'static str| starts_invalid(&error, field);

    let rate_periods = RatePeriod::ALL.map(|period| {
        let value = period.as_str();
        let selected = move || inputs.rate_period.get() == value;
        view! { <option value=value selected=selected>{format!("per {value}")}</option> }
    });
    let refill_choice = |value: &'static str, label: &'static str| {
        let selected = move || inputs.quota_refill.get() == value;
        view! { <option value=value selected=selected>{label}</option> }
    };
    let refills = QuotaRefill::ALL.map(|refill| {
        let label = match refill {
            QuotaRefill::Daily => "refilled daily",
            QuotaRefill::Monthly => "refilled monthly",
        };
        refill_choice(refill.as_str(), label)
    });

    view! {
        <details class="restrictions" open=starts_open node_ref=details data-testid="restrictions-fields">
            <summary>
                "Restrictions and metadata"
                <span class="muted">" — networks, rate limit, quota, start, metadata (all optional)"</span>
            </summary>
            <div class="grid">
                <div class="field wide">
                    <label for="allowed-networks">"Allowed networks"</label>
                    <textarea
                        id="allowed-networks"
                        name="allowed_networks"
                        rows="3"
                        spellcheck="false"
                        placeholder="203.0.113.7\n10.0.0.0/8"
                        aria-describedby=described_by("allowed-networks-hint", NETWORKS_FIELD)
                        aria-invalid=invalid(NETWORKS_FIELD)
                        autofocus=autofocus(NETWORKS_FIELD)
                        prop:value=move || inputs.allowed_networks.get()
                        on:input=move |ev| inputs.allowed_networks.set(event_target_value(&ev))
                    >
                        // The server's HTML carries the starting text; `prop:value` takes over once hydrated.
                        {inputs.allowed_networks.get_untracked()}
                    </textarea>
                    <p class="hint" id="allowed-networks-hint">
                        "IPv4 or IPv6 addresses and CIDR ranges, one per line or separated by commas, "
                        "like 203.0.113.7, 10.0.0.0/8 or 2001:db8::/32. Empty: from any address."
                    </p>
                    <FieldMessage field=NETWORKS_FIELD error />
                </div>
                <div class="field">
                    <label for="rate-limit">"Rate limit"</label>
                    <div class="amount-per">
                        // Text, not `type="number"`: a browser empties a number input it can't
                        // read, and what was typed would be lost instead of refused.
                        <input
                            id="rate-limit"
                            name="rate_limit"
                            type="text"
                            inputmode="numeric"
                            autocomplete="off"
                            placeholder="No limit"
                            value=inputs.rate_limit.get_untracked()
                            aria-describedby=described_by("rate-limit-hint", RATE_LIMIT_FIELD)
                            aria-invalid=invalid(RATE_LIMIT_FIELD)
                            autofocus=autofocus(RATE_LIMIT_FIELD)
                            bind:value=inputs.rate_limit
                        />
                        <select
                            id="rate-period"
                            name="rate_period"
                            aria-label="Rate limit period"
                            on:change=move |ev| inputs.rate_period.set(event_target_value(&ev))
                        >
                            {rate_periods}
                        </select>
                    </div>
                    <p class="hint" id="rate-limit-hint">
                        "Requests allowed per period, on each Tollgate instance. Empty: no limit."
                    </p>
                    <FieldMessage field=RATE_LIMIT_FIELD error />
                </div>
                <div class="field">
                    <label for="quota">"Quota"</label>
                    <div class="amount-per">
                        <input
                            id="quota"
                            name="quota"
                            type="text"
                            inputmode="numeric"
                            autocomplete="off"
                            placeholder="No quota"
                            value=inputs.quota.get_untracked()
                            aria-describedby=described_by("quota-hint", QUOTA_FIELD)
                            aria-invalid=invalid(QUOTA_FIELD)
                            autofocus=autofocus(QUOTA_FIELD)
                            bind:value=inputs.quota
                        />
                        <select
                            id="quota-refill"
                            name="quota_refill"
                            aria-label="Quota refill"
                            on:change=move |ev| inputs.quota_refill.set(event_target_value(&ev))
                        >
                            {refill_choice("", "never refilled")}
                            {refills}
                        </select>
                    </div>
                    <p class="hint" id="quota-hint">
                        "Requests allowed in all; a refill fills it up again at 00:00 UTC. Empty: no quota."
                    </p>
                    <FieldMessage field=QUOTA_FIELD error />
                </div>
                <div class="field">
                    <label for="not-before">"Not before (UTC)"</label>
                    <input
                        id="not-before"
                        name="not_before"
                        type="datetime-local"
                        value=inputs.not_before.get_untracked()
                        aria-describedby=described_by("not-before-hint", NOT_BEFORE_FIELD)
                        aria-invalid=invalid(NOT_BEFORE_FIELD)
                        autofocus=autofocus(NOT_BEFORE_FIELD)
                        bind:value=inputs.not_before
                    />
                    <p class="hint" id="not-before-hint">
                        "The token is refused before this date and time, read as UTC. Empty: it works right away."
                    </p>
                    <FieldMessage field=NOT_BEFORE_FIELD error />
                </div>
                <div class="field wide">
                    <label for="metadata">"Metadata (JSON)"</label>
                    <textarea
                        id="metadata"
                        name="metadata"
                        rows="4"
                        spellcheck="false"
                        class="code"
                        placeholder=r#"{"customer": "acme", "plan": "pro"}"#
                        aria-describedby=described_by("metadata-hint", METADATA_FIELD)
                        aria-invalid=invalid(METADATA_FIELD)
                        autofocus=autofocus(METADATA_FIELD)
                        prop:value=move || inputs.metadata.get()
                        on:input=move |ev| inputs.metadata.set(event_target_value(&ev))
                    >
                        {inputs.metadata.get_untracked()}
                    </textarea>
                    <p class="hint" id="metadata-hint">
                        "One JSON object, returned by /api/tokens/verify and passed to forward-auth's "
                        "upstream, so a service knows who called. " {metadata_limits()}
                        " Every admin who may read tokens sees it: never put a secret here."
                    </p>
                    <FieldMessage field=METADATA_FIELD error />
                </div>
            </div>
        </details>
    }
}
