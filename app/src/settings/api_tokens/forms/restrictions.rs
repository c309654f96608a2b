//! The restriction and metadata fields of the create and edit forms, read once into the
//! core's [`Restrictions`] and [`Metadata`]: the hydrated forms read their signals with
//! it, the forms posted without JavaScript their posted text, so both refuse the same
//! input with the same words.
//!
//! Only what the core can't be sent is refused here (a rate that is not a number, JSON
//! that does not parse). Everything the core can judge (a range like `10.0.0.0/33`, a rate
//! of 0, metadata over 4 KB) goes to it, so the rule and its message live in one place:
//! `tollgate::validate::restrictions`.

use std::num::IntErrorKind;

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};
use tollgate::model::{
    FieldError, METADATA_MAX_BYTES, METADATA_MAX_DEPTH, Metadata, Quota, QuotaRefill, RateLimit,
    RatePeriod, Restrictions,
};
pub use tollgate::model::{
    METADATA_FIELD, NETWORKS_FIELD, NOT_BEFORE_FIELD, QUOTA_FIELD, RATE_LIMIT_FIELD,
};

use crate::error::AppError;

/// Every field above: an error under any of them opens the collapsed fieldset.
pub const RESTRICTION_FIELDS: [&str; 5] = [
    NETWORKS_FIELD,
    RATE_LIMIT_FIELD,
    QUOTA_FIELD,
    NOT_BEFORE_FIELD,
    METADATA_FIELD,
];

/// What the period select sends when nothing else was chosen.
const DEFAULT_RATE_PERIOD: RatePeriod = RatePeriod::Minute;

/// The restriction fields as typed (or posted): text, unparsed, so a refused form comes
/// back exactly as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictionFields {
    /// Addresses or CIDR ranges, one per line or separated by commas.
    pub allowed_networks: String,
    /// Requests per `rate_period`; empty: no rate limit.
    pub rate_limit: String,
    /// `second`, `minute` or `hour`.
    pub rate_period: String,
    /// Requests in all; empty: no quota.
    pub quota: String,
    /// Empty (never refilled), `daily` or `monthly`.
    pub quota_refill: String,
    /// A `datetime-local` value in UTC (`2027-01-31T09:00`); empty: works right away.
    pub not_before: String,
    /// A JSON object; empty: no metadata.
    pub metadata: String,
}

impl Default for RestrictionFields {
    fn default() -> Self {
        Self {
            allowed_networks: String::new(),
            rate_limit: String::new(),
            rate_period: DEFAULT_RATE_PERIOD.as_str().to_owned(),
            quota: String::new(),
            quota_refill: String::new(),
            not_before: String::new(),
            metadata: String::new(),
        }
    }
}

impl RestrictionFields {
    /// The fields showing a token's restrictions and metadata, which read back as exactly
    /// them: an edit that changes nothing here sends nothing.
    pub fn showing(restrictions: &Restrictions, metadata: &Metadata) -> Self {
        let rate = restrictions.rate_limit;
        let quota = restrictions.quota;
        Self {
            allowed_networks: restrictions.allowed_networks.join("\n"),
            rate_limit: rate.map(|r| r.requests.to_string()).unwrap_or_default(),
            rate_period: rate
                .map_or(DEFAULT_RATE_PERIOD, |r| r.per)
                .as_str()
                .to_owned(),
            quota: quota.map(|q| q.requests.to_string()).unwrap_or_default(),
            quota_refill: quota
                .and_then(|q| q.refill)
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            not_before: restrictions
                .not_before
                .map(datetime_local_value)
                .unwrap_or_default(),
            metadata: if metadata.is_empty() {
                String::new()
            } else {
                serde_json::to_string_pretty(&metadata.0).unwrap_or_else(|_| metadata.to_json())
            },
        }
    }

    /// Whether nothing is set: the fieldset may start collapsed.
    pub fn is_blank(&self) -> bool {
        [
            &self.allowed_networks,
            &self.rate_limit,
            &self.quota,
            &self.not_before,
            &self.metadata,
        ]
        .iter()
        .all(|text| text.trim().is_empty())
    }

