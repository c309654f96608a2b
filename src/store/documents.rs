use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::FromRow;

use super::{Store, StoreError, StoreResult, on_pool};

/// One stored JSON document of a content resource, as the protected API returns it: its
/// id and timestamp next to the document's own fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    /// When a `PUT` last replaced it; absent until then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

#[derive(FromRow)]
struct DocumentRow {
    id: i64,
    body: String,
    created_at: DateTime<Utc>,
    updated_at: Option<DateTime<Utc>>,
}

impl TryFrom<DocumentRow> for Document {
    type Error = StoreError;
    fn try_from(row: DocumentRow) -> StoreResult<Self> {
        let fields = serde_json::from_str(&row.body)
            .map_err(|e| StoreError::Corrupt(format!("document {}: {e}", row.id)))?;
        Ok(Document {
            id: row.id,
            created_at: row.created_at,
            updated_at: row.updated_at,
            fields,
        })
    }
}

impl Store {
    /// A resource's documents in insertion order, at most `limit` of them.
    pub async fn list_documents(&self, resource: &str, limit: i64) -> StoreResult<Vec<Document>> {
        const SQL: &str = "SELECT id, body, created_at, updated_at FROM documents WHERE resource = $1 ORDER BY id LIMIT $2";
        let rows: Vec<DocumentRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(resource)
            .bind(limit)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(Document::try_from).collect()
    }

    pub async fn insert_document(
        &self,
        resource: &str,
        fields: &Map<String, Value>,
        now: DateTime<Utc>,
    ) -> StoreResult<Document> {
        const SQL: &str = "INSERT INTO documents (resource, body, created_at) VALUES ($1, $2, $3) RETURNING id, body, created_at, updated_at";
        let body = serde_json::to_string(fields).expect("a JSON map serialises");
        let row: DocumentRow = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(resource)
            .bind(&body)
            .bind(now)
            .fetch_one(pool)
            .await?);
        row.try_into()
    }

    pub async fn document(&self, resource: &str, id: i64) -> StoreResult<Option<Document>> {
        const SQL: &str = "SELECT id, body, created_at, updated_at FROM documents \
                           WHERE resource = $1 AND id = $2";
        let row: Option<DocumentRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(resource)
            .bind(id)
            .fetch_optional(pool)
            .await?);
        row.map(Document::try_from).transpose()
    }

    /// Replaces a document's fields; `None` when the resource has no such document.
    pub async fn replace_document(
        &self,
        resource: &str,
        id: i64,
        fields: &Map<String, Value>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Document>> {
        const SQL: &str = "UPDATE documents SET body = $1, updated_at = $2 \
                           WHERE resource = $3 AND id = $4 \
                           RETURNING id, body, created_at, updated_at";
        let body = serde_json::to_string(fields).expect("a JSON map serialises");
        let row: Option<DocumentRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(&body)
            .bind(now)
            .bind(resource)
            .bind(id)
            .fetch_optional(pool)
            .await?);
        row.map(Document::try_from).transpose()
    }

    /// Deletes a document; false when the resource has no such document.
    pub async fn delete_document(&self, resource: &str, id: i64) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM documents WHERE resource = $1 AND id = $2";
        let affected = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(resource)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(affected == 1)
    }
}
