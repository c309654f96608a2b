//! The admin API's request bodies and query, as clients write them, and their mapping to
//! the core's requests. Shape only is checked here (types, which fields, the duration's
//! forms); the rules (names, permissions, future dates) are the core's, as for the panel.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use tollgate::catalog::Permission;
use tollgate::lifetime::{self, TokenLifetime};
use tollgate::model::{
    FieldError, Grace, Metadata, NewTokenRequest, Restrictions, TokenPatch, TokenType,
};

/// What a duration may be, after a refused one.
fn duration_help() -> String {
    format!(
        "Use {} (days), a future date (2027-01-31, meaning 00:00 UTC that day, or an RFC 3339 time), or null for a token that never expires.",
        TokenLifetime::day_presets_in_words()
    )
}

/// `POST /admin/api/tokens`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenBody {
    name: Option<String>,
    /// `null` or absent: no description.
    #[serde(default)]
    description: Option<String>,
    #[serde(rename = "type")]
    token_type: Option<TokenType>,
    #[serde(default)]
    permissions: Vec<Permission>,
    /// Absent: the token policy's default duration, as the panel's create form starts on;
    /// `null`: never expires.
    #[serde(default, deserialize_with = "present")]
    duration: Option<Option<Value>>,
    /// Absent or `null`: none.
    #[serde(default)]
    restrictions: Option<Restrictions>,
    /// Absent or `null`: none.
    #[serde(default)]
    metadata: Option<Metadata>,
}

/// `PATCH /admin/api/tokens/{id}`: only the fields sent change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchTokenBody {
    name: Option<String>,
    /// `null` clears the description.
    #[serde(default, deserialize_with = "present")]
    description: Option<Option<String>>,
    #[serde(rename = "type")]
    token_type: Option<TokenType>,
    permissions: Option<Vec<Permission>>,
    /// `null`: never expires from now on.
    #[serde(default, deserialize_with = "present")]
    duration: Option<Option<Value>>,
    /// Replaces every restriction; `null` or `{}` lifts them all.
    #[serde(default, deserialize_with = "present")]
    restrictions: Option<Option<Restrictions>>,
    /// Replaces the metadata; `null` or `{}` clears it.
    #[serde(default, deserialize_with = "present")]
    metadata: Option<Option<Metadata>>,
    /// What the quota has left, for a token with a quota.
    #[serde(default, deserialize_with = "tollgate::model::whole_number::option")]
    quota_remaining: Option<i64>,
}

/// `POST /admin/api/tokens/{id}/regenerate`: the body may be left out (the old value stops
/// at once).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegenerateBody {
    #[serde(default)]
    pub grace: Grace,
}

/// `POST /admin/api/tokens/{id}/suspend`: the body may be left out (no reason).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuspendBody {
    #[serde(default)]
    pub reason: String,
}

/// Tells a field sent as `null` (`Some(None)`) from one not sent (`None`, via `default`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// A duration as the API accepts it: `null`, `"unlimited"`, 7/30/90, or a date or time.
fn parse_duration(value: Option<&Value>) -> Result<TokenLifetime, FieldError> {
    let bad =
        |what: String| FieldError::new(lifetime::FIELD, format!("{what} {}", duration_help()));
    match value {
        None | Some(Value::Null) => Ok(TokenLifetime::Unlimited),
        Some(Value::Number(days)) => days
            .as_u64()
            .and_then(TokenLifetime::from_days)
            .ok_or_else(|| bad(format!("{days} days is not offered."))),
        Some(Value::String(text)) if text == TokenLifetime::Unlimited.as_str() => {
            Ok(TokenLifetime::Unlimited)
        }
        Some(Value::String(text)) => {
            parse_date(text).ok_or_else(|| bad(format!("`{text}` is not a date.")))
        }
        Some(other) => Err(bad(format!("{other} is not a duration."))),
    }
}

/// `2027-01-31` (00:00 UTC that day, as the panel's date input means it) or an RFC 3339
/// time with its offset.
fn parse_date(text: &str) -> Option<TokenLifetime> {
    lifetime::parse_day(text).or_else(|| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|at| TokenLifetime::Until(at.with_timezone(&Utc)))
    })
}

impl CreateTokenBody {
    /// The core's create request, or what is missing or malformed (all at once).
    pub fn into_request(self) -> Result<NewTokenRequest, Vec<FieldError>> {
        // Absent: the core gives the policy's default.
        let lifetime = self
            .duration
            .as_ref()
            .map(|value| parse_duration(value.as_ref()))
            .transpose();
        let token_type = self.token_type.ok_or_else(|| {
            FieldError::new(
                "type",
                "The type is required: read-only, full-access or custom.",
            )
        });
        match (lifetime, token_type) {
            (Ok(lifetime), Ok(token_type)) => Ok(NewTokenRequest {
                // A missing name is the core's "Name is required."
                name: self.name.unwrap_or_default(),
                description: self.description.unwrap_or_default(),
                lifetime,
                token_type,
                permissions: self.permissions,
                restrictions: self.restrictions.unwrap_or_default(),
                metadata: self.metadata.unwrap_or_default(),
            }),
            (lifetime, token_type) => Err([lifetime.err(), token_type.err()]
                .into_iter()
                .flatten()
                .collect()),
        }
    }
}

impl PatchTokenBody {
    pub fn into_patch(self) -> Result<TokenPatch, Vec<FieldError>> {
        let lifetime = self
            .duration
            .map(|value| parse_duration(value.as_ref()))
            .transpose()
            .map_err(|e| vec![e])?;
        Ok(TokenPatch {
            name: self.name,
            description: self.description.map(Option::unwrap_or_default),
            token_type: self.token_type,
            permissions: self.permissions,
            lifetime,
            restrictions: self.restrictions.map(Option::unwrap_or_default),
            metadata: self.metadata.map(Option::unwrap_or_default),
            quota_remaining: self.quota_remaining,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations_take_three_presets_a_date_or_null() {
        let parse = |v: Value| parse_duration(Some(&v));
        assert_eq!(parse(json!(7)), Ok(TokenLifetime::Days7));
        assert_eq!(parse(json!(90)), Ok(TokenLifetime::Days90));
        assert_eq!(parse(Value::Null), Ok(TokenLifetime::Unlimited));
        assert_eq!(parse(json!("unlimited")), Ok(TokenLifetime::Unlimited));
        let midnight = "2027-01-31T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            parse(json!("2027-01-31")),
            Ok(TokenLifetime::Until(midnight))
        );
        assert_eq!(
            parse(json!("2027-01-31T01:00:00+01:00")),
            Ok(TokenLifetime::Until(midnight))
        );
        for bad in [
            json!(14),
            json!(7.5),
            json!(-7),
            json!("soon"),
            json!(true),
            json!([7]),
        ] {
            let err = parse(bad.clone()).unwrap_err();
            assert_eq!(err.field, "duration", "{bad}");
        }
    }
}
