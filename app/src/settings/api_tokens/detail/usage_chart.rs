//! A token's requests over the last [`USAGE_DAYS`] days: bars in SVG, with the axes, the
//! legend and the empty state in HTML around them (text inside a stretched SVG would
//! stretch too), and the same numbers as text for screen readers.

use chrono::NaiveDate;
use leptos::prelude::*;
use tollgate::model::{DailyUsage, USAGE_DAYS};

/// Requests per day as bars; the refused part of each day (401 expired, 403 missing
/// permission) in the warning colour at its foot. Hovering a bar names the day's numbers.
#[component]
pub fn UsageChart(usage: Vec<DailyUsage>) -> impl IntoView {
    let requests: i64 = usage.iter().map(|d| d.counts.requests).sum();
    let refused: i64 = usage.iter().map(refused_on).sum();
    let summary = format!("{requests} requests, {refused} refused, in the last {USAGE_DAYS} days.");
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
                <Bars usage=usage.clone() most />
                <XAxis days=usage.iter().map(|d| d.day).collect() />
            </div>
            <Legend />
            <figcaption class="usage-summary">{summary}</figcaption>
            <p class="muted" id="usage-busiest">{busiest_sentence}</p>
        </figure>
        <PerDayTable usage />
    }
    .into_any()
}

fn refused_on(day: &DailyUsage) -> i64 {
    day.counts.unauthorized + day.counts.forbidden
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
fn Bars(usage: Vec<DailyUsage>, most: i64) -> impl IntoView {
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
            let label = format!(
                "{}: {} requests, {} refused (401: {}, 403: {})",
                day.day,
                day.counts.requests,
                refused_on(day),
                day.counts.unauthorized,
                day.counts.forbidden
            );
            view! {
                <g>
                    <title>{label}</title>
                    <rect class="bar" x=x y=HEIGHT - total width=BAR - 2.0 height=total />
                    <rect class="bar refused" x=x y=HEIGHT - denied width=BAR - 2.0 height=denied />
                </g>
            }
        })
        .collect_view();
    let requests: i64 = usage.iter().map(|d| d.counts.requests).sum();
    let refused: i64 = usage.iter().map(refused_on).sum();
    view! {
        <svg
            viewBox=format!("0 0 {width} {HEIGHT}")
            preserveAspectRatio="none"
            role="img"
            aria-describedby="usage-busiest"
            aria-label=format!("{requests} requests, {refused} refused, in the last {USAGE_DAYS} days.")
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
fn Legend() -> impl IntoView {
    view! {
        <ul class="legend" aria-hidden="true">
            <li><span class="swatch allowed"></span>"Allowed"</li>
            <li><span class="swatch refused"></span>"Refused (401, 403)"</li>
        </ul>
    }
}

/// The chart as a table, for screen readers: every day that had requests.
#[component]
fn PerDayTable(usage: Vec<DailyUsage>) -> impl IntoView {
    let rows = usage
        .into_iter()
        .filter(|d| d.counts.requests > 0)
        .map(|d| {
            view! {
                <tr>
                    <td>{long_date(d.day)}</td>
                    <td>{(d.counts.requests - refused_on(&d)).max(0)}</td>
                    <td>{d.counts.unauthorized}</td>
                    <td>{d.counts.forbidden}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="sr-only" data-testid="usage-table">
            <caption>"Requests per day, days with requests only"</caption>
            <thead>
                <tr>
                    <th scope="col">"Day"</th>
                    <th scope="col">"Allowed"</th>
                    <th scope="col">"Refused, 401 (expired or revoked)"</th>
                    <th scope="col">"Refused, 403 (not permitted)"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
