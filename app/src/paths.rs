//! The panel's page addresses, for every link, redirect and form action. The route table
//! in `lib.rs` (`path!` needs literals) is their map; a test below keeps the two in step.

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

/// A token's page.
pub fn token(id: i64) -> String {
    format!("{TOKENS}/{id}")
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every page address is one the route table in `lib.rs` serves (`:id` for an id).
    #[test]
    fn every_address_is_a_route() {
        let table = include_str!("lib.rs");
        let routed = |path: &str| table.contains(&format!("path!(\"{path}\")"));
        for path in [
            HOME,
            SETUP,
            LOGIN,
            TOKENS,
            NEW_TOKEN,
            API_DOCS,
            ADMINISTRATORS,
            ROLES,
            PROFILE,
            AUDIT_LOG,
        ] {
            assert!(routed(path), "{path}");
        }
        for path in [token(7), edit_token(7)] {
            assert!(routed(&path.replace('7', ":id")), "{path}");
        }
    }
}
