//! A token's restrictions and metadata, checked once: every range parsed and written
//! canonically, every number in bounds, the metadata small. Each message names the field
//! and says what to fix.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use ipnet::IpNet;

use crate::model::{
    FieldError, METADATA_MAX_BYTES, METADATA_MAX_DEPTH, Metadata, Quota, RateLimit, Restrictions,
};

pub use crate::model::{
    METADATA_FIELD, NETWORKS_FIELD, NOT_BEFORE_FIELD, QUOTA_FIELD, QUOTA_REMAINING_FIELD,
    RATE_LIMIT_FIELD,
};

/// How many networks one token may list.
pub const NETWORKS_MAX: usize = 100;
/// The largest rate limit: more than this per second is no limit.
pub const RATE_MAX: u32 = 1_000_000;
/// The largest quota, and remaining count.
pub const QUOTA_MAX: i64 = 1_000_000_000_000;

/// Restrictions that passed validation: networks canonical (`10.0.0.0/8`, a single
/// address as `/32` or `/128`), each once, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidRestrictions(Restrictions);

impl ValidRestrictions {
    /// `expires_at` is the token's expiry (`None`: never): a token must start before it
    /// ends.
    pub fn parse(
        raw: &Restrictions,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let networks = parse_networks(&raw.allowed_networks)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        if let Some(rate) = raw.rate_limit {
            check_rate(rate).unwrap_or_else(|e| errors.push(e));
        }
        if let Some(quota) = raw.quota {
            check_quota(quota).unwrap_or_else(|e| errors.push(e));
        }
        if let (Some(start), Some(end)) = (raw.not_before, expires_at)
            && start >= end
        {
            errors.push(FieldError::new(
                NOT_BEFORE_FIELD,
                "The token would expire before it starts: choose a start before its expiry.",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self(Restrictions {
            allowed_networks: networks.iter().map(IpNet::to_string).collect(),
            ..raw.clone()
        }))
    }

    pub fn get(&self) -> &Restrictions {
        &self.0
    }

    pub fn into_inner(self) -> Restrictions {
        self.0
    }
}

/// Each entry an address or a CIDR range with no host bits set, at most
/// [`NETWORKS_MAX`] of them; repeats are kept once.
pub fn parse_networks(raw: &[String]) -> Result<Vec<IpNet>, FieldError> {
    if raw.len() > NETWORKS_MAX {
        return Err(FieldError::new(
            NETWORKS_FIELD,
            format!(
                "List at most {NETWORKS_MAX} networks ({} were sent); use wider ranges.",
                raw.len()
            ),
        ));
    }
    let mut networks: Vec<IpNet> = Vec::with_capacity(raw.len());
    for entry in raw.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        let network = parse_network(entry)?;
        if !networks.contains(&network) {
            networks.push(network);
        }
    }
    Ok(networks)
}

fn parse_network(entry: &str) -> Result<IpNet, FieldError> {
    let error = |why: String| FieldError::new(NETWORKS_FIELD, format!("`{entry}` {why}"));
    let (address, prefix) = match entry.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (entry, None),
    };
    let address: IpAddr = address.parse().map_err(|_| {
        error(
            "is not an IP address or CIDR range: write 203.0.113.7, 10.0.0.0/8 or 2001:db8::/32."
                .into(),
        )
    })?;
    let most: u8 = if address.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => most,
        Some(text) => text
            .parse::<u8>()
            .ok()
            .filter(|p| *p <= most)
            .ok_or_else(|| {
                error(format!(
                    "has an invalid prefix length: an {} range takes /0 to /{most}.",
                    if address.is_ipv4() { "IPv4" } else { "IPv6" }
                ))
            })?,
    };
    let network = IpNet::new(address, prefix).expect("prefix checked above");
    if network.network() != address {
        return Err(error(format!(
            "has bits set after the prefix: did you mean {}?",
            network.trunc()
        )));
    }
    Ok(network)
}

fn check_rate(rate: RateLimit) -> Result<(), FieldError> {
    if rate.requests == 0 || rate.requests > RATE_MAX {
        return Err(FieldError::new(
            RATE_LIMIT_FIELD,
            format!(
                "A rate limit allows 1 to {RATE_MAX} requests per {}; leave it empty for no limit.",
                rate.per.as_str()
            ),
        ));
    }
    Ok(())
}

fn check_quota(quota: Quota) -> Result<(), FieldError> {
    if quota.requests < 1 || quota.requests > QUOTA_MAX {
        return Err(FieldError::new(
            QUOTA_FIELD,
            format!("A quota allows 1 to {QUOTA_MAX} requests; leave it empty for no quota."),
        ));
    }
    Ok(())
}

/// A remaining count an admin sets: 0 to [`QUOTA_MAX`], on a token that has a quota.
pub fn check_quota_remaining(remaining: i64, has_quota: bool) -> Result<i64, FieldError> {
    if !has_quota {
        return Err(FieldError::new(
            QUOTA_REMAINING_FIELD,
            "This token has no quota: set one before setting what it has left.",
        ));
    }
    if !(0..=QUOTA_MAX).contains(&remaining) {
        return Err(FieldError::new(
            QUOTA_REMAINING_FIELD,
            format!("What a quota has left is 0 to {QUOTA_MAX} requests."),
        ));
    }
    Ok(remaining)
}