    /// The restrictions and metadata to send, or every field that can't be read, each
    /// under its own name.
    pub fn read(&self) -> Result<(Restrictions, Metadata), AppError> {
        let mut errors = Vec::new();
        let rate_limit = kept(&mut errors, self.rate_limit());
        let quota = kept(&mut errors, self.quota());
        let not_before = kept(&mut errors, self.not_before());
        let metadata = kept(&mut errors, self.metadata());
        match (rate_limit, quota, not_before, metadata) {
            (Some(rate_limit), Some(quota), Some(not_before), Some(metadata)) => {
                let restrictions = Restrictions {
                    allowed_networks: self.networks(),
                    rate_limit,
                    quota,
                    not_before,
                };
                Ok((restrictions, metadata))
            }
            _ => Err(AppError::Invalid(errors)),
        }
    }

    /// Each entry as typed; which are addresses or ranges is the core's call.
    fn networks(&self) -> Vec<String> {
        self.allowed_networks
            .split(['\n', ','])
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn rate_limit(&self) -> Result<Option<RateLimit>, FieldError> {
        let Some(requests) = whole_number(RATE_LIMIT_FIELD, "Rate limit", &self.rate_limit)? else {
            return Ok(None);
        };
        let per = RatePeriod::parse(&self.rate_period).ok_or_else(|| {
            FieldError::new(
                RATE_LIMIT_FIELD,
                "Choose whether the rate limit counts per second, minute or hour.",
            )
        })?;
        Ok(Some(RateLimit { requests, per }))
    }

    fn quota(&self) -> Result<Option<Quota>, FieldError> {
        let Some(requests) = whole_number(QUOTA_FIELD, "Quota", &self.quota)? else {
            return Ok(None);
        };
        let refill = match self.quota_refill.as_str() {
            "" => None,
            refill => Some(QuotaRefill::parse(refill).ok_or_else(|| {
                FieldError::new(
                    QUOTA_FIELD,
                    "Choose whether the quota is refilled daily, monthly or never.",
                )
            })?),
        };
        Ok(Some(Quota { requests, refill }))
    }

    fn not_before(&self) -> Result<Option<DateTime<Utc>>, FieldError> {
        let text = self.not_before.trim();
        if text.is_empty() {
            return Ok(None);
        }
        parse_datetime_local(text).map(Some).ok_or_else(|| {
            FieldError::new(
                NOT_BEFORE_FIELD,
                format!(
                    "“{text}” is not a date and time: write it like 2027-01-31T09:00 (UTC), or leave it empty to start right away."
                ),
            )
        })
    }

    fn metadata(&self) -> Result<Metadata, FieldError> {
        metadata_from_text(&self.metadata)
    }
}

/// The value, or `None` with its error added to `errors`.
fn kept<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// Metadata typed as JSON text: an object, or nothing. Its size and depth are the core's
/// to check; here only what can't be sent at all is refused, saying where and what to fix.
pub fn metadata_from_text(text: &str) -> Result<Metadata, FieldError> {
    if text.trim().is_empty() {
        return Ok(Metadata::default());
    }
    let example = r#"{"customer": "acme", "plan": "pro"}"#;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        FieldError::new(
            METADATA_FIELD,
            format!("Metadata is not valid JSON: {e}. Write one object, like {example}."),
        )
    })?;
    match value {
        serde_json::Value::Object(map) => Ok(Metadata(map)),
        _ => Err(FieldError::new(
            METADATA_FIELD,
            format!(
                "Metadata must be one JSON object in braces, like {example}, not a list or a single value."
            ),
        )),
    }
}

/// What the metadata field's hint says of its limits (the core's, in the shared model).
pub fn metadata_limits() -> String {
    format!("At most {METADATA_MAX_BYTES} bytes, {METADATA_MAX_DEPTH} levels deep.")
}

/// A count typed into a text field: empty is `None`; anything but digits is refused by
/// its field's name. Whether the number is in bounds is the core's call.
fn whole_number<T: std::str::FromStr<Err = std::num::ParseIntError>>(
    field: &str,
    label: &str,
    text: &str,
) -> Result<Option<T>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<T>().map(Some).map_err(|e| {
        let why = match e.kind() {
            IntErrorKind::PosOverflow => format!("{label} “{text}” is too large"),
            _ => format!("{label} must be a whole number of requests, like 100 (not “{text}”)"),
        };
        FieldError::new(field, format!("{why}; leave it empty for none."))
    })
}

