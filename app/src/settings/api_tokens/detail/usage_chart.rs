//! A token's requests over the last [`USAGE_DAYS`] days: bars in SVG, with the axes, the
//! legend and the empty state in HTML around them (text inside a stretched SVG would
//! stretch too), and the same numbers as text for screen readers.
//!
//! Three series: allowed, refused (401/403) and limited (429: refused by a rate limit or
//! quota). The limited one appears (legend, text, table column) only for a token that had
//! such a refusal in the window: most tokens have no restriction, and a column of zeros
//! would only be noise to read through.

use chrono::NaiveDate;
use leptos::prelude::*;
use tollgate::model::{DailyUsage, USAGE_DAYS};

/// Requests per day as bars; the refused part of each day (401 expired, 403 missing
/// permission) in the warning colour at its foot, the limited part (429) above it in a
/// colour of its own. Hovering a bar names the day's numbers.
#[component]
pub fn UsageChart(usage: Vec<DailyUsage>) -> impl IntoView {
    let totals = Totals::of(&usage);
    let Totals {
        requests, limited, ..
    } = totals;
    let summary = totals.sentence();
    let any_limited = limited > 0;
    if requests == 0 {
        return view! {
            <figure class="usage">
                <p class="chart-empty">{format!("No requests in the last {USAGE_DAYS} days")}</p>
                <figcaption class="usage-summary">{summary}</figcaption>
            </figure>
        }
        .into_any();
    }
    let busiest = usage
        .iter()
        .max_by_key(|d| d.counts.requests)
        .map(|d| (d.day, d.counts.requests));
    let most = busiest.map_or(1, |(_, count)| count.max(1));
    let busiest_sentence = busiest
        .map(|(day, count)| {
            format!(
                "Busiest day: {}, {count} {}.",
                long_date(day),
                plural(count, "request")
            )
        })
        .unwrap_or_default();
    view! {
        <figure class="usage">
            <div class="chart-frame">
                <div class="y-axis" aria-hidden="true">
                    <span data-testid="y-max">{most}</span>
                    <span>"0"</span>
                </div>
                <Bars usage=usage.clone() most summary=summary.clone() limited=any_limited />
                <XAxis days=usage.iter().map(|d| d.day).collect() />
            </div>
            <Legend limited=any_limited />
            <figcaption class="usage-summary">{summary}</figcaption>
            <p class="muted" id="usage-busiest">{busiest_sentence}</p>
        </figure>
        <PerDayTable usage limited=any_limited />
    }
    .into_any()
}

fn refused_on(day: &DailyUsage) -> i64 {
    day.counts.unauthorized + day.counts.forbidden
}

/// The window's numbers, for the summary and the chart's accessible name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Totals {
    requests: i64,
    refused: i64,
    limited: i64,
}

impl Totals {
    fn of(usage: &[DailyUsage]) -> Self {
        Self {
            requests: usage.iter().map(|d| d.counts.requests).sum(),
            refused: usage.iter().map(refused_on).sum(),
            limited: usage.iter().map(|d| d.counts.limited).sum(),
        }
    }

    /// "3 requests, 1 refused, in the last 30 days."; the limited count only when there is
    /// one (see the module's note).
    fn sentence(self) -> String {
        let Self {
            requests,
            refused,
            limited,
        } = self;
        if limited == 0 {
            format!("{requests} requests, {refused} refused, in the last {USAGE_DAYS} days.")
        } else {
            format!(
                "{requests} requests, {refused} refused, {limited} limited, in the last {USAGE_DAYS} days."
            )
        }
    }
}

/// What hovering a day's bar says.
fn bar_label(day: &DailyUsage, limited: bool) -> String {
    let counts = day.counts;
    let refused = format!(
        "{}: {} requests, {} refused (401: {}, 403: {})",
        day.day,
        counts.requests,
        refused_on(day),
        counts.unauthorized,
        counts.forbidden
    );
    if limited {
        format!("{refused}, {} limited (429)", counts.limited)
    } else {
        refused
    }
}

/// What got through: every request that was neither refused nor limited.
fn allowed_on(day: &DailyUsage) -> i64 {
    (day.counts.requests - refused_on(day) - day.counts.limited).max(0)
}

fn plural(count: i64, noun: &str) -> String {
    if count == 1 {
        noun.to_owned()
    } else {
        format!("{noun}s")
    }
}

/// "Dec 2": what fits under a bar.
fn short_date(day: NaiveDate) -> String {
    day.format("%b %-d").to_string()
}

/// "2 December 2026": what a sentence says.
fn long_date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

