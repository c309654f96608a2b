//! A token's lifetime, every rule of it: the presets and the default, the field it is sent
//! under, a day read as 00:00 UTC, the checks on a chosen expiry, and what "expired" means
//! (in Rust, and in the SQL the token list filters by).
//!
//! Plain data and pure functions only, so the panel's wasm build shares it with the server.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::FieldError;
use crate::policy::TokenPolicy;

/// The request and form field a lifetime is sent under (panel forms, admin API), and so
/// the field its errors name: the message lands beside the input that caused it.
pub const FIELD: &str = "duration";

/// How long a token lives: a preset, no expiry, or until a chosen moment. The default
/// (30 days) is the default token policy's default duration; a create without a choice
/// gets the default of the policy in force (see [`TokenPolicy::default_lifetime`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TokenLifetime {
    #[serde(rename = "7")]
    Days7,
    #[default]
    #[serde(rename = "30")]
    Days30,
    #[serde(rename = "90")]
    Days90,
    #[serde(rename = "unlimited")]
    Unlimited,
    /// A custom expiry; it must lie in the future when the token is saved.
    #[serde(rename = "until")]
    Until(DateTime<Utc>),
}

impl TokenLifetime {
    /// The presets counted in days, shortest first.
    pub const DAY_PRESETS: [TokenLifetime; 3] = [
        TokenLifetime::Days7,
        TokenLifetime::Days30,
        TokenLifetime::Days90,
    ];

    /// The presets a form offers (a custom date is not one of them).
    pub const ALL: [TokenLifetime; 4] = [
        TokenLifetime::Days7,
        TokenLifetime::Days30,
        TokenLifetime::Days90,
        TokenLifetime::Unlimited,
    ];

    /// The preset number of days; `None` for unlimited and for a custom date.
    pub fn days(self) -> Option<i64> {
        match self {
            TokenLifetime::Days7 => Some(7),
            TokenLifetime::Days30 => Some(30),
            TokenLifetime::Days90 => Some(90),
            TokenLifetime::Unlimited | TokenLifetime::Until(_) => None,
        }
    }

    /// The day presets in words, for messages and documentation: "7, 30 or 90".
    pub fn day_presets_in_words() -> String {
        let days: Vec<String> = Self::DAY_PRESETS
            .iter()
            .filter_map(|preset| preset.days())
            .map(|days| days.to_string())
            .collect();
        match days.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }

    /// The preset of exactly `days` days, if there is one.
    pub fn from_days(days: u64) -> Option<Self> {
        let days = i64::try_from(days).ok()?;
        Self::DAY_PRESETS
            .into_iter()
            .find(|preset| preset.days() == Some(days))
    }

    /// Until 00:00 UTC on `day`.
    pub fn until_day(day: NaiveDate) -> Self {
        TokenLifetime::Until(midnight_utc(day))
    }

    /// The form value (`7`, `30`, `90`, `unlimited`; `custom` for a chosen date).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenLifetime::Days7 => "7",
            TokenLifetime::Days30 => "30",
            TokenLifetime::Days90 => "90",
            TokenLifetime::Unlimited => "unlimited",
            TokenLifetime::Until(_) => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TokenLifetime::Days7 => "7 days",
            TokenLifetime::Days30 => "30 days",
            TokenLifetime::Days90 => "90 days",
            TokenLifetime::Unlimited => "Unlimited",
            TokenLifetime::Until(_) => "Custom date",
        }
    }

    /// A preset by its form value.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == value)
    }

    /// When a token saved at `from` expires (`None`: never). A custom date is returned as
    /// is; whether it is still in the future is [`Expiry::parse`]'s call.
    pub fn expires_at(self, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            TokenLifetime::Until(at) => Some(at),
            preset => preset
                .days()
                .map(|days| from + chrono::Duration::days(days)),
        }
    }
}

