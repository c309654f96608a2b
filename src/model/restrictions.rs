//! How a token may be used, beyond what it may do: from which networks, how fast, how
//! much in all, from when, and whether it is suspended; plus the metadata a service sees
//! on verify. Plain data, shared with the panel's wasm build; `crate::validate` checks
//! what a request sends, and `crate::tokens::verifier` enforces it at every door.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The fields errors about restrictions name (form fields and API body fields alike), here
/// so the panel's forms and the core's validation use the same names.
pub const NETWORKS_FIELD: &str = "allowed_networks";
pub const RATE_LIMIT_FIELD: &str = "rate_limit";
pub const QUOTA_FIELD: &str = "quota";
pub const QUOTA_REMAINING_FIELD: &str = "quota_remaining";
pub const NOT_BEFORE_FIELD: &str = "not_before";
pub const METADATA_FIELD: &str = "metadata";

/// How long a suspension's reason may be, in characters (the panel's fields stop there).
pub const SUSPENSION_REASON_MAX: usize = 200;

/// The limits a token is created with or edited to, all optional. The default restricts
/// nothing. In a request the networks are raw text; in a [`super::TokenView`] they are the
/// validated ranges, written canonically (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7/32`).
// Unknown fields are refused, so a misspelt restriction (`rate_limt`) is an error, never a
// restriction silently not set. Fields are in alphabetical order here and in the structs
// below: the API's answers are JSON with sorted keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Restrictions {
    /// Client addresses the token works from: IPv4/IPv6 addresses or CIDR ranges. Empty:
    /// anywhere.
    #[serde(default)]
    pub allowed_networks: Vec<String>,
    /// The token is refused before this moment.
    #[serde(default)]
    pub not_before: Option<DateTime<Utc>>,
    /// Requests in all (optionally refilled each day or month); `None`: unlimited.
    #[serde(default)]
    pub quota: Option<Quota>,
    /// Requests per second, minute or hour; `None`: unlimited.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
}

/// Restricts nothing: what `Restrictions::default()` gives, for where a `&'static` is
/// needed (the tokens Tollgate makes on its own).
pub static UNRESTRICTED: Restrictions = Restrictions {
    allowed_networks: Vec::new(),
    rate_limit: None,
    quota: None,
    not_before: None,
};

impl Restrictions {
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// The restrictions in a few words each, for the token list and the audit log:
    /// `["2 networks", "100/min", "quota 1000/day"]`.
    pub fn summary(&self) -> Vec<String> {
        let mut parts = Vec::new();
        match self.allowed_networks.len() {
            0 => {}
            1 => parts.push(self.allowed_networks[0].clone()),
            n => parts.push(format!("{n} networks")),
        }
        if let Some(rate) = self.rate_limit {
            parts.push(rate.short());
        }
        if let Some(quota) = self.quota {
            parts.push(quota.short());
        }
        if let Some(at) = self.not_before {
            parts.push(format!("from {}", super::format_time(at)));
        }
        parts
    }
}

/// The window a rate limit counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatePeriod {
    Second,
    Minute,
    Hour,
}

impl RatePeriod {
    pub const ALL: [RatePeriod; 3] = [RatePeriod::Second, RatePeriod::Minute, RatePeriod::Hour];

    pub fn as_str(self) -> &'static str {
        match self {
            RatePeriod::Second => "second",
            RatePeriod::Minute => "minute",
            RatePeriod::Hour => "hour",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }

    pub fn seconds(self) -> u64 {
        match self {
            RatePeriod::Second => 1,
            RatePeriod::Minute => 60,
            RatePeriod::Hour => 3600,
        }
    }

    fn abbreviation(self) -> &'static str {
        match self {
            RatePeriod::Second => "s",
            RatePeriod::Minute => "min",
            RatePeriod::Hour => "h",
        }
    }
}

