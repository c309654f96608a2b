//! The API reference page's data, and the server function that hands it over.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;

/// The API reference the panel shows: the server's OpenAPI document, read into what a page
/// needs. Built once at start-up (`server::openapi::reference`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ApiReference {
    pub title: String,
    pub version: String,
    pub description: DocHtml,
    /// The errors every operation of a kind can answer, shown once instead of under each.
    pub shared_errors: Vec<SharedErrors>,
    pub groups: Vec<ApiGroup>,
}

/// A description from the document, as HTML the server rendered from its Markdown with
/// raw HTML escaped and only safe links (`server::openapi::markdown`), so the page may
/// insert it as is. Nothing else may make one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DocHtml(pub String);

impl DocHtml {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The error answers that every operation called the same way (with an API token, with
/// the admin session) can give, whatever it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedErrors {
    /// Which operations: "Endpoints called with an API token".
    pub applies_to: String,
    pub responses: Vec<ApiResponse>,
}

/// The operations of one OpenAPI tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiGroup {
    pub tag: String,
    pub description: DocHtml,
    pub endpoints: Vec<ApiEndpoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiEndpoint {
    /// The operationId; for content routes the permission (`articles.find`). The page uses
    /// it as the anchor the permission matrix links to.
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: DocHtml,
    /// What the operation needs; `None` for public ones.
    pub permission: Option<String>,
    pub parameters: Vec<ApiParameter>,
    /// What the request body must be, when it has one.
    pub body: Option<DocHtml>,
    /// Only the answers particular to this operation: not those in `shared_errors`.
    pub responses: Vec<ApiResponse>,
    /// It can also answer the shared errors of its kind.
    pub answers_shared_errors: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiParameter {
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    pub required: bool,
    pub description: DocHtml,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiResponse {
    pub status: String,
    pub description: DocHtml,
}

/// The anchor of an operation on the reference page, for links from elsewhere.
pub fn api_reference_href(operation_id: &str) -> String {
    crate::paths::api_docs_operation(operation_id)
}

#[server(prefix = "/rpc", endpoint = "api_reference")]
pub async fn get_api_reference() -> Result<ApiReference, AppError> {
    let rpc = Rpc::current();
    rpc.require_admin().await?;
    Ok(rpc.api_reference.as_ref().clone())
}
