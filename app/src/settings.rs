//! The pages under `/settings`, laid out as their addresses are, each with the server
//! functions behind it (`<page>/server_fns.rs`).

pub mod administrators;
pub mod api_docs;
pub mod api_tokens;
pub mod audit_log;
pub mod policy;
pub mod profile;
pub mod roles;
pub mod webhooks;
