//! The token policy (Settings › Token policy), every rule of it: what an admin may set, and
//! whether a token's expiry is inside it. Creating, editing and regenerating a token all ask
//! [`TokenPolicy::check_expiry`]; the store counts tokens outside it with
//! [`TokenPolicy::outside_sql`], the same comparison.
//!
//! Lifetimes are counted from the moment of the write: a token may be issued (or changed,
//! or given a new value) only if it expires at most `max_lifetime_days` from then. So an
//! existing token is outside the policy while it would live longer than a token issued now
//! may, and "bring into policy" shortens it to now + the maximum: nothing stops at once.
//!
//! Plain data and pure functions, so the panel's wasm build shares them with the server.

use chrono::{DateTime, Duration, DurationRound, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::lifetime::{self, TokenLifetime};
use crate::model::{FieldError, TokenView};

/// Reading, previewing and saving the policy: the admin use cases.
#[cfg(feature = "server")]
pub mod service;

/// The longest lifetime, default duration or inactivity period a policy may name: ten years.
pub const MAX_DAYS: i64 = 3650;
/// How many expiry warnings (days before expiry) a policy may ask for.
pub const MAX_WARNINGS: usize = 5;
/// The latest warning: a year before expiry.
pub const MAX_WARNING_DAYS: i64 = 365;

/// The policy as stored and shown, valid by construction of [`TokenPolicy::parse`].
/// Fields in alphabetical order: the JSON answers are compact with sorted keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPolicy {
    /// What the create form starts with, in days; `None`: unlimited. 7, 30 and 90 are the
    /// form's presets; another count starts the form on a custom date.
    pub default_duration_days: Option<u32>,
    /// Days before expiry at which admins are warned, longest first (see
    /// [`crate::tokens::expiry_warnings`]; stored with the policy so one page sets both).
    pub expiry_warning_days: Vec<u32>,
    /// The longest a token may live from when it is issued, changed or regenerated;
    /// `None`: no maximum.
    pub max_lifetime_days: Option<u32>,
    /// Every token must have an expiry (implied by a maximum lifetime).
    pub require_expiry: bool,
    /// Working tokens unused for this many days are revoked by the lifecycle job
    /// ([`crate::tokens::lifecycle`]); `None`: never.
    pub revoke_unused_after_days: Option<u32>,
}

impl Default for TokenPolicy {
    /// No maximum, expiry optional, 30 days on the form, warnings 7 and 1 days before.
    fn default() -> Self {
        Self {
            default_duration_days: TokenLifetime::default().days().map(|d| d as u32),
            expiry_warning_days: vec![7, 1],
            max_lifetime_days: None,
            require_expiry: false,
            revoke_unused_after_days: None,
        }
    }
}

/// What the policy form and `PUT /admin/api/policy` send, unvalidated. Numbers are wide so
/// a negative or huge one gets a message naming its field rather than a parse failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PolicyRequest {
    #[serde(default, deserialize_with = "crate::model::whole_number::option")]
    pub default_duration_days: Option<i64>,
    #[serde(default, deserialize_with = "crate::model::whole_number::list")]
    pub expiry_warning_days: Vec<i64>,
    #[serde(default, deserialize_with = "crate::model::whole_number::option")]
    pub max_lifetime_days: Option<i64>,
    #[serde(default)]
    pub require_expiry: bool,
    #[serde(default, deserialize_with = "crate::model::whole_number::option")]
    pub revoke_unused_after_days: Option<i64>,
}

impl From<&TokenPolicy> for PolicyRequest {
    fn from(policy: &TokenPolicy) -> Self {
        let wide = |days: Option<u32>| days.map(i64::from);
        Self {
            default_duration_days: wide(policy.default_duration_days),
            expiry_warning_days: policy
                .expiry_warning_days
                .iter()
                .copied()
                .map(i64::from)
                .collect(),
            max_lifetime_days: wide(policy.max_lifetime_days),
            require_expiry: policy.require_expiry,
            revoke_unused_after_days: wide(policy.revoke_unused_after_days),
        }
    }
}

/// How many of the tokens the inactivity rule would revoke a preview names.
pub const PREVIEW_NAMES: i64 = 10;

/// What saving a candidate policy would do today, before it is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PolicyPreview {
    /// Working tokens (not revoked, not expired) the candidate would put outside the policy.
    pub outside_policy: i64,
    /// The names of the first [`PREVIEW_NAMES`] of those the inactivity rule would revoke,
    /// longest unused first.
    #[serde(default)]
    pub unused_names: Vec<String>,
    /// Working tokens the inactivity rule would revoke today.
    pub unused_to_revoke: i64,
}