/// 00:00 UTC on `day`: how a date without a time (a date input, the API's `2027-01-31`)
/// becomes the moment a token expires, wherever it is entered.
pub fn midnight_utc(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// A `YYYY-MM-DD` date as the lifetime ending at 00:00 UTC that day; `None` if it is
/// not such a date. The text is taken as is (callers trim what their input may pad).
pub fn parse_day(text: &str) -> Option<TokenLifetime> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(TokenLifetime::until_day)
}

/// Whether an expiry at `expires_at` has come by `now`: a token is refused from the very
/// moment it expires, not a tick later. Every "expired" in Tollgate is this comparison;
/// the store's SQL writes it as [`expired_sql`].
pub fn has_passed(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    expires_at <= now
}

/// [`has_passed`] for a token's expiry, where `None` means it never expires.
pub fn is_expired(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expires_at.is_some_and(|at| has_passed(at, now))
}

/// [`is_expired`] as a SQL condition: `expiry` is the token's expiry as an expression in
/// which "never" reads as `'infinity'` (later than any time on both databases), `now` the
/// placeholder of the moment compared. The store suite checks the two agree at
/// `expires_at == now`.
pub fn expired_sql(expiry: &str, now: &str) -> String {
    format!("{expiry} <= {now}")
}

/// The negation of [`expired_sql`], written as `>` rather than `NOT (… <= …)` so both
/// databases can seek the expiry index with it.
pub fn unexpired_sql(expiry: &str, now: &str) -> String {
    format!("{expiry} > {now}")
}

/// The duration a token's current expiry was chosen with (its expiry minus the moment
/// it was set): what a renew extends it by, and the longest warning threshold that makes
/// sense for it. `None` when it never expires, or for a moment that is not before it.
pub fn renewal(
    expires_at: Option<DateTime<Utc>>,
    set_at: Option<DateTime<Utc>>,
) -> Option<chrono::Duration> {
    let lifetime = expires_at? - set_at?;
    (lifetime > chrono::Duration::zero()).then_some(lifetime)
}

/// "30 days", "12 hours": how long a renew gives, as the panel and messages say it.
pub fn describe(duration: chrono::Duration) -> String {
    let days = duration.num_days();
    if days >= 1 {
        let days = (duration + chrono::Duration::hours(12)).num_days();
        return format!("{days} day{}", if days == 1 { "" } else { "s" });
    }
    let hours = duration.num_hours().max(1);
    format!("{hours} hour{}", if hours == 1 { "" } else { "s" })
}

/// When a token saved now expires: a preset counted from now, never, or a custom moment
/// that must lie in the future (and within years a database can store).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry(Option<DateTime<Utc>>);

impl Expiry {
    pub fn parse(lifetime: TokenLifetime, now: DateTime<Utc>) -> Result<Self, FieldError> {
        let at = lifetime.expires_at(now);
        if let TokenLifetime::Until(at) = lifetime {
            // A token saved with an expiry that has passed would be expired at birth.
            if has_passed(at, now) {
                return Err(FieldError::new(
                    FIELD,
                    "The expiry date must be in the future.",
                ));
            }
            if at.year() > 9999 {
                return Err(FieldError::new(
                    FIELD,
                    "The expiry date must be before the year 10000; for a token that never expires, choose unlimited.",
                ));
            }
        }
        Ok(Self(at))
    }

    /// [`Expiry::parse`], then the token policy's check (see [`TokenPolicy::check_expiry`]):
    /// how every create and edit reads a lifetime.
    pub fn parse_within(
        lifetime: TokenLifetime,
        policy: &TokenPolicy,
        now: DateTime<Utc>,
    ) -> Result<Self, FieldError> {
        let expiry = Self::parse(lifetime, now)?;
        policy.check_expiry(expiry.at(), now)?;
        Ok(expiry)
    }

