//! A token's expiry: a preset counted from now, never, or a chosen future moment.

use chrono::{DateTime, Datelike, Utc};

use crate::model::{FieldError, TokenLifetime};

/// When a token saved now expires: a preset counted from now, never, or a custom moment
/// that must lie in the future (and within years a database can store).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry(Option<DateTime<Utc>>);

impl Expiry {
    pub const FIELD: &str = "duration";

    pub fn parse(lifetime: TokenLifetime, now: DateTime<Utc>) -> Result<Self, FieldError> {
        let at = lifetime.expires_at(now);
        if let TokenLifetime::Until(at) = lifetime {
            if at <= now {
                return Err(FieldError::new(
                    Self::FIELD,
                    "The expiry date must be in the future.",
                ));
            }
            if at.year() > 9999 {
                return Err(FieldError::new(
                    Self::FIELD,
                    "The expiry date must be before the year 10000; for a token that never expires, choose unlimited.",
                ));
            }
        }
        Ok(Self(at))
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
}
