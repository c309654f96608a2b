//! The panel's page addresses, for every link, redirect and form action, and for the links
//! the core hands out (a notification's "open the token"). The panel's route table
//! (`app/src/lib.rs`; `path!` needs literals) is their map, and a test there keeps the two
//! in step.

pub const HOME: &str = "/";
pub const SETUP: &str = "/setup";
pub const LOGIN: &str = "/login";
pub const TOKENS: &str = "/settings/api-tokens";
pub const NEW_TOKEN: &str = "/settings/api-tokens/new";
pub const API_DOCS: &str = "/settings/api-docs";
pub const ADMINISTRATORS: &str = "/settings/administrators";
pub const ROLES: &str = "/settings/roles";
pub const PROFILE: &str = "/settings/profile";
pub const AUDIT_LOG: &str = "/settings/audit-log";
pub const TOKEN_POLICY: &str = "/settings/token-policy";
pub const WEBHOOKS: &str = "/settings/webhooks";

/// A token's page.
pub fn token(id: i64) -> String {
    format!("{TOKENS}/{id}")
}

/// A webhook endpoint's page: its recent deliveries.
pub fn webhook(id: i64) -> String {
    format!("{WEBHOOKS}/{id}")
}

/// A token's edit form.
pub fn edit_token(id: i64) -> String {
    format!("{TOKENS}/{id}/edit")
}

/// The create form, filled in from the token `from` ("Copy as new").
pub fn copy_token(from: i64) -> String {
    format!("{NEW_TOKEN}?from={from}")
}

/// The audit log, filtered to one token.
pub fn audit_log_of_token(id: i64) -> String {
    format!("{AUDIT_LOG}?token={id}")
}

/// An operation on the API reference page.
pub fn api_docs_operation(operation_id: &str) -> String {
    format!("{API_DOCS}#{operation_id}")
}
