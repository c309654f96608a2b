//! Leaked-token reports: anyone who holds a value may have it revoked, as GitHub's
//! credential revocation API works. A secret scanner that finds `tg_…` in a public
//! repository posts it to `POST /api/tokens/leaked`; a value that is a token stops working
//! at once, on every instance (the revocation clears its hash, which the change feed
//! announces), and the admins hear about it, never the value.
//!
//! The answer is the same whatever the values were (how many were received), so the
//! endpoint cannot tell a guesser anything; values failing the checksum are dropped before
//! any database read, and each address may report [`REPORTS_PER_WINDOW`] times a window.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use chrono::Utc;

use super::Tokens;
use super::edits::ATTEMPTS;
use crate::admins::actor::RequestOrigin;
use crate::audit::{By, event};
use crate::error::ServiceError;
use crate::failure_throttle::{SharedThrottle, ThrottleKind};
use crate::model::{
    AuditAction, AuditTargetKind, LEAK_REPORT_MAX, LEAK_SOURCE_MAX, LeakReportReceipt,
    LeakReportRequest, is_web_address,
};
use crate::store::Revocation;
use crate::tokens::format::{PlainToken, TokenHash};
use crate::validate::{Lines, text};

/// Reports one address may make per [`REPORT_WINDOW`]: plenty for a scanner, which sends
/// up to [`LEAK_REPORT_MAX`] values in each, and few enough that checksum-valid garbage
/// costs the database little.
pub const REPORTS_PER_WINDOW: u32 = 20;
pub const REPORT_WINDOW: Duration = Duration::from_secs(60);

/// Reports per client address (every report counts, not only failures, and is never taken
/// back: reserved in the shared window, so the limit holds across instances exactly).
pub(super) fn report_throttle() -> SharedThrottle {
    SharedThrottle::new(
        ThrottleKind::LeakReportAddress,
        REPORTS_PER_WINDOW,
        REPORT_WINDOW,
    )
}

/// A report as checked at the edge: the distinct values that pass the checksum, where they
/// were found, and how many values were sent.
struct LeakReport {
    values: Vec<PlainToken>,
    source: Option<String>,
    received: usize,
}

impl LeakReport {
    fn parse(request: &LeakReportRequest) -> Result<Self, ServiceError> {
        let received = request.tokens.len();
        if received == 0 {
            return Err(ServiceError::invalid(
                "tokens",
                "Send at least one value, like {\"tokens\": [\"tg_…\"]}.",
            ));
        }
        if received > LEAK_REPORT_MAX {
            return Err(ServiceError::invalid(
                "tokens",
                &format!(
                    "Send at most {LEAK_REPORT_MAX} values per report ({received} were sent); split them into several reports."
                ),
            ));
        }
        let source = request
            .source
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(check_source)
            .transpose()?;
        let mut seen = HashSet::with_capacity(received);
        let values = request
            .tokens
            .iter()
            .filter_map(|value| PlainToken::parse(value.trim()).ok())
            .filter(|token| seen.insert(token.expose().to_owned()))
            .collect();
        Ok(Self {
            values,
            source,
            received,
        })
    }
}

/// Where the values were found: an `http(s)://` address on one line, so the token's page
/// can link to it.
fn check_source(source: &str) -> Result<String, ServiceError> {
    let invalid = |message: &str| ServiceError::invalid("source", message);
    if source.chars().count() > LEAK_SOURCE_MAX {
        return Err(invalid(&format!(
            "The source must be at most {LEAK_SOURCE_MAX} characters."
        )));
    }
    text::check("source", "The source", source, Lines::One)
        .map_err(|e| ServiceError::Invalid(vec![e]))?;
    if !is_web_address(source) || source.contains(char::is_whitespace) {
        return Err(invalid(
            "The source must be the http:// or https:// address where the values were found.",
        ));
    }
    Ok(source.to_owned())
}

impl Tokens {
    /// Revokes every value in `request` that is a token, as reported from `origin`, and
    /// says how many values were received, whatever they were. A value that is a token's
    /// previous value (in a regenerate's grace period) ends that grace instead: the
    /// current value was not reported.
    pub async fn report_leaked(
        &self,
        request: &LeakReportRequest,
        origin: &RequestOrigin,
    ) -> Result<LeakReportReceipt, ServiceError> {
        let address = origin.ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        self.leak_reports
            .reserve(address)
            .await
            .map_err(ServiceError::TooManyReports)?;
        let report = LeakReport::parse(request)?;
        for value in &report.values {
            let hash = value.hash(&self.key);
            self.revoke_leaked(&hash, report.source.as_deref(), origin)
                .await?;
        }
        Ok(LeakReportReceipt {
            received: report.received,
        })
    }