/// Metadata that passed validation: at most [`METADATA_MAX_BYTES`] as compact JSON and
/// [`METADATA_MAX_DEPTH`] levels deep.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidMetadata(Metadata);

impl ValidMetadata {
    pub fn parse(raw: &Metadata) -> Result<Self, FieldError> {
        let size = raw.to_json().len();
        if size > METADATA_MAX_BYTES {
            return Err(FieldError::new(
                METADATA_FIELD,
                format!(
                    "Metadata must be at most {METADATA_MAX_BYTES} bytes as JSON ({size} were sent): keep identifiers there, not documents."
                ),
            ));
        }
        if raw.0.values().map(depth).max().unwrap_or(0) + 1 > METADATA_MAX_DEPTH {
            return Err(FieldError::new(
                METADATA_FIELD,
                format!("Metadata may nest at most {METADATA_MAX_DEPTH} levels deep."),
            ));
        }
        Ok(Self(raw.clone()))
    }

    /// Metadata typed into a form: a JSON object, or nothing.
    pub fn parse_text(text: &str) -> Result<Self, FieldError> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let metadata: Metadata = serde_json::from_str(text).map_err(|e| {
            FieldError::new(
                METADATA_FIELD,
                format!("Metadata must be a JSON object, like {{\"customer\": \"acme\"}} ({e})."),
            )
        })?;
        Self::parse(&metadata)
    }

    pub fn get(&self) -> &Metadata {
        &self.0
    }

    pub fn into_inner(self) -> Metadata {
        self.0
    }
}

fn depth(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{QuotaRefill, RatePeriod};

    fn networks(raw: &[&str]) -> Result<Vec<String>, String> {
        let raw: Vec<String> = raw.iter().map(|s| s.to_string()).collect();
        parse_networks(&raw)
            .map(|n| n.iter().map(ToString::to_string).collect())
            .map_err(|e| e.message)
    }

    #[test]
    fn networks_are_written_canonically_once_each() {
        assert_eq!(
            networks(&[
                "10.0.0.0/8",
                " 192.0.2.7 ",
                "2001:DB8::/32",
                "10.0.0.0/8",
                ""
            ])
            .unwrap(),
            ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"]
        );
    }

    #[test]
    fn bad_ranges_say_what_to_fix() {
        let too_long = networks(&["10.0.0.0/33"]).unwrap_err();
        assert!(too_long.contains("/0 to /32"), "{too_long}");
        let host_bits = networks(&["10.1.2.3/8"]).unwrap_err();
        assert!(host_bits.contains("did you mean 10.0.0.0/8"), "{host_bits}");
        assert!(
            networks(&["example.com"])
                .unwrap_err()
                .contains("not an IP address")
        );
        assert!(networks(&["::1/129"]).unwrap_err().contains("/0 to /128"));
        let many: Vec<String> = (0..=NETWORKS_MAX)
            .map(|i| format!("10.0.{i}.0/24"))
            .collect();
        assert!(parse_networks(&many).is_err());
    }

    #[test]
    fn numbers_are_bounded_and_a_start_precedes_the_end() {
        let now = Utc::now();
        let raw = Restrictions {
            rate_limit: Some(RateLimit {
                requests: 0,
                per: RatePeriod::Second,
            }),
            quota: Some(Quota {
                requests: 0,
                refill: Some(QuotaRefill::Daily),
            }),
            not_before: Some(now + chrono::Duration::days(2)),
            ..Restrictions::default()
        };
        let fields: Vec<String> =
            ValidRestrictions::parse(&raw, Some(now + chrono::Duration::days(1)))
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect();
        assert_eq!(fields, [RATE_LIMIT_FIELD, QUOTA_FIELD, NOT_BEFORE_FIELD]);
        assert!(check_quota_remaining(5, false).is_err());
        assert!(check_quota_remaining(-1, true).is_err());
        assert_eq!(check_quota_remaining(0, true), Ok(0));
    }

    #[test]
    fn metadata_is_small_and_shallow() {
        assert!(ValidMetadata::parse_text("").unwrap().get().is_empty());
        assert!(ValidMetadata::parse_text(r#"{"customer": "acme", "plan": "pro"}"#).is_ok());
        assert!(
            ValidMetadata::parse_text("[1, 2]")
                .unwrap_err()
                .message
                .contains("JSON object")
        );
        let big = format!(r#"{{"a": "{}"}}"#, "x".repeat(METADATA_MAX_BYTES));
        assert!(
            ValidMetadata::parse_text(&big)
                .unwrap_err()
                .message
                .contains("4096 bytes")
        );
        assert!(ValidMetadata::parse_text(r#"{"a": {"b": {"c": {"d": 1}}}}"#).is_ok());
        assert!(ValidMetadata::parse_text(r#"{"a": {"b": {"c": {"d": {"e": 1}}}}}"#).is_err());
    }
}
