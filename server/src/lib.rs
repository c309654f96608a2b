//! The `tollgate` binary's library: configuration, the axum router (panel, protected API,
//! health), and start-up. `main.rs` only parses the command line and calls in here.

/// `tollgate admin …`: add an administrator or reset a password from a shell.
pub mod admin_cli;
/// The token-protected REST API (`/api/…`) and its JSON errors.
pub mod api;
/// Command line and environment configuration.
pub mod config;
/// Everything behind one axum `Router`.
pub mod router;
/// Opening the store, binding the port, background jobs, graceful shutdown.
pub mod startup;

pub use router::AppState;
pub use startup::Application;
