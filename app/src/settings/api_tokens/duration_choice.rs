//! What the duration select and date input submit, read into the core's lifetime: the one
//! reading the hydrated forms ([`DurationField`](crate::components::DurationField)) and the
//! forms posted without JavaScript ([`forms`](super::forms)) share.

use chrono::{DateTime, Utc};
use tollgate::lifetime::{self, FIELD, TokenLifetime};
use tollgate::model::FieldError;

use crate::error::AppError;
/// What the duration select holds. A custom date lives in its own input next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationChoice {
    /// Edit form only: leave the expiry as it is.
    Keep,
    /// 7, 30 or 90 days from now, or never.
    Preset(TokenLifetime),
    /// Until 00:00 UTC of the day in the date input.
    Custom,
}

impl DurationChoice {
    pub fn value(self) -> &'static str {
        match self {
            DurationChoice::Keep => "keep",
            DurationChoice::Preset(lifetime) => lifetime.as_str(),
            DurationChoice::Custom => "custom",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "keep" => Some(DurationChoice::Keep),
            "custom" => Some(DurationChoice::Custom),
            preset => TokenLifetime::parse(preset).map(DurationChoice::Preset),
        }
    }
}

/// A date input's value (`2027-01-31`) as a lifetime ending at 00:00 UTC that day, the
/// same reading the admin JSON API gives a date. Whether it is in the future is the
/// server's call.
pub fn custom_lifetime(date: &str) -> Option<TokenLifetime> {
    lifetime::parse_day(date.trim())
}

/// The lifetime to send: `None` keeps the current one. A custom choice without a date is
/// refused here, under the field, since there is nothing to send the server.
pub fn chosen_lifetime(
    choice: DurationChoice,
    date: &str,
) -> Result<Option<TokenLifetime>, AppError> {
    match choice {
        DurationChoice::Keep => Ok(None),
        DurationChoice::Preset(lifetime) => Ok(Some(lifetime)),
        DurationChoice::Custom => custom_lifetime(date).map(Some).ok_or_else(|| {
            AppError::Invalid(vec![FieldError::new(
                FIELD,
                "Choose the date the token expires.",
            )])
        }),
    }
}

/// The day an expiry falls on, as a date input shows it.
pub fn date_value(at: DateTime<Utc>) -> String {
    at.date_naive().format("%Y-%m-%d").to_string()
}
