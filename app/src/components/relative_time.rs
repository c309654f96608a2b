//! A moment shown as "2 minutes ago" with the exact time on hover, and the clock that
//! keeps such words fresh.
//!
//! The words depend on "now", which differs between the server's render and the browser's
//! hydration. So a [`Clock`] starts at a time the server sent with the page (the hydrated
//! page writes the very words the server wrote), then follows the browser's clock, moving
//! every minute.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use tollgate::model::format_time;
use tollgate::relative_time::relative_time;

/// How often relative words are brought up to date: they count whole minutes.
const TICK: std::time::Duration = std::time::Duration::from_secs(60);

/// "Now" for relative times: the server's time at first, then the browser's, each minute.
#[derive(Clone, Copy)]
pub struct Clock {
    now: RwSignal<DateTime<Utc>>,
}

impl Clock {
    /// A clock that reads `server_now` until the page is hydrated. Lives as long as the
    /// component that makes it.
    pub fn starting_at(server_now: DateTime<Utc>) -> Self {
        let now = RwSignal::new(server_now);
        // Effects run in the browser only, after hydration: the first render matched.
        Effect::new(move |_| {
            now.set(Utc::now());
            if let Ok(handle) = set_interval_with_handle(move || now.set(Utc::now()), TICK) {
                on_cleanup(move || handle.clear());
            }
        });
        Self { now }
    }

    pub fn now(self) -> Signal<DateTime<Utc>> {
        self.now.into()
    }
}

/// `at` in words relative to `now` ("in 29 days"), the exact UTC time on hover and in
/// `datetime` for machines.
#[component]
pub fn RelativeTime(at: DateTime<Utc>, #[prop(into)] now: Signal<DateTime<Utc>>) -> impl IntoView {
    view! {
        <time datetime=at.to_rfc3339() title=format_time(at)>
            {move || relative_time(at, now.get())}
        </time>
    }
}
