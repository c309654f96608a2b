//! The server's integration tests: the router driven request by request with
//! `tower::ServiceExt::oneshot`, plus Tollgate behind real proxies (nginx, Caddy).
//!
//! One test binary on purpose. Each binary links the whole server (Leptos, axum, sqlx);
//! twelve of them took twelve links and more than 10 GB of `target/` on a clean build,
//! which is what CI starts from.

mod common;

mod access;
mod admin_api;
mod api_door;
mod behind_proxies;
mod browser_safety;
mod forward_auth;
mod leaks;
mod openapi;
mod outage;
mod oversized_and_wrong_method;
mod panel_forms_without_js;
mod panel_token_changes;
mod panel_token_list;
mod router;
mod server_fn_errors;
mod sign_in;
mod slow_clients;
mod text_input;
mod token_widening;