/// A `datetime-local` input's value (`2027-01-31T09:00`, seconds optional), read as UTC.
fn parse_datetime_local(text: &str) -> Option<DateTime<Utc>> {
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
    .map(|naive| naive.and_utc())
}

/// A moment as a `datetime-local` input shows it, in UTC: to the minute when that is
/// exact (the input's own step), else with the seconds, so it reads back unchanged.
pub fn datetime_local_value(at: DateTime<Utc>) -> String {
    if at.second() == 0 && at.nanosecond() == 0 {
        at.format("%Y-%m-%dT%H:%M").to_string()
    } else {
        at.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_restriction() -> RestrictionFields {
        RestrictionFields {
            allowed_networks: "10.0.0.0/8\r\n192.0.2.7, 2001:db8::/32\n\n".into(),
            rate_limit: " 100 ".into(),
            rate_period: "minute".into(),
            quota: "1000".into(),
            quota_refill: "daily".into(),
            not_before: "2027-01-31T09:00".into(),
            metadata: r#"{"customer": "acme"}"#.into(),
        }
    }

    fn field_of(result: Result<(Restrictions, Metadata), AppError>) -> Vec<String> {
        result
            .unwrap_err()
            .field_errors()
            .iter()
            .map(|e| e.field.clone())
            .collect()
    }

    #[test]
    fn every_field_reads_into_the_request() {
        let (restrictions, metadata) = every_restriction().read().unwrap();
        assert_eq!(
            restrictions.allowed_networks,
            ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]
        );
        assert_eq!(
            restrictions.rate_limit,
            Some(RateLimit {
                requests: 100,
                per: RatePeriod::Minute
            })
        );
        assert_eq!(
            restrictions.quota,
            Some(Quota {
                requests: 1000,
                refill: Some(QuotaRefill::Daily)
            })
        );
        assert_eq!(
            restrictions.not_before.unwrap().to_rfc3339(),
            "2027-01-31T09:00:00+00:00"
        );
        assert_eq!(metadata.0["customer"], "acme");
    }

    #[test]
    fn empty_fields_restrict_nothing() {
        let (restrictions, metadata) = RestrictionFields::default().read().unwrap();
        assert!(restrictions.is_empty());
        assert!(metadata.is_empty());
        assert!(RestrictionFields::default().is_blank());
        assert!(!every_restriction().is_blank());
    }

    #[test]
    fn a_token_shown_in_the_fields_reads_back_unchanged() {
        let (restrictions, metadata) = every_restriction().read().unwrap();
        let mut restrictions = restrictions;
        // As the core stores them: canonical, and a start with seconds.
        restrictions.allowed_networks = vec!["10.0.0.0/8".into(), "192.0.2.7/32".into()];
        restrictions.not_before = Some("2027-01-31T09:00:30.250Z".parse().unwrap());
        let shown = RestrictionFields::showing(&restrictions, &metadata);
        assert_eq!(shown.read().unwrap(), (restrictions, metadata));
    }

    #[test]
    fn what_can_not_be_sent_is_refused_under_each_field_at_once() {
        let fields = RestrictionFields {
            rate_limit: "many".into(),
            quota: "99999999999999999999".into(),
            not_before: "next week".into(),
            metadata: r#"{"customer": }"#.into(),
            ..every_restriction()
        };
        assert_eq!(
            field_of(fields.read()),
            ["rate_limit", "quota", "not_before", "metadata"]
        );
    }

    #[test]
    fn bad_metadata_says_what_to_fix() {
        let broken = metadata_from_text(r#"{"customer": "acme",}"#).unwrap_err();
        assert_eq!(broken.field, "metadata");
        assert!(
            broken.message.starts_with("Metadata is not valid JSON: "),
            "{}",
            broken.message
        );
        assert!(
            broken.message.contains("line 1 column"),
            "{}",
            broken.message
        );
        let list = metadata_from_text(r#"["acme"]"#).unwrap_err();
        assert!(list.message.contains("one JSON object"), "{}", list.message);
        assert!(metadata_from_text("  \n").unwrap().is_empty());
    }

    #[test]
    fn a_range_is_left_for_the_core_to_judge() {
        let fields = RestrictionFields {
            allowed_networks: "10.0.0.0/33".into(),
            ..RestrictionFields::default()
        };
        let (restrictions, _) = fields.read().unwrap();
        assert_eq!(restrictions.allowed_networks, ["10.0.0.0/33"]);
    }
}
