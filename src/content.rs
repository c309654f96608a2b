mod cache;

use std::sync::Arc;

use chrono::Utc;
use serde_json::{Map, Value};

use crate::catalog::Catalog;
use crate::error::ServiceError;
use crate::store::{Document, Store};
use cache::DocumentCache;

/// The most documents one list request returns.
pub const LIST_LIMIT: i64 = 100;
/// The largest document body accepted, in bytes of JSON.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// The demo content behind the protected API: JSON documents per catalog resource.
#[derive(Clone)]
pub struct Content {
    store: Store,
    catalog: Arc<Catalog>,
    /// On SQLite only, where every write comes through here (see [`cache`]).
    cache: Option<DocumentCache>,
}

impl Content {
    pub fn new(store: Store, catalog: Arc<Catalog>) -> Self {
        let cache = matches!(store, Store::Sqlite(_)).then(DocumentCache::default);
        Self {
            store,
            catalog,
            cache,
        }
    }

    pub fn has_resource(&self, resource: &str) -> bool {
        self.catalog.has_resource(resource)
    }

    pub async fn list(&self, resource: &str) -> Result<Vec<Document>, ServiceError> {
        self.require_resource(resource)?;
        Ok(self.store.list_documents(resource, LIST_LIMIT).await?)
    }

    pub async fn get(&self, resource: &str, id: i64) -> Result<Arc<Document>, ServiceError> {
        self.require_resource(resource)?;
        let read = self.store.document(resource, id);
        let found = match &self.cache {
            Some(cache) => cache.read_through(resource, id, read).await?,
            None => read.await?.map(Arc::new),
        };
        found.ok_or(ServiceError::NotFound("document"))
    }

    /// Stores a new document. The body must be a JSON object of at most 64 KiB.
    pub async fn create(&self, resource: &str, body: Value) -> Result<Document, ServiceError> {
        self.require_resource(resource)?;
        let fields = document_fields(body)?;
        Ok(self
            .store
            .insert_document(resource, &fields, Utc::now())
            .await?)
    }

    /// Replaces a document's fields (the same rules as [`Content::create`]).
    pub async fn replace(
        &self,
        resource: &str,
        id: i64,
        body: Value,
    ) -> Result<Document, ServiceError> {
        self.require_resource(resource)?;
        let fields = document_fields(body)?;
        let replaced = self
            .store
            .replace_document(resource, id, &fields, Utc::now())
            .await;
        self.forget(resource, id);
        replaced?.ok_or(ServiceError::NotFound("document"))
    }

    pub async fn delete(&self, resource: &str, id: i64) -> Result<(), ServiceError> {
        self.require_resource(resource)?;
        let deleted = self.store.delete_document(resource, id).await;
        self.forget(resource, id);
        if deleted? {
            Ok(())
        } else {
            Err(ServiceError::NotFound("document"))
        }
    }

    /// After every write to a document, whatever its outcome (an error may still have
    /// committed): the next read asks the database.
    fn forget(&self, resource: &str, id: i64) {
        if let Some(cache) = &self.cache {
            cache.forget(resource, id);
        }
    }

    fn require_resource(&self, resource: &str) -> Result<(), ServiceError> {
        if self.has_resource(resource) {
            Ok(())
        } else {
            Err(ServiceError::NotFound("resource"))
        }
    }
}

/// A document body: a non-empty JSON object of at most 64 KiB, without the fields the
/// server sets.
fn document_fields(body: Value) -> Result<Map<String, Value>, ServiceError> {
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
    if ["id", "created_at", "updated_at"]
        .iter()
        .any(|reserved| fields.contains_key(*reserved))
    {
        return Err(ServiceError::invalid(
            "body",
            "`id`, `created_at` and `updated_at` are set by the server; leave them out.",
        ));
    }
    if serde_json::to_string(&fields).map_or(0, |s| s.len()) > MAX_DOCUMENT_BYTES {
        return Err(ServiceError::invalid(
            "body",
            "The document must be at most 64 KiB of JSON.",
        ));
    }
    Ok(fields)
}