/// At most `requests` requests in each `per` of the clock, all instances together (see
/// `crate::tokens::rate_limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub per: RatePeriod,
    #[serde(deserialize_with = "super::whole_number::deserialize")]
    pub requests: u32,
}

impl RateLimit {
    /// `100/min`.
    pub fn short(self) -> String {
        format!("{}/{}", self.requests, self.per.abbreviation())
    }
}

/// How often a quota is filled up again to its `requests`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaRefill {
    /// At 00:00 UTC.
    Daily,
    /// At 00:00 UTC on the first of the month.
    Monthly,
}

impl QuotaRefill {
    pub const ALL: [QuotaRefill; 2] = [QuotaRefill::Daily, QuotaRefill::Monthly];

    pub fn as_str(self) -> &'static str {
        match self {
            QuotaRefill::Daily => "daily",
            QuotaRefill::Monthly => "monthly",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// When the period that holds `at` began: the moment the quota was last filled up.
    pub fn period_start(self, at: DateTime<Utc>) -> DateTime<Utc> {
        use chrono::Datelike;
        let day = at.date_naive();
        let first = match self {
            QuotaRefill::Daily => day,
            QuotaRefill::Monthly => day.with_day(1).expect("every month has a first"),
        };
        crate::lifetime::midnight_utc(first)
    }

    /// When the quota is next filled up, after `at`.
    pub fn next_period_start(self, at: DateTime<Utc>) -> DateTime<Utc> {
        let start = self.period_start(at);
        match self {
            QuotaRefill::Daily => start + chrono::Duration::days(1),
            QuotaRefill::Monthly => start
                .checked_add_months(chrono::Months::new(1))
                .expect("a month later is representable"),
        }
    }
}

/// `requests` requests in all; with a refill, that many again each day or month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    #[serde(deserialize_with = "super::whole_number::deserialize")]
    pub requests: i64,
    #[serde(default)]
    pub refill: Option<QuotaRefill>,
}

impl Quota {
    /// When the period holding `at` began, for a refilling quota; `None` without a refill.
    pub fn period_start(self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.refill.map(|refill| refill.period_start(at))
    }

    /// `quota 1000/day`, `quota 500`.
    pub fn short(self) -> String {
        match self.refill {
            None => format!("quota {}", self.requests),
            Some(QuotaRefill::Daily) => format!("quota {}/day", self.requests),
            Some(QuotaRefill::Monthly) => format!("quota {}/month", self.requests),
        }
    }
}

/// A suspended token: refused until resumed, unlike a revoked one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    pub at: DateTime<Utc>,
    /// The suspending admin's name; `None` once that admin is gone.
    pub by: Option<String>,
    pub reason: String,
}

/// A token's previous value during a regenerate's grace period: it still works until
/// `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousValue {
    /// `tg_…` and the old value's last four characters.
    pub hint: String,
    pub until: DateTime<Utc>,
}

/// Requests still made with a previous value, from one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct PreviousValueUse {
    /// The client address; empty when unknown.
    pub ip: String,
    pub requests: i64,
    pub last_at: DateTime<Utc>,
}

/// How long the old value keeps working after a regenerate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Grace {
    /// The old value stops at once.
    #[default]
    #[serde(rename = "now")]
    Now,
    #[serde(rename = "1h")]
    Hour,
    #[serde(rename = "24h")]
    Day,
    #[serde(rename = "7d")]
    Week,
}

impl Grace {
    pub const ALL: [Grace; 4] = [Grace::Now, Grace::Hour, Grace::Day, Grace::Week];

    pub fn as_str(self) -> &'static str {
        match self {
            Grace::Now => "now",
            Grace::Hour => "1h",
            Grace::Day => "24h",
            Grace::Week => "7d",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grace::Now => "Now",
            Grace::Hour => "In 1 hour",
            Grace::Day => "In 24 hours",
            Grace::Week => "In 7 days",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == value)
    }

    pub fn duration(self) -> chrono::Duration {
        match self {
            Grace::Now => chrono::Duration::zero(),
            Grace::Hour => chrono::Duration::hours(1),
            Grace::Day => chrono::Duration::hours(24),
            Grace::Week => chrono::Duration::days(7),
        }
    }
}

