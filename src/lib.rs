//! Tollgate's core: everything about API tokens that would still be true behind a
//! command-line interface. No web framework lives here.
//!
//! Without the `server` feature only [`model`] and [`catalog`] compile: the plain data
//! types the wasm UI shares with the server.

/// Plain data that crosses to the browser: views, requests, field errors.
pub mod model;
/// The permission catalog: content resources × actions, and what each token type grants.
pub mod catalog;

/// The token format: generation, parsing with checksum, keyed hashing.
#[cfg(feature = "server")]
pub mod token;
/// The server key that keys token hashes, from configuration or the data folder.
#[cfg(feature = "server")]
pub mod key;
/// Input validation: domain types parsed once at the edge.
#[cfg(feature = "server")]
pub mod validate;
/// Persistence on SQLite or Postgres, with migrations.
#[cfg(feature = "server")]
pub mod store;
/// Administrators: first-admin set-up, passwords, sessions.
#[cfg(feature = "server")]
pub mod admins;
/// Token use cases: create, list, revoke.
#[cfg(feature = "server")]
pub mod tokens;
/// The API door: checks a bearer token and a permission.
#[cfg(feature = "server")]
pub mod verify;
/// `last_used_at` bookkeeping, buffered in memory and flushed in batches.
#[cfg(feature = "server")]
pub mod usage;
/// Demo content (stored JSON documents) served by the protected API.
#[cfg(feature = "server")]
pub mod content;
/// The error every service returns.
#[cfg(feature = "server")]
pub mod error;
/// The services wired together.
#[cfg(feature = "server")]
mod core;

#[cfg(feature = "server")]
pub use crate::core::{Settings, Tollgate};
#[cfg(feature = "server")]
pub use crate::error::ServiceError;
