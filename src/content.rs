use std::sync::Arc;

use chrono::Utc;
use serde_json::Value;

use crate::catalog::Catalog;
use crate::error::ServiceError;
use crate::store::{Document, Store};

/// The most documents one list request returns.
pub const LIST_LIMIT: i64 = 100;
/// The largest document body accepted, in bytes of JSON.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// The demo content behind the protected API: JSON documents per catalog resource.
#[derive(Clone)]
pub struct Content {
    store: Store,
    catalog: Arc<Catalog>,
}

impl Content {
    pub fn new(store: Store, catalog: Arc<Catalog>) -> Self {
        Self { store, catalog }
    }

    pub fn has_resource(&self, resource: &str) -> bool {
        self.catalog.has_resource(resource)
    }

    pub async fn list(&self, resource: &str) -> Result<Vec<Document>, ServiceError> {
        if !self.has_resource(resource) {
            return Err(ServiceError::NotFound("resource"));
        }
        Ok(self.store.list_documents(resource, LIST_LIMIT).await?)
    }

    /// Stores a new document. The body must be a JSON object of at most 64 KiB.
    pub async fn create(&self, resource: &str, body: Value) -> Result<Document, ServiceError> {
        if !self.has_resource(resource) {
            return Err(ServiceError::NotFound("resource"));
        }
        let Value::Object(fields) = body else {
            return Err(ServiceError::invalid(
                "body",
                "The request body must be a JSON object.",
            ));
        };
        if fields.is_empty() {
            return Err(ServiceError::invalid(
                "body",
                "The document needs at least one field.",
            ));
        }
        if fields.contains_key("id") || fields.contains_key("created_at") {
            return Err(ServiceError::invalid(
                "body",
                "`id` and `created_at` are set by the server; leave them out.",
            ));
        }
        if serde_json::to_string(&fields).map_or(0, |s| s.len()) > MAX_DOCUMENT_BYTES {
            return Err(ServiceError::invalid(
                "body",
                "The document must be at most 64 KiB of JSON.",
            ));
        }
        Ok(self
            .store
            .insert_document(resource, &fields, Utc::now())
            .await?)
    }
}
