//! A moment in words, relative to now: "just now", "2 minutes ago", "yesterday",
//! "in 29 days". Whole units, rounded down, so a token made a moment ago with a 30-day
//! lifetime "expires in 29 days" (it has 29 full days and some hours left).
//!
//! A pure function of the two times, so the server and the browser write the same words
//! for the same `now` (what makes a hydrated page match its server render).

use chrono::{DateTime, Utc};

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// Months and years are approximate on purpose: "3 months ago" needs no calendar.
const MONTH: i64 = 30 * DAY;
const YEAR: i64 = 365 * DAY;

/// `at` in words as seen from `now`.
pub fn relative_time(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (at - now).num_seconds();
    let future = seconds > 0;
    let span = seconds.saturating_abs();
    let amount = match span {
        s if s < MINUTE => {
            return if future {
                "in under a minute"
            } else {
                "just now"
            }
            .into();
        }
        s if s < HOUR => count(s / MINUTE, "minute"),
        s if s < DAY => count(s / HOUR, "hour"),
        s if s < 2 * DAY => return if future { "tomorrow" } else { "yesterday" }.into(),
        s if s < MONTH => count(s / DAY, "day"),
        s if s < YEAR => count(s / MONTH, "month"),
        s => count(s / YEAR, "year"),
    };
    if future {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

fn count(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 15, 12, 0, 0).unwrap()
    }

    fn words(offset: Duration) -> String {
        relative_time(now() + offset, now())
    }

    #[test]
    fn the_past_counts_back_in_whole_units() {
        assert_eq!(words(Duration::seconds(0)), "just now");
        assert_eq!(words(-Duration::seconds(59)), "just now");
        assert_eq!(words(-Duration::seconds(60)), "1 minute ago");
        assert_eq!(words(-Duration::seconds(179)), "2 minutes ago");
        assert_eq!(words(-Duration::minutes(59)), "59 minutes ago");
        assert_eq!(words(-Duration::minutes(60)), "1 hour ago");
        assert_eq!(words(-Duration::hours(23)), "23 hours ago");
        assert_eq!(words(-Duration::hours(24)), "yesterday");
        assert_eq!(words(-Duration::hours(47)), "yesterday");
        assert_eq!(words(-Duration::hours(48)), "2 days ago");
        assert_eq!(words(-Duration::days(29)), "29 days ago");
        assert_eq!(words(-Duration::days(30)), "1 month ago");
        assert_eq!(words(-Duration::days(364)), "12 months ago");
        assert_eq!(words(-Duration::days(365)), "1 year ago");
        assert_eq!(words(-Duration::days(3 * 365)), "3 years ago");
    }

    #[test]
    fn the_future_counts_ahead_rounded_down() {
        assert_eq!(words(Duration::seconds(30)), "in under a minute");
        assert_eq!(words(Duration::minutes(5)), "in 5 minutes");
        assert_eq!(words(Duration::hours(1)), "in 1 hour");
        assert_eq!(words(Duration::hours(30)), "tomorrow");
        // A 7-day token made a moment ago: six full days left.
        assert_eq!(words(Duration::days(7) - Duration::seconds(5)), "in 6 days");
        assert_eq!(
            words(Duration::days(30) - Duration::seconds(5)),
            "in 29 days"
        );
        assert_eq!(words(Duration::days(90)), "in 3 months");
        assert_eq!(words(Duration::days(400)), "in 1 year");
    }
}
