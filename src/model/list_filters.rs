//! The token list's review filters (unused for a while, by creator, outside the token
//! policy) and the export's format: what an organisation admin reviewing the inventory
//! asks for. Each reads its one query parameter and says, on a bad value, which values it
//! takes.

use serde::{Deserialize, Serialize};

use super::{AdminStatus, FieldError};

/// "Unused for 30 / 90 days": no use in that many days, a token never used counting from
/// its creation (one made 40 days ago and never used is unused for 30 days, not for 90).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnusedFor {
    Days30,
    Days90,
}

impl UnusedFor {
    pub const FIELD: &str = "unused";
    pub const ALL: [UnusedFor; 2] = [UnusedFor::Days30, UnusedFor::Days90];

    pub fn days(self) -> i64 {
        match self {
            UnusedFor::Days30 => 30,
            UnusedFor::Days90 => 90,
        }
    }

    /// The parameter's value: `30` or `90`.
    pub fn as_str(self) -> &'static str {
        match self {
            UnusedFor::Days30 => "30",
            UnusedFor::Days90 => "90",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UnusedFor::Days30 => "Unused for 30 days",
            UnusedFor::Days90 => "Unused for 90 days",
        }
    }

    pub fn parse(value: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|u| u.as_str() == value)
            .ok_or_else(|| {
                FieldError::new(
                    Self::FIELD,
                    format!("Unknown `unused` value `{value}`: use 30 or 90 (days)."),
                )
            })
    }
}

/// Whose tokens: one admin's (whatever their status now), or those of every admin who is
/// gone. Admins are never deleted: deactivating or removing one only changes their
/// status, and their tokens keep `created_by` (and keep working), which is what makes
/// "created by an admin who is gone" findable. Tokens no admin made (the first start's,
/// load-test seeding) have no creator and are never "gone".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CreatorFilter {
    Admin(i64),
    /// Created by an admin now deactivated or removed.
    Gone,
}

impl CreatorFilter {
    pub const FIELD: &str = "created_by";
    /// The parameter's value for [`CreatorFilter::Gone`].
    pub const GONE: &str = "gone";

    pub fn as_param(self) -> String {
        match self {
            CreatorFilter::Admin(id) => id.to_string(),
            CreatorFilter::Gone => Self::GONE.to_owned(),
        }
    }

    pub fn parse(value: &str) -> Result<Self, FieldError> {
        if value == Self::GONE {
            return Ok(CreatorFilter::Gone);
        }
        // Digits only: `parse` alone would take `+5`.
        let digits = value.bytes().all(|b| b.is_ascii_digit());
        match value.parse::<i64>() {
            Ok(id) if digits && id > 0 => Ok(CreatorFilter::Admin(id)),
            _ => Err(FieldError::new(
                Self::FIELD,
                format!(
                    "Unknown creator `{value}`: use an administrator's id (a whole number) or `gone` (created by an admin since deactivated or removed)."
                ),
            )),
        }
    }
}

/// An admin who created at least one token, whatever their status now: the choices of
/// the list's "Created by" filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCreator {
    pub id: i64,
    pub name: String,
    pub status: AdminStatus,
}

impl TokenCreator {
    /// The name, marked when the admin is gone, as the filter lists it.
    pub fn label(&self) -> String {
        match self.status {
            AdminStatus::Active => self.name.clone(),
            gone => format!("{} ({})", self.name, gone.label().to_lowercase()),
        }
    }
}

/// "Outside policy": the working tokens whose expiry the policy in force would not allow
/// today (see [`crate::policy::TokenPolicy::outside_sql`]). A filter of its own rather
/// than a status: an outside token is still active, suspended or about to expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PolicyFilter {
    Outside,
}

impl PolicyFilter {
    pub const FIELD: &str = "policy";
    pub const ALL: [PolicyFilter; 1] = [PolicyFilter::Outside];

    /// The parameter's value: `outside`.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyFilter::Outside => "outside",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PolicyFilter::Outside => "Outside policy",
        }
    }

    pub fn parse(value: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == value)
            .ok_or_else(|| {
                FieldError::new(
                    Self::FIELD,
                    format!(
                        "Unknown `policy` value `{value}`: use outside (working tokens the token policy would not allow today), or leave it out."
                    ),
                )
            })
    }
}

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    pub const FIELD: &str = "format";
    pub const ALL: [ExportFormat; 2] = [ExportFormat::Csv, ExportFormat::Json];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }

    pub fn parse(value: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == value)
            .ok_or_else(|| {
                FieldError::new(
                    Self::FIELD,
                    format!("Unknown export format `{value}`: use csv or json."),
                )
            })
    }

    /// The media type of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Json => "application/json",
        }
    }

    /// The file's name on `day` (`tollgate-tokens-2026-12-03.csv`).
    pub fn file_name(self, day: chrono::NaiveDate) -> String {
        format!(
            "tollgate-tokens-{}.{}",
            day.format("%Y-%m-%d"),
            self.as_str()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unused_takes_30_or_90() {
        assert_eq!(UnusedFor::parse("30").unwrap().days(), 30);
        assert_eq!(UnusedFor::parse("90").unwrap(), UnusedFor::Days90);
        for bad in ["7", "30d", "", "-30"] {
            let error = UnusedFor::parse(bad).unwrap_err();
            assert_eq!(error.field, "unused");
            assert!(error.message.contains("30 or 90"), "{}", error.message);
        }
    }

    #[test]
    fn created_by_is_an_admin_id_or_gone() {
        assert_eq!(
            CreatorFilter::parse("12").unwrap(),
            CreatorFilter::Admin(12)
        );
        assert_eq!(CreatorFilter::parse("gone").unwrap(), CreatorFilter::Gone);
        assert_eq!(CreatorFilter::Admin(12).as_param(), "12");
        assert_eq!(CreatorFilter::Gone.as_param(), "gone");
        for bad in [
            "0",
            "-3",
            "+3",
            "ada",
            "Gone",
            "1.5",
            "99999999999999999999",
        ] {
            let error = CreatorFilter::parse(bad).unwrap_err();
            assert_eq!(error.field, "created_by");
            assert!(error.message.contains("`gone`"), "{}", error.message);
        }
    }

    #[test]
    fn policy_takes_outside() {
        assert_eq!(
            PolicyFilter::parse("outside").unwrap(),
            PolicyFilter::Outside
        );
        assert_eq!(PolicyFilter::Outside.as_str(), "outside");
        for bad in ["inside", "Outside", "1", "outside "] {
            let error = PolicyFilter::parse(bad).unwrap_err();
            assert_eq!(error.field, "policy");
            assert!(error.message.contains("use outside"), "{}", error.message);
        }
    }

    #[test]
    fn export_formats_and_file_names() {
        assert_eq!(ExportFormat::parse("csv").unwrap(), ExportFormat::Csv);
        assert_eq!(ExportFormat::parse("json").unwrap(), ExportFormat::Json);
        assert_eq!(ExportFormat::parse("xml").unwrap_err().field, "format");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(
            ExportFormat::Csv.file_name(day),
            "tollgate-tokens-2026-12-03.csv"
        );
    }

    #[test]
    fn a_gone_creator_is_marked() {
        let creator = |status| TokenCreator {
            id: 1,
            name: "Eddie".into(),
            status,
        };
        assert_eq!(creator(AdminStatus::Active).label(), "Eddie");
        assert_eq!(creator(AdminStatus::Removed).label(), "Eddie (removed)");
        assert_eq!(
            creator(AdminStatus::Deactivated).label(),
            "Eddie (deactivated)"
        );
    }
}