    /// Revokes the token `hash` belongs to (or ends the grace of the previous value it
    /// is), if any, and tells the admins.
    async fn revoke_leaked(
        &self,
        hash: &TokenHash,
        source: Option<&str>,
        origin: &RequestOrigin,
    ) -> Result<(), ServiceError> {
        let reported_from = origin.ip.map(|ip| ip.to_string());
        let by = By::Visitor {
            name: crate::model::LEAK_REPORTER,
            id: None,
            origin,
        };
        for _ in 0..ATTEMPTS {
            let Some(found) = self.store.token_for_hash(hash.as_str()).await? else {
                return Ok(());
            };
            let Some(state) = self.store.token_state(found.id).await? else {
                return Ok(());
            };
            let Some(current) = state.hash.clone() else {
                return Ok(());
            };
            let previous_only = found.previous_until.is_some();
            let detail = leak_detail(previous_only, source);
            let target = Some((AuditTargetKind::Token, found.id, state.name.as_str()));
            let audit = event(&by, AuditAction::TokenLeaked, target, &detail);
            let now = Utc::now();
            let landed = if previous_only {
                self.store
                    .end_grace(found.id, &current, now, &audit)
                    .await?
            } else {
                let how = Revocation::Leaked {
                    source,
                    reported_from: reported_from.as_deref(),
                };
                self.store
                    .revoke_token(found.id, &current, how, now, &audit)
                    .await?
            };
            if landed {
                self.forget(&current, &state);
                tracing::warn!(
                    token_id = found.id,
                    previous_value = previous_only,
                    "token reported as leaked"
                );
                let token = self.view(found.id).await?;
                self.notifications
                    .token_leaked(&token, previous_only, source)
                    .await;
                return Ok(());
            }
        }
        Ok(())
    }
}

/// The audit event's detail: what was done, and where the value was found.
fn leak_detail(previous_only: bool, source: Option<&str>) -> String {
    let done = if previous_only {
        "its previous value was reported as leaked and stopped working; the current value still works"
    } else {
        "revoked: reported as leaked"
    };
    match source {
        Some(source) => format!("{done} (found at {source})"),
        None => done.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(tokens: Vec<String>, source: Option<&str>) -> LeakReportRequest {
        LeakReportRequest {
            source: source.map(str::to_owned),
            tokens,
        }
    }

    #[test]
    fn values_failing_the_checksum_are_dropped_and_repeats_kept_once() {
        let good = PlainToken::generate().into_exposed();
        let mut typo = good.clone();
        typo.replace_range(5..6, if &good[5..6] == "a" { "b" } else { "a" });
        let sent = vec![good.clone(), typo, "hello".into(), format!(" {good} ")];
        let report = LeakReport::parse(&request(sent, None)).unwrap();
        assert_eq!(report.received, 4);
        assert_eq!(report.values.len(), 1);
        assert_eq!(report.values[0].expose(), good);
    }

    #[test]
    fn a_report_carries_one_to_a_thousand_values() {
        let field = |e: ServiceError| match e {
            ServiceError::Invalid(errors) => errors[0].field.clone(),
            other => panic!("{other}"),
        };
        let empty = LeakReport::parse(&request(vec![], None)).err().unwrap();
        assert_eq!(field(empty), "tokens");
        let too_many = vec!["x".to_owned(); LEAK_REPORT_MAX + 1];
        let refused = LeakReport::parse(&request(too_many, None)).err().unwrap();
        assert_eq!(field(refused), "tokens");
        let most = vec!["x".to_owned(); LEAK_REPORT_MAX];
        assert!(LeakReport::parse(&request(most, None)).is_ok());
    }

    #[test]
    fn the_source_is_an_http_address_on_one_line() {
        for good in [
            "https://github.com/acme/app/blob/main/.env",
            "http://paste.example/x",
        ] {
            let report = LeakReport::parse(&request(vec!["x".into()], Some(good))).unwrap();
            assert_eq!(report.source.as_deref(), Some(good));
        }
        let blank = LeakReport::parse(&request(vec!["x".into()], Some("  "))).unwrap();
        assert_eq!(blank.source, None);
        let long = format!("https://example.com/{}", "a".repeat(LEAK_SOURCE_MAX));
        for bad in [
            "javascript:alert(1)",
            "ftp://example.com",
            "https://",
            "https:///path",
            "https://example.com/a b",
            "https://example.com/\nSet-Cookie: x",
            long.as_str(),
        ] {
            let error = LeakReport::parse(&request(vec!["x".into()], Some(bad)))
                .err()
                .unwrap_or_else(|| panic!("{bad} was accepted"));
            assert!(matches!(error, ServiceError::Invalid(ref e) if e[0].field == "source"));
        }
    }
}