/// What a regenerate sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RegenerateRequest {
    #[serde(default)]
    pub grace: Grace,
}

/// The most bytes a token's metadata may take, as compact JSON.
pub const METADATA_MAX_BYTES: usize = 4096;
/// How deep metadata may nest (`{"a": {"b": …}}` is depth 2).
pub const METADATA_MAX_DEPTH: usize = 4;

/// A small JSON object an admin attaches to a token (`{"customer": "acme"}`), returned by
/// `/api/tokens/verify` and passed to forward-auth's upstream. Never a secret's place: it
/// is shown in the panel to everyone who may read tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Metadata(pub serde_json::Map<String, serde_json::Value>);

// JSON has no NaN, so equality is total.
impl Eq for Metadata {}

impl Metadata {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).expect("a JSON map serialises")
    }

    /// Compact JSON with every non-ASCII character escaped (`\u00e9`), fit for an HTTP
    /// header. DEL is ASCII but no header may carry it, so it is escaped too (JSON escapes
    /// the other control characters itself).
    pub fn to_ascii_json(&self) -> String {
        let mut out = String::new();
        for c in self.to_json().chars() {
            if c.is_ascii() && c != '\u{7f}' {
                out.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        out
    }
}

/// Requests with one permission over the last [`super::USAGE_DAYS`] days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionUse {
    pub permission: crate::catalog::Permission,
    pub requests: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_for_a_header_is_ascii_and_still_json() {
        let mut map = serde_json::Map::new();
        map.insert("customer".into(), "Café 🚀".into());
        let metadata = Metadata(map);
        let ascii = metadata.to_ascii_json();
        assert!(ascii.is_ascii());
        let back: serde_json::Value = serde_json::from_str(&ascii).unwrap();
        assert_eq!(back["customer"], "Café 🚀");
        // DEL is ASCII, yet no header value may hold it.
        let mut map = serde_json::Map::new();
        map.insert("note".into(), "a\u{7f}b\nc".into());
        let ascii = Metadata(map).to_ascii_json();
        assert!(ascii.bytes().all(|b| (b' '..=b'~').contains(&b)), "{ascii}");
        assert_eq!(ascii, r#"{"note":"a\u007fb\nc"}"#);
    }

    #[test]
    fn a_misspelt_restriction_is_refused_not_ignored() {
        let refused = serde_json::from_str::<Restrictions>(r#"{"rate_limt": null}"#);
        assert!(refused.unwrap_err().to_string().contains("rate_limt"));
        let refused =
            serde_json::from_str::<RateLimit>(r#"{"requests": 1, "per": "minute", "burst": 2}"#);
        assert!(refused.is_err());
    }

    #[test]
    fn a_refill_period_starts_at_midnight_utc() {
        let at = "2026-12-17T15:04:05Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            QuotaRefill::Daily.period_start(at).to_rfc3339(),
            "2026-12-17T00:00:00+00:00"
        );
        assert_eq!(
            QuotaRefill::Monthly.period_start(at).to_rfc3339(),
            "2026-12-01T00:00:00+00:00"
        );
        assert_eq!(
            QuotaRefill::Monthly.next_period_start(at).to_rfc3339(),
            "2027-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn the_summary_is_short() {
        let r = Restrictions {
            allowed_networks: vec!["10.0.0.0/8".into(), "192.0.2.7/32".into()],
            rate_limit: Some(RateLimit {
                requests: 100,
                per: RatePeriod::Minute,
            }),
            quota: Some(Quota {
                requests: 1000,
                refill: Some(QuotaRefill::Daily),
            }),
            not_before: None,
        };
        assert_eq!(r.summary(), ["2 networks", "100/min", "quota 1000/day"]);
        assert!(Restrictions::default().is_empty());
    }
}