/// What "bring into policy" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BroughtIntoPolicy {
    /// Tokens whose expiry was shortened (each audited).
    pub shortened: i64,
    /// The expiry they were given: now + the maximum lifetime (or + the default duration
    /// when the policy only requires an expiry). `None` when nothing was outside.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A whole number of days in `1..=most`, or the message naming `field`.
fn days(field: &str, what: &str, value: i64, most: i64) -> Result<u32, FieldError> {
    if (1..=most).contains(&value) {
        Ok(value as u32)
    } else {
        Err(FieldError::new(
            field,
            format!("{what} must be between 1 and {most} days."),
        ))
    }
}

impl TokenPolicy {
    /// Checks every field and reports every problem at once, each naming its field.
    pub fn parse(request: &PolicyRequest) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut optional = |field: &str, what: &str, value: Option<i64>| {
            value
                .map(|v| days(field, what, v, MAX_DAYS))
                .transpose()
                .unwrap_or_else(|e| {
                    errors.push(e);
                    None
                })
        };
        let max = optional(
            "max_lifetime_days",
            "The maximum lifetime",
            request.max_lifetime_days,
        );
        let default = optional(
            "default_duration_days",
            "The default duration",
            request.default_duration_days,
        );
        let unused = optional(
            "revoke_unused_after_days",
            "The inactivity period",
            request.revoke_unused_after_days,
        );
        let bad_max = request.max_lifetime_days.is_some() && max.is_none();
        let bad_default = request.default_duration_days.is_some() && default.is_none();
        if !bad_max && !bad_default {
            let field = "default_duration_days";
            match (max, default) {
                (Some(max), None) => errors.push(FieldError::new(
                    field,
                    format!("Tokens may live at most {max} days, so the default duration can't be unlimited: choose {max} days or fewer."),
                )),
                (Some(max), Some(default)) if default > max => errors.push(FieldError::new(
                    field,
                    format!("The default duration must be at most the maximum lifetime ({max} days)."),
                )),
                (None, None) if request.require_expiry => errors.push(FieldError::new(
                    field,
                    "Every token must expire, so the default duration can't be unlimited: choose a number of days.",
                )),
                _ => {}
            }
        }
        let warnings =
            Self::parse_warnings(&request.expiry_warning_days).map_err(|e| errors.push(e));
        match warnings {
            Ok(expiry_warning_days) if errors.is_empty() => Ok(Self {
                default_duration_days: default,
                expiry_warning_days,
                max_lifetime_days: max,
                require_expiry: request.require_expiry || max.is_some(),
                revoke_unused_after_days: unused,
            }),
            _ => Err(errors),
        }
    }

    /// At most [`MAX_WARNINGS`], each 1 to 365 days, none twice; kept longest first.
    fn parse_warnings(raw: &[i64]) -> Result<Vec<u32>, FieldError> {
        let field = "expiry_warning_days";
        if raw.len() > MAX_WARNINGS {
            return Err(FieldError::new(
                field,
                format!(
                    "Choose at most {MAX_WARNINGS} warnings ({} were sent).",
                    raw.len()
                ),
            ));
        }
        let mut warnings = raw
            .iter()
            .map(|&d| days(field, "Each warning", d, MAX_WARNING_DAYS))
            .collect::<Result<Vec<_>, _>>()?;
        warnings.sort_unstable_by(|a, b| b.cmp(a));
        if warnings.windows(2).any(|w| w[0] == w[1]) {
            return Err(FieldError::new(
                field,
                "List each warning once: two of them are the same number of days.",
            ));
        }
        Ok(warnings)
    }

    /// The latest expiry a token written at `now` may have; `None`: no maximum.
    pub fn latest_expiry(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.max_lifetime_days
            .map(|days| now + Duration::days(i64::from(days)))
    }

    /// The last day a date picked on a form written at `now` may be (its 00:00 UTC is
    /// within the maximum).
    pub fn latest_day(&self, now: DateTime<Utc>) -> Option<NaiveDate> {
        self.latest_expiry(now).map(|at| at.date_naive())
    }

    /// Whether a token expiring at `expires_at` (`None`: never) may be written at `now`:
    /// the one rule behind every door's refusal and the "outside policy" count.
    pub fn allows(&self, expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        match (expires_at, self.latest_expiry(now)) {
            (None, _) => !self.require_expiry && self.max_lifetime_days.is_none(),
            (Some(at), Some(latest)) => at <= latest,
            (Some(_), None) => true,
        }
    }

    /// Whether `token` is outside the policy at `now`: it works (not revoked, not expired)
    /// and its expiry is one [`Self::allows`] refuses. The flag the list and the token's
    /// page show; [`Self::outside_sql`] is the same rule for the store.
    pub fn puts_outside(&self, token: &TokenView, now: DateTime<Utc>) -> bool {
        token.revoked_at.is_none() && !token.is_expired(now) && !self.allows(token.expires_at, now)
    }

    /// Sets each view's `outside_policy` flag, for this one reading of the policy.
    pub fn mark_outside<'a>(
        &self,
        tokens: impl IntoIterator<Item = &'a mut TokenView>,
        now: DateTime<Utc>,
    ) {
        for token in tokens {
            token.outside_policy = self.puts_outside(token, now);
        }
    }

    /// Why a token expiring at `expires_at` (`None`: never) is outside the policy, in the
    /// words of its badge's tooltip.
    pub fn why_outside(&self, expires_at: Option<DateTime<Utc>>) -> String {
        match (expires_at, self.max_lifetime_days) {
            (None, _) => "Never expires; the policy requires an expiry.".to_owned(),
            (Some(_), Some(max)) => format!("Expires after the policy's maximum of {max} days."),
            (Some(_), None) => "Its expiry is outside the token policy.".to_owned(),
        }
    }

    /// [`Self::allows`] as the field error every door answers with, on the lifetime's field.
    pub fn check_expiry(
        &self,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), FieldError> {
        if self.allows(expires_at, now) {
            return Ok(());
        }
        let message = match (self.max_lifetime_days, self.latest_day(now)) {
            (Some(max), Some(day)) => format!(
                "Token policy: tokens may live at most {max} days; choose {max} days or fewer, or a date on or before {day}."
            ),
            _ => "Token policy: every token must expire; choose a duration or a date instead of unlimited.".to_owned(),
        };
        Err(FieldError::new(lifetime::FIELD, message))
    }

    /// Whether a form should offer `preset` as a choice at `now`.
    pub fn offers(&self, preset: TokenLifetime, now: DateTime<Utc>) -> bool {
        self.allows(preset.expires_at(now), now)
    }

    /// The lifetime the create form starts on: a preset when the default is one, a custom
    /// date otherwise (the day the default ends, which is within any maximum).
    pub fn default_lifetime(&self, now: DateTime<Utc>) -> TokenLifetime {
        match self.default_duration_days {
            None => TokenLifetime::Unlimited,
            Some(days) => TokenLifetime::from_days(u64::from(days)).unwrap_or_else(|| {
                TokenLifetime::until_day((now + Duration::days(i64::from(days))).date_naive())
            }),
        }
    }

    /// The expiry "bring into policy" gives a token outside it at `now`: the latest the
    /// policy allows, so no token stops working earlier than it must. With only "every
    /// token must expire", the default duration from now. Cut to the second (earlier,
    /// so still inside), as both databases store it the same. `None`: nothing is outside.
    pub fn brought_in_expiry(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let at = self.latest_expiry(now).or_else(|| {
            self.require_expiry
                .then(|| {
                    self.default_duration_days
                        .map(|days| now + Duration::days(i64::from(days)))
                })
                .flatten()
        })?;
        Some(at.duration_trunc(Duration::seconds(1)).unwrap_or(at))
    }

    /// [`Self::allows`]'s negation as a SQL condition: `expires_at` the token's expiry
    /// column (NULL: never), `latest` the placeholder bound to [`Self::latest_expiry`].
    /// `None`: the policy puts nothing outside.
    pub fn outside_sql(&self, expires_at: &str, latest: &str) -> Option<String> {
        match (self.max_lifetime_days, self.require_expiry) {
            (Some(_), _) => Some(format!("({expires_at} IS NULL OR {expires_at} > {latest})")),
            (None, true) => Some(format!("{expires_at} IS NULL")),
            (None, false) => None,
        }
    }

    /// What changed from `old` to `self`, for the audit log: "maximum lifetime: none → 90
    /// days, every token must expire: no → yes".
    pub fn describe_change(&self, old: &TokenPolicy) -> String {
        let days = |d: Option<u32>, none: &str| match d {
            Some(d) => format!("{d} days"),
            None => none.to_owned(),
        };
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
        let list = |l: &[u32]| {
            if l.is_empty() {
                "none".to_owned()
            } else {
                l.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
            }
        };
        let fields = [
            (
                "maximum lifetime",
                days(old.max_lifetime_days, "none"),
                days(self.max_lifetime_days, "none"),
            ),
            (
                "every token must expire",
                yes_no(old.require_expiry),
                yes_no(self.require_expiry),
            ),
            (
                "default duration",
                days(old.default_duration_days, "unlimited"),
                days(self.default_duration_days, "unlimited"),
            ),
            (
                "expiry warnings (days before)",
                list(&old.expiry_warning_days),
                list(&self.expiry_warning_days),
            ),
            (
                "revoke unused after",
                days(old.revoke_unused_after_days, "never"),
                days(self.revoke_unused_after_days, "never"),
            ),
        ];
        let changed: Vec<String> = fields
            .into_iter()
            .filter(|(_, was, is)| was != is)
            .map(|(name, was, is)| format!("{name}: {was} → {is}"))
            .collect();
        if changed.is_empty() {
            "no change".to_owned()
        } else {
            changed.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(max: Option<i64>, default: Option<i64>) -> PolicyRequest {
        PolicyRequest {
            max_lifetime_days: max,
            default_duration_days: default,
            expiry_warning_days: vec![7, 1],
            ..PolicyRequest::default()
        }
    }

    fn fields(result: Result<TokenPolicy, Vec<FieldError>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn the_default_policy_allows_everything_and_round_trips() {
        let policy = TokenPolicy::default();
        assert_eq!(policy.expiry_warning_days, [7, 1]);
        assert_eq!(policy.default_duration_days, Some(30));
        assert!(policy.allows(None, Utc::now()));
        assert_eq!(
            TokenPolicy::parse(&PolicyRequest::from(&policy)).unwrap(),
            policy
        );
        assert_eq!(policy.outside_sql("e", "$1"), None);
    }

    #[test]
    fn days_are_bounded_and_named_by_field() {
        for bad in [0, -1, MAX_DAYS + 1] {
            assert_eq!(
                fields(TokenPolicy::parse(&request(Some(bad), Some(7)))),
                ["max_lifetime_days"],
                "{bad}"
            );
            assert_eq!(
                fields(TokenPolicy::parse(&request(None, Some(bad)))),
                ["default_duration_days"],
                "{bad}"
            );
            let unused = PolicyRequest {
                revoke_unused_after_days: Some(bad),
                ..request(None, Some(30))
            };
            assert_eq!(
                fields(TokenPolicy::parse(&unused)),
                ["revoke_unused_after_days"]
            );
        }
        let ok = TokenPolicy::parse(&request(Some(MAX_DAYS), Some(1))).unwrap();
        assert_eq!(ok.max_lifetime_days, Some(3650));
    }

    #[test]
    fn the_default_duration_lies_within_the_maximum() {
        let too_long = TokenPolicy::parse(&request(Some(90), Some(91))).unwrap_err();
        assert_eq!(too_long[0].field, "default_duration_days");
        assert!(too_long[0].message.contains("90 days"));
        assert_eq!(
            fields(TokenPolicy::parse(&request(Some(90), None))),
            ["default_duration_days"]
        );
        let must_expire = PolicyRequest {
            require_expiry: true,
            ..request(None, None)
        };
        assert_eq!(
            fields(TokenPolicy::parse(&must_expire)),
            ["default_duration_days"]
        );
        let policy = TokenPolicy::parse(&request(Some(90), Some(90))).unwrap();
        assert!(policy.require_expiry, "a maximum implies an expiry");
    }

    #[test]
    fn warnings_are_positive_distinct_few_and_kept_longest_first() {
        let with = |w: Vec<i64>| PolicyRequest {
            expiry_warning_days: w,
            ..request(None, Some(30))
        };
        let policy = TokenPolicy::parse(&with(vec![1, 14, 7])).unwrap();
        assert_eq!(policy.expiry_warning_days, [14, 7, 1]);
        assert!(
            TokenPolicy::parse(&with(vec![]))
                .unwrap()
                .expiry_warning_days
                .is_empty()
        );
        for bad in [
            vec![7, 7],
            vec![0],
            vec![-3],
            vec![366],
            vec![1, 2, 3, 4, 5, 6],
        ] {
            assert_eq!(
                fields(TokenPolicy::parse(&with(bad.clone()))),
                ["expiry_warning_days"],
                "{bad:?}"
            );
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let request = PolicyRequest {
            max_lifetime_days: Some(0),
            default_duration_days: Some(-1),
            expiry_warning_days: vec![3, 3],
            require_expiry: false,
            revoke_unused_after_days: Some(99_999),
        };
        assert_eq!(
            fields(TokenPolicy::parse(&request)),
            [
                "max_lifetime_days",
                "default_duration_days",
                "revoke_unused_after_days",
                "expiry_warning_days"
            ]
        );
    }

    #[test]
    fn a_maximum_refuses_later_and_no_expiry_naming_the_policy() {
        let now = "2027-01-01T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let policy = TokenPolicy::parse(&request(Some(90), Some(30))).unwrap();
        let latest = now + Duration::days(90);
        assert!(policy.allows(Some(latest), now));
        assert!(!policy.allows(Some(latest + Duration::seconds(1)), now));
        assert!(!policy.allows(None, now));
        let error = policy.check_expiry(None, now).unwrap_err();
        assert_eq!(error.field, "duration");
        assert_eq!(
            error.message,
            "Token policy: tokens may live at most 90 days; choose 90 days or fewer, or a date on or before 2027-04-01."
        );
        // The last day offered is allowed: its midnight comes before now + 90 days.
        let last_day = lifetime::midnight_utc(policy.latest_day(now).unwrap());
        assert!(policy.allows(Some(last_day), now));
        assert!(policy.offers(TokenLifetime::Days90, now));
        assert!(!policy.offers(TokenLifetime::Unlimited, now));
        let short = TokenPolicy::parse(&request(Some(14), Some(7))).unwrap();
        assert!(short.offers(TokenLifetime::Days7, now));
        assert!(!short.offers(TokenLifetime::Days30, now));
    }

    #[test]
    fn requiring_an_expiry_refuses_only_unlimited() {
        let now = Utc::now();
        let policy = TokenPolicy::parse(&PolicyRequest {
            require_expiry: true,
            ..request(None, Some(30))
        })
        .unwrap();
        assert!(policy.allows(Some(now + Duration::days(5000)), now));
        let error = policy.check_expiry(None, now).unwrap_err();
        assert!(
            error
                .message
                .starts_with("Token policy: every token must expire")
        );
        assert_eq!(policy.outside_sql("e", "$1").unwrap(), "e IS NULL");
        let expiry = policy.brought_in_expiry(now).unwrap();
        let exact = now + Duration::days(30);
        assert!(expiry <= exact && exact - expiry < Duration::seconds(1));
    }

    #[test]
    fn bringing_in_gives_the_latest_allowed_expiry() {
        let now = Utc::now();
        let policy = TokenPolicy::parse(&request(Some(90), Some(30))).unwrap();
        let expiry = policy.brought_in_expiry(now);
        let exact = now + Duration::days(90);
        assert!(expiry.is_some_and(|at| at <= exact && exact - at < Duration::seconds(1)));
        assert!(policy.allows(expiry, now));
        assert_eq!(TokenPolicy::default().brought_in_expiry(now), None);
        assert_eq!(
            policy.outside_sql("e", "$1").unwrap(),
            "(e IS NULL OR e > $1)"
        );
    }

    #[test]
    fn the_badge_says_why_a_token_is_outside() {
        let now = Utc::now();
        let max = TokenPolicy::parse(&request(Some(90), Some(30))).unwrap();
        assert_eq!(
            max.why_outside(Some(now + Duration::days(200))),
            "Expires after the policy's maximum of 90 days."
        );
        assert_eq!(
            max.why_outside(None),
            "Never expires; the policy requires an expiry."
        );
        let must_expire = TokenPolicy::parse(&PolicyRequest {
            require_expiry: true,
            ..request(None, Some(30))
        })
        .unwrap();
        assert_eq!(
            must_expire.why_outside(None),
            "Never expires; the policy requires an expiry."
        );
    }

    #[test]
    fn the_default_lifetime_is_a_preset_or_a_custom_day() {
        let now = "2027-01-01T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let with = |d| TokenPolicy {
            default_duration_days: d,
            ..TokenPolicy::default()
        };
        assert_eq!(with(Some(7)).default_lifetime(now), TokenLifetime::Days7);
        assert_eq!(with(None).default_lifetime(now), TokenLifetime::Unlimited);
        assert_eq!(
            with(Some(45)).default_lifetime(now),
            lifetime::parse_day("2027-02-15").unwrap()
        );
    }

    #[test]
    fn a_change_is_described_field_by_field() {
        let old = TokenPolicy::default();
        let new = TokenPolicy::parse(&request(Some(90), Some(30))).unwrap();
        assert_eq!(
            new.describe_change(&old),
            "maximum lifetime: none → 90 days, every token must expire: no → yes"
        );
        assert_eq!(old.describe_change(&old), "no change");
    }
}
