//! The policy form's fields as text (what the inputs hold and a browser posts), and their
//! reading into the core's [`PolicyRequest`]. Only the shape is checked here (numbers or
//! empty); the rules are the core's.

use serde::{Deserialize, Serialize};
use tollgate::model::FieldError;
use tollgate::policy::{BroughtIntoPolicy, PolicyPreview, PolicyRequest, TokenPolicy};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PolicyFields {
    pub max_lifetime_days: String,
    pub require_expiry: bool,
    pub default_duration_days: String,
    /// Day counts separated by commas or spaces: `7, 1`.
    pub expiry_warning_days: String,
    pub revoke_unused_after_days: String,
}

/// What a form posted without JavaScript hands back to the page: what was typed, and the
/// refusal, the preview or the result of saving or bringing into policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyOutcome {
    pub fields: PolicyFields,
    /// The policy form's refusal.
    pub error: Option<AppError>,
    pub preview: Option<PolicyPreview>,
    pub saved: bool,
    pub brought: Option<BroughtIntoPolicy>,
    /// The "Bring into policy" form's refusal: shown by that form, which asks for the
    /// password itself when it is due (the policy form's Save would not bring anything).
    #[serde(default)]
    pub bring_error: Option<AppError>,
}

fn days(field: &str, text: &str) -> Result<Option<i64>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>()
        .map(Some)
        .map_err(|_| FieldError::new(field, "Enter a whole number of days, or leave it empty."))
}

impl PolicyFields {
    pub fn of(policy: &TokenPolicy) -> Self {
        let text = |d: Option<u32>| d.map(|d| d.to_string()).unwrap_or_default();
        Self {
            max_lifetime_days: text(policy.max_lifetime_days),
            require_expiry: policy.require_expiry,
            default_duration_days: text(policy.default_duration_days),
            expiry_warning_days: policy
                .expiry_warning_days
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            revoke_unused_after_days: text(policy.revoke_unused_after_days),
        }
    }

    /// Every field that is not a number (or empty) at once, else the request.
    pub fn to_request(&self) -> Result<PolicyRequest, AppError> {
        let mut errors = Vec::new();
        let mut read = |field: &str, text: &str| {
            days(field, text).unwrap_or_else(|e| {
                errors.push(e);
                None
            })
        };
        let max_lifetime_days = read("max_lifetime_days", &self.max_lifetime_days);
        let default_duration_days = read("default_duration_days", &self.default_duration_days);
        let revoke_unused_after_days =
            read("revoke_unused_after_days", &self.revoke_unused_after_days);
        let warnings: Result<Vec<i64>, _> = self
            .expiry_warning_days
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|part| !part.is_empty())
            .map(str::parse::<i64>)
            .collect();
        let expiry_warning_days = warnings.unwrap_or_else(|_| {
            errors.push(FieldError::new(
                "expiry_warning_days",
                "List whole numbers of days separated by commas, like 7, 1.",
            ));
            Vec::new()
        });
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(PolicyRequest {
            default_duration_days,
            expiry_warning_days,
            max_lifetime_days,
            require_expiry: self.require_expiry,
            revoke_unused_after_days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_as_the_request_and_round_trip() {
        let policy = TokenPolicy {
            max_lifetime_days: Some(90),
            require_expiry: true,
            ..TokenPolicy::default()
        };
        let fields = PolicyFields::of(&policy);
        assert_eq!(fields.expiry_warning_days, "7, 1");
        assert_eq!(
            TokenPolicy::parse(&fields.to_request().unwrap()).unwrap(),
            policy
        );
        let empty = PolicyFields::default().to_request().unwrap();
        assert_eq!(empty.max_lifetime_days, None);
        assert!(empty.expiry_warning_days.is_empty());
    }

    #[test]
    fn what_is_not_a_number_is_refused_under_its_field() {
        let fields = PolicyFields {
            max_lifetime_days: "ninety".into(),
            expiry_warning_days: "7, soon".into(),
            ..PolicyFields::default()
        };
        let AppError::Invalid(errors) = fields.to_request().unwrap_err() else {
            panic!("invalid");
        };
        let names: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["max_lifetime_days", "expiry_warning_days"]);
    }
}