    /// `None`: the token never expires.
    pub fn at(self) -> Option<DateTime<Utc>> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_a_preset_never_or_a_future_date() {
        let now = Utc::now();
        let days = |d| Some(now + chrono::Duration::days(d));
        assert_eq!(
            Expiry::parse(TokenLifetime::Days7, now).unwrap().at(),
            days(7)
        );
        assert_eq!(
            Expiry::parse(TokenLifetime::Days90, now).unwrap().at(),
            days(90)
        );
        assert_eq!(
            Expiry::parse(TokenLifetime::Unlimited, now).unwrap().at(),
            None
        );
        let tomorrow = now + chrono::Duration::days(1);
        assert_eq!(
            Expiry::parse(TokenLifetime::Until(tomorrow), now)
                .unwrap()
                .at(),
            Some(tomorrow)
        );
        let past = Expiry::parse(TokenLifetime::Until(now), now).unwrap_err();
        assert_eq!(past.field, "duration");
        assert!(past.message.contains("future"));
        let far = chrono::NaiveDate::from_ymd_opt(10_000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        assert!(Expiry::parse(TokenLifetime::Until(far), now).is_err());
    }

    #[test]
    fn the_default_is_thirty_days_and_the_presets_are_seven_thirty_ninety() {
        assert_eq!(TokenLifetime::default(), TokenLifetime::Days30);
        let days: Vec<_> = TokenLifetime::DAY_PRESETS
            .iter()
            .map(|p| p.days())
            .collect();
        assert_eq!(days, [Some(7), Some(30), Some(90)]);
        for preset in TokenLifetime::DAY_PRESETS {
            assert!(TokenLifetime::ALL.contains(&preset));
            let days = u64::try_from(preset.days().unwrap()).unwrap();
            assert_eq!(TokenLifetime::from_days(days), Some(preset));
        }
        for other in [0, 1, 14, 31, 365, u64::MAX] {
            assert_eq!(TokenLifetime::from_days(other), None, "{other}");
        }
    }

    #[test]
    fn form_values_round_trip() {
        for lifetime in TokenLifetime::ALL {
            assert_eq!(TokenLifetime::parse(lifetime.as_str()), Some(lifetime));
        }
        assert_eq!(TokenLifetime::parse("custom"), None);
        assert_eq!(TokenLifetime::parse("14"), None);
    }

    #[test]
    fn a_day_means_its_midnight_utc() {
        let midnight = "2027-01-31T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            parse_day("2027-01-31"),
            Some(TokenLifetime::Until(midnight))
        );
        let day = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        assert_eq!(midnight_utc(day), midnight);
        assert_eq!(
            TokenLifetime::until_day(day),
            TokenLifetime::Until(midnight)
        );
        for bad in [
            "",
            "soon",
            "2027-02-30",
            "31.01.2027",
            "2027-01-31T00:00:00Z",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_token_is_expired_from_the_moment_its_expiry_comes() {
        let at = "2027-01-31T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let tick = chrono::Duration::microseconds(1);
        assert!(!has_passed(at, at - tick));
        assert!(has_passed(at, at));
        assert!(has_passed(at, at + tick));
        assert!(is_expired(Some(at), at));
        assert!(!is_expired(Some(at), at - tick));
        assert!(!is_expired(None, DateTime::<Utc>::MAX_UTC));
    }

    #[test]
    fn the_sql_conditions_compare_like_the_predicate() {
        assert_eq!(expired_sql("e", "$1"), "e <= $1");
        assert_eq!(unexpired_sql("e", "$1"), "e > $1");
    }

    #[test]
    fn the_presets_in_words_name_each_preset() {
        assert_eq!(TokenLifetime::day_presets_in_words(), "7, 30 or 90");
    }

    #[test]
    fn durations_read_as_days_or_hours() {
        assert_eq!(describe(chrono::Duration::days(30)), "30 days");
        assert_eq!(describe(chrono::Duration::days(1)), "1 day");
        assert_eq!(describe(chrono::Duration::hours(30)), "1 day");
        assert_eq!(describe(chrono::Duration::hours(5)), "5 hours");
        assert_eq!(describe(chrono::Duration::minutes(5)), "1 hour");
    }
}
