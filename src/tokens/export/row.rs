//! One token as an export writes it: what a review needs (who made it, what it may do,
//! when it was last used, how it ends), never its value, hash or hint.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::csv;
use crate::catalog::Permission;
use crate::model::{TokenStatus, TokenType, TokenView};

/// The CSV's columns, in order; the JSON objects hold the same fields.
pub const COLUMNS: [&str; 13] = [
    "id",
    "name",
    "description",
    "type",
    "status",
    "permissions",
    "created_at",
    "created_by",
    "last_used_at",
    "last_used_ip",
    "expires_at",
    "revoked_at",
    "restrictions",
];

/// Fields in alphabetical order, as every answer writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRow {
    pub created_at: DateTime<Utc>,
    /// The creator's name ("(removed)" marked), or Tollgate itself.
    pub created_by: String,
    pub description: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub id: i64,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_ip: Option<String>,
    pub name: String,
    pub permissions: Vec<Permission>,
    /// [`crate::model::Restrictions::summary`], joined: `2 networks; 100/min`.
    pub restrictions: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub status: TokenStatus,
    #[serde(rename = "type")]
    pub token_type: TokenType,
}

impl ExportRow {
    /// `token` as it stands at `now` (its status).
    pub fn new(token: TokenView, now: DateTime<Utc>) -> Self {
        Self {
            status: token.status(now),
            created_by: token.creator_label(),
            restrictions: token.restrictions.summary().join("; "),
            created_at: token.created_at,
            description: token.description,
            expires_at: token.expires_at,
            id: token.id,
            last_used_at: token.last_used_at,
            last_used_ip: token.last_used_ip,
            name: token.name,
            permissions: token.permissions,
            revoked_at: token.revoked_at,
            token_type: token.token_type,
        }
    }

    /// The row as one CSV record, in [`COLUMNS`] order.
    pub fn csv(&self) -> String {
        let time = |at: Option<DateTime<Utc>>| {
            at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true))
                .unwrap_or_default()
        };
        let permissions = self
            .permissions
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        let cells = [
            self.id.to_string(),
            self.name.clone(),
            self.description.clone(),
            self.token_type.as_str().to_owned(),
            self.status.as_str().to_owned(),
            permissions,
            time(Some(self.created_at)),
            self.created_by.clone(),
            time(self.last_used_at),
            self.last_used_ip.clone().unwrap_or_default(),
            time(self.expires_at),
            time(self.revoked_at),
            self.restrictions.clone(),
        ];
        csv::line(cells.iter().map(String::as_str))
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).expect("an export row serialises")
    }
}
