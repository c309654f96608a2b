//! The server's integration tests: the router driven request by request with
//! `tower::ServiceExt::oneshot`, plus Tollgate behind real proxies (nginx, Caddy).
//!
//! One test binary on purpose. Each binary links the whole server (Leptos, axum, sqlx);
//! twelve of them took twelve links and more than 10 GB of `target/` on a clean build,
//! which is what CI starts from.

mod common;

/// The admin JSON API (`/admin/api/…`).
mod admin_api;
/// Every answer body, pinned by insta snapshots (in `snapshots/`).
mod answer_bodies;
/// The API door (`/api/…`, `/auth/forward`), behind proxies and through outages.
mod api_door;
/// Rules every door keeps alike.
mod every_door;
/// The panel's server functions and forms.
mod panel;
/// The router as a whole: statuses, headers and authorisation across doors.
mod router;
/// Slow and greedy clients against a real listener.
mod slow_clients;
