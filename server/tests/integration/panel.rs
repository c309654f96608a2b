//! The panel's door: its server functions (`/rpc/…`) and no-JS forms, request by request,
//! and what protects it inside a browser.

/// Roles: a server function refuses what the admin's role does not allow.
mod access;
/// The built panel's files: hashed names, compressed copies, how long they are kept.
mod assets;
/// The Content-Security-Policy and the refusal of cross-site changes.
mod browser_safety;
/// The forms posted without JavaScript: redirects and what the next page shows.
mod forms_without_js;
/// A server function's error carries its status and Retry-After, however it was returned.
mod server_fn_errors;
/// Signing in: the throttle per account and address, the same answer for unknown emails.
mod sign_in;
/// Editing and regenerating a token through the server functions.
mod token_changes;
/// The token list's server functions: a bad parameter named, bulk revoke.
mod token_list;
