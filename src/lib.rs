//! Tollgate's core: everything about API tokens that would still be true behind a
//! command-line interface. No web framework lives here.
//!
//! Without the `server` feature only [`model`], [`catalog`], [`endpoints`], [`error_class`],
//! [`lifetime`], [`lockout`], [`panel_paths`], [`policy`] and [`relative_time`] compile: the plain data
//! and rules the wasm UI shares with the server.

/// The permission catalog: content resources × actions, and what each token type grants.
pub mod catalog;
/// The API door's endpoints: which method and path need which permission.
pub mod endpoints;
/// What kind of failure an error is: its one HTTP status and code, at every door.
pub mod error_class;
/// A token's lifetime: presets, default, dates as 00:00 UTC, expiry checks, "expired".
pub mod lifetime;
/// What sign-in says near and at the lock after failed attempts (shared with the browser).
pub mod lockout;
/// Plain data that crosses to the browser: views, requests, field errors.
pub mod model;
/// Telling admins about new tokens: in the panel and by email.
pub mod notifications;
/// The panel's page addresses, for its links and for the links the core hands out.
pub mod panel_paths;
/// The token policy: maximum lifetime, required expiry, defaults, and whether an expiry is inside it.
pub mod policy;
/// A moment in words relative to now ("2 minutes ago", "in 29 days"), for server and browser.
pub mod relative_time;

/// Administrators: set-up, sign-in and sessions, roles, who may do what, the profile.
#[cfg(feature = "server")]
pub mod admins;
/// The audit log: who did what, when, from where.
#[cfg(feature = "server")]
pub mod audit;
/// Which address a request comes from: the peer, or what trusted proxies say.
#[cfg(feature = "server")]
pub mod client_address;
/// Demo content (stored JSON documents) served by the protected API.
#[cfg(feature = "server")]
pub mod content;
/// The error every service returns.
#[cfg(feature = "server")]
pub mod error;
/// Failures per key (a client address, an account) in a fixed window.
#[cfg(feature = "server")]
pub mod failure_throttle;
/// What a no-JS form post leaves, sealed, for the page it redirects to, on any instance.
#[cfg(feature = "server")]
pub mod form_handoffs;
/// What a door knows about a request: client address and browser, https, the session.
#[cfg(feature = "server")]
pub mod request_context;
/// The server key that keys token hashes, from configuration or the data folder.
#[cfg(feature = "server")]
pub mod server_key;
/// The services wired together: [`Tollgate`] and its [`Settings`].
#[cfg(feature = "server")]
mod services;
/// Persistence on SQLite or Postgres, with migrations.
#[cfg(feature = "server")]
pub mod store;
/// Tokens: format, verification (the hot path), cache, usage, and the admin use cases.
#[cfg(feature = "server")]
pub mod tokens;
/// Input validation: domain types parsed once at the edge.
#[cfg(feature = "server")]
pub mod validate;
/// Signed webhooks: endpoints, the outbox, the delivery worker.
#[cfg(feature = "server")]
pub mod webhooks;

#[cfg(feature = "server")]
pub use crate::error::ServiceError;
#[cfg(feature = "server")]
pub use crate::services::{Settings, Tollgate};
