//! The demo content the API door serves: seeded, read, replaced, deleted.
//! Each function runs on both backends through `store_tests!`.

use super::*;

async fn documents_can_be_read_replaced_and_deleted(core: &Tollgate) {
    let first = core.content.list("articles").await.unwrap()[0].clone();
    let found = core.content.get("articles", first.id).await.unwrap();
    assert_eq!(*found, first);
    assert!(matches!(
        core.content.get("authors", first.id).await,
        Err(ServiceError::NotFound("document")),
    ));

    let replaced = core
        .content
        .replace("articles", first.id, serde_json::json!({"title": "New"}))
        .await
        .unwrap();
    assert_eq!(replaced.fields.len(), 1);
    assert_eq!(replaced.fields["title"], "New");
    assert!(replaced.updated_at.is_some());
    assert_eq!(replaced.created_at, first.created_at);
    assert!(matches!(
        core.content
            .replace("articles", first.id, serde_json::json!({"id": 5}))
            .await,
        Err(ServiceError::Invalid(_)),
    ));

    core.content.delete("articles", first.id).await.unwrap();
    assert!(matches!(
        core.content.delete("articles", first.id).await,
        Err(ServiceError::NotFound("document")),
    ));
    assert!(matches!(
        core.content
            .replace("articles", first.id, serde_json::json!({"title": "x"}))
            .await,
        Err(ServiceError::NotFound("document")),
    ));
}

async fn content_is_seeded_and_accepts_new_documents(core: &Tollgate) {
    let articles = core.content.list("articles").await.unwrap();
    assert_eq!(articles.len(), 3);
    assert_eq!(articles[0].fields["slug"], "getting-started");

    let body = serde_json::json!({"title": "Hello", "body": "World"});
    let created = core.content.create("articles", body).await.unwrap();
    assert_eq!(created.fields["title"], "Hello");
    assert_eq!(core.content.list("articles").await.unwrap().len(), 4);

    assert!(matches!(
        core.content
            .create("articles", serde_json::json!([1]))
            .await,
        Err(ServiceError::Invalid(_))
    ));
    assert!(matches!(
        core.content.list("secrets").await,
        Err(ServiceError::NotFound(_))
    ));
}

/// The title of article `id`, as `Content::get` answers it.
async fn title(core: &Tollgate, id: i64) -> String {
    let document = core.content.get("articles", id).await.unwrap();
    document.fields["title"].as_str().unwrap().to_owned()
}

/// Read once, a document is answered from memory on SQLite, where every write comes
/// through the core; on Postgres another instance may change it, so every read asks the
/// database. A write through the core is seen at once on both.
async fn documents_are_kept_in_memory_only_where_one_process_writes(core: &Tollgate) {
    let created = core
        .content
        .create("articles", serde_json::json!({"title": "Cached"}))
        .await
        .unwrap();
    assert_eq!(title(core, created.id).await, "Cached");

    // Another writer (a second instance on Postgres) changes the row behind this one's back.
    execute!(
        core,
        sqlx::query("UPDATE documents SET body = '{\"title\": \"Elsewhere\"}' WHERE id = $1")
            .bind(created.id)
    );
    let expected = match &core.store {
        Store::Sqlite(_) => "Cached",
        Store::Postgres(_) => "Elsewhere",
    };
    assert_eq!(title(core, created.id).await, expected);

    core.content
        .replace(
            "articles",
            created.id,
            serde_json::json!({"title": "Replaced"}),
        )
        .await
        .unwrap();
    assert_eq!(title(core, created.id).await, "Replaced");
    core.content.delete("articles", created.id).await.unwrap();
    assert!(matches!(
        core.content.get("articles", created.id).await,
        Err(ServiceError::NotFound("document")),
    ));
}

store_tests!(
    content_is_seeded_and_accepts_new_documents,
    documents_can_be_read_replaced_and_deleted,
    documents_are_kept_in_memory_only_where_one_process_writes,
);