#[component]
fn Bars(usage: Vec<DailyUsage>, most: i64, summary: String, limited: bool) -> impl IntoView {
    const HEIGHT: f64 = 100.0;
    const BAR: f64 = 10.0;
    let width = BAR * usage.len().max(1) as f64;
    let scale = |count: i64| count as f64 / most as f64 * HEIGHT;
    let bars = usage
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let x = i as f64 * BAR + 1.0;
            let total = scale(day.counts.requests);
            let denied = scale(refused_on(day));
            // Stacked on the refused part, so the three never overlap.
            let throttled = scale(day.counts.limited);
            let label = bar_label(day, limited);
            view! {
                <g>
                    <title>{label}</title>
                    <rect class="bar" x=x y=HEIGHT - total width=BAR - 2.0 height=total />
                    <rect class="bar refused" x=x y=HEIGHT - denied width=BAR - 2.0 height=denied />
                    <rect
                        class="bar limited"
                        x=x
                        y=HEIGHT - denied - throttled
                        width=BAR - 2.0
                        height=throttled
                    />
                </g>
            }
        })
        .collect_view();
    view! {
        <svg
            viewBox=format!("0 0 {width} {HEIGHT}")
            preserveAspectRatio="none"
            role="img"
            aria-describedby="usage-busiest"
            aria-label=summary
            class="chart"
        >
            <line class="gridline" x1="0" y1="0.5" x2=width y2="0.5" />
            {bars}
        </svg>
    }
}

/// The first, middle and last day under the bars.
#[component]
fn XAxis(days: Vec<NaiveDate>) -> impl IntoView {
    let pick = |i: usize| days.get(i).copied().map(short_date).unwrap_or_default();
    let last = days.len().saturating_sub(1);
    view! {
        <div class="x-axis" aria-hidden="true" data-testid="x-axis">
            <span>{pick(0)}</span>
            <span>{pick(last / 2)}</span>
            <span>{pick(last)}</span>
        </div>
    }
}

#[component]
fn Legend(limited: bool) -> impl IntoView {
    let limited = limited.then(|| {
        view! { <li><span class="swatch limited"></span>"Limited (429: rate limit, quota)"</li> }
    });
    view! {
        <ul class="legend" aria-hidden="true">
            <li><span class="swatch allowed"></span>"Allowed"</li>
            <li><span class="swatch refused"></span>"Refused (401, 403)"</li>
            {limited}
        </ul>
    }
}

/// The chart as a table, for screen readers: every day that had requests.
#[component]
fn PerDayTable(usage: Vec<DailyUsage>, limited: bool) -> impl IntoView {
    let rows = usage
        .into_iter()
        .filter(|d| d.counts.requests > 0)
        .map(|d| {
            let throttled = limited.then(|| view! { <td>{d.counts.limited}</td> });
            view! {
                <tr>
                    <td>{long_date(d.day)}</td>
                    <td>{allowed_on(&d)}</td>
                    <td>{d.counts.unauthorized}</td>
                    <td>{d.counts.forbidden}</td>
                    {throttled}
                </tr>
            }
        })
        .collect_view();
    let limited_header =
        limited.then(|| view! { <th scope="col">"Limited, 429 (rate limit or quota)"</th> });
    view! {
        <table class="sr-only" data-testid="usage-table">
            <caption>"Requests per day, days with requests only"</caption>
            <thead>
                <tr>
                    <th scope="col">"Day"</th>
                    <th scope="col">"Allowed"</th>
                    <th scope="col">"Refused, 401 (expired or revoked)"</th>
                    <th scope="col">"Refused, 403 (not permitted)"</th>
                    {limited_header}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tollgate::model::UsageCounts;

    fn day(requests: i64, unauthorized: i64, forbidden: i64, limited: i64) -> DailyUsage {
        DailyUsage {
            day: NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            counts: UsageCounts {
                requests,
                unauthorized,
                forbidden,
                limited,
            },
        }
    }

    #[test]
    fn without_a_limited_request_the_summary_reads_as_before() {
        let usage = [day(3, 0, 1, 0), day(0, 0, 0, 0)];
        assert_eq!(
            Totals::of(&usage).sentence(),
            "3 requests, 1 refused, in the last 30 days."
        );
        assert_eq!(
            bar_label(&usage[0], false),
            "2026-12-02: 3 requests, 1 refused (401: 0, 403: 1)"
        );
    }

    #[test]
    fn limited_requests_are_a_series_of_their_own() {
        let usage = [day(5, 1, 0, 2), day(1, 0, 0, 1)];
        assert_eq!(
            Totals::of(&usage).sentence(),
            "6 requests, 1 refused, 3 limited, in the last 30 days."
        );
        assert_eq!(allowed_on(&usage[0]), 2);
        assert_eq!(
            bar_label(&usage[0], true),
            "2026-12-02: 5 requests, 1 refused (401: 1, 403: 0), 2 limited (429)"
        );
    }
}
