//! Tollgate's core: everything about API tokens that would still be true behind a
//! command-line interface. No web framework lives here.
//!
//! Without the `server` feature only [`model`] and [`catalog`] compile: the plain data
//! types the wasm UI shares with the server.

/// The permission catalog: content resources × actions, and what each token type grants.
pub mod catalog;
/// Plain data that crosses to the browser: views, requests, field errors.
pub mod model;
/// Telling admins about new tokens: in the panel and by email.
pub mod notifications;

/// Who may do what: built-in roles and the permission check of every admin use case.
#[cfg(feature = "server")]
pub mod access;
/// Who is acting and from where (the audit log, the password re-confirmation).
#[cfg(feature = "server")]
pub mod actor;
/// Administrators: set-up, sign-in and sessions, managing admins, own profile.
#[cfg(feature = "server")]
pub mod admins;
/// The audit log: who did what, when, from where.
#[cfg(feature = "server")]
pub mod audit;
/// Working tokens by hash, in memory, invalidated on every change.
#[cfg(feature = "server")]
pub mod cache;
/// Which address a request comes from: the peer, or what trusted proxies say.
#[cfg(feature = "server")]
pub mod client_address;
/// Demo content (stored JSON documents) served by the protected API.
#[cfg(feature = "server")]
pub mod content;
/// The services wired together.
#[cfg(feature = "server")]
mod core;
/// The error every service returns.
#[cfg(feature = "server")]
pub mod error;
/// Following other instances' token changes (Postgres).
#[cfg(feature = "server")]
pub mod feed;
/// The server key that keys token hashes, from configuration or the data folder.
#[cfg(feature = "server")]
pub mod key;
/// Email over SMTP, for notifications.
#[cfg(feature = "server")]
pub mod mailer;
/// Roles: named sets of admin permissions, built-in and custom.
#[cfg(feature = "server")]
pub mod roles;
/// Which permission a method and path need (forward-auth).
#[cfg(feature = "server")]
pub mod routes;
/// Many tokens at once, for load tests.
#[cfg(feature = "server")]
pub mod seed;
/// Failed sign-ins per account and per address.
#[cfg(feature = "server")]
pub mod sign_in_throttle;
/// Persistence on SQLite or Postgres, with migrations.
#[cfg(feature = "server")]
pub mod store;
/// Failed verifications per client address: refuses guessing at speed.
#[cfg(feature = "server")]
pub mod throttle;
/// The token format: generation, parsing with checksum, keyed hashing.
#[cfg(feature = "server")]
pub mod token;
/// Token use cases: create, list, revoke, usage.
#[cfg(feature = "server")]
pub mod tokens;
/// Usage (last use, per-day counts), buffered in memory and flushed in batches.
#[cfg(feature = "server")]
pub mod usage;
/// Input validation: domain types parsed once at the edge.
#[cfg(feature = "server")]
pub mod validate;
/// The API door: checks a bearer token and a permission.
#[cfg(feature = "server")]
pub mod verify;

#[cfg(feature = "server")]
pub use crate::core::{Settings, Tollgate};
#[cfg(feature = "server")]
pub use crate::error::ServiceError;
