//! Leaked-token reports (`POST /api/tokens/leaked`): what a reporter sends, and what a
//! token revoked by one shows. Plain data, shared with the panel and the OpenAPI document.

use serde::{Deserialize, Serialize};

/// The most values one report may carry (GitHub's credential revocation API takes as many).
pub const LEAK_REPORT_MAX: usize = 1000;
/// The longest `source` URL kept.
pub const LEAK_SOURCE_MAX: usize = 2048;
/// Who a report's audit events are by: nobody signs in to report.
pub const LEAK_REPORTER: &str = "Leak report";

/// Whether `source` is an `http://` or `https://` address with a host (scheme in any
/// case): what a report's `source` must be, and what the panel links to.
pub fn is_web_address(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    ["https://", "http://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme))
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
}

/// A report as a secret scanner (or anyone who found a value) sends it. Holding a value is
/// the authority to have it revoked; the answer never says which values were tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeakReportRequest {
    /// Where the values were found (`https://…`), kept with each token revoked.
    #[serde(default)]
    pub source: Option<String>,
    /// The values found, at most [`LEAK_REPORT_MAX`].
    pub tokens: Vec<String>,
}

/// The answer to every accepted report: how many values it carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeakReportReceipt {
    pub received: usize,
}

/// A token revoked because its value was reported as leaked (when: its `revoked_at`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeakReport {
    /// The address the report came from; `None` when it came over no connection.
    pub reported_from: Option<String>,
    /// Where the reporter found the value, if they said.
    pub source: Option<String>,
}
