//! The `tollgate` binary's library: configuration, the axum router (panel, protected API,
//! health), and start-up. `main.rs` only parses the command line and calls in here.

/// The admin JSON API (`/admin/api/…`): tokens managed by scripts, signed in as an admin.
pub mod admin_api;
/// `tollgate admin …`: add an administrator or reset a password from a shell.
pub mod admin_cli;
/// The JSON bodies the server answers with, as types the OpenAPI schemas derive from.
pub mod answers;
/// The API door: the token-protected REST API (`/api/…`) and forward-auth.
pub mod api_door;
/// Request bodies over the limit answered 413 on every route.
pub mod body_limit;
/// Command line and environment configuration.
pub mod config;
/// The accept loop: connection bounds, header and body read timeouts.
pub mod connections;
/// JSON request bodies read into types, naming the field at fault (both JSON doors).
pub mod json_body;
/// The JSON error every JSON door answers, with its status, code and headers.
pub mod json_error;
/// Log output: colour only on a terminal, text or JSON lines.
pub mod logging;
/// The OpenAPI document of the API, and the panel's reference read from it.
pub mod openapi;
/// Each request read once (client address, https, session cookie) for every door.
pub mod request_context;
/// Everything behind one axum `Router`.
pub mod router;
/// Content-Security-Policy with nonces, and refusing cross-site state changes.
pub mod security;
/// A server function's error answer gets its error's status and `Retry-After`.
pub mod server_fn_status;
/// The built panel's files: hashed names, precompressed copies, what may be cached.
pub mod site_assets;
/// Opening the store, binding the port, background jobs, graceful shutdown.
pub mod startup;

pub use router::AppState;
pub use startup::Application;
