//! Roles at the panel's door: a server function refuses what the signed-in admin's role
//! does not allow, whatever the page showed, and writes nothing.

use crate::common::{PASSWORD, spawn_app};
use axum::http::StatusCode;
use serde_json::json;

fn create_body(name: &str) -> serde_json::Value {
    json!({"input": {"name": name, "description": "", "lifetime": "30", "type": "full-access"}})
}

#[tokio::test]
async fn a_viewer_posting_to_create_token_gets_403_and_nothing_is_written() {
    let app = spawn_app().await;
    app.admin().await;
    let viewer = app.signed_in_as("Viewer").await;

    let reply = app
        .rpc("create_token", Some(&viewer), &create_body("sneaky"))
        .await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert_eq!(
        reply.body["Forbidden"],
        "Your role (Viewer) does not allow creating API tokens."
    );
    assert!(
        crate::common::active_tokens(&app.core).await.is_empty(),
        "nothing was written"
    );
}

#[tokio::test]
async fn an_editor_creates_and_a_viewer_lists() {
    let app = spawn_app().await;
    app.admin().await;
    let editor = app.signed_in_as("Editor").await;
    let viewer = app.signed_in_as("Viewer").await;

    let created = app
        .rpc("create_token", Some(&editor), &create_body("deploy"))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);

    let listed = app
        .rpc("list_token_page", Some(&viewer), &json!({"params": {}}))
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.body["data"][0]["name"], "deploy");
    assert_eq!(listed.body["data"][0]["created_by"], "Editor");

    let id = created.body["token"]["id"].as_i64().unwrap();
    let revoke = app
        .rpc("revoke_token", Some(&editor), &json!({"id": id}))
        .await;
    assert_eq!(revoke.status, StatusCode::FORBIDDEN, "{}", revoke.body);
    assert_eq!(crate::common::active_tokens(&app.core).await.len(), 1);
}

#[tokio::test]
async fn only_admins_with_the_permission_reach_the_administrators_functions() {
    let app = spawn_app().await;
    app.admin().await;
    let editor = app.signed_in_as("Editor").await;
    let super_admin = app
        .rpc(
            "sign_in",
            None,
            &json!({"input": {"email": "ada@example.com", "password": PASSWORD}}),
        )
        .await;
    let super_admin = super_admin.session_cookie();
    let add = json!({"input": {"email": "new@example.com", "name": "New", "role_id": 1, "password": PASSWORD}});

    for (function, body) in [("list_admins", json!({})), ("add_admin", add.clone())] {
        let reply = app.rpc(function, Some(&editor), &body).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{function}: {}",
            reply.body
        );
    }
    assert_eq!(
        app.core.store.count_admins().await.unwrap(),
        2,
        "nothing written"
    );

    let listed = app.rpc("list_admins", Some(&super_admin), &json!({})).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.body.as_array().unwrap().len(), 2);
    let added = app.rpc("add_admin", Some(&super_admin), &add).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert!(
        !added.body.to_string().contains(PASSWORD),
        "the initial password never comes back"
    );
}

#[tokio::test]
async fn the_audit_log_is_for_audit_read_and_records_the_caller() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;
    let editor = app.signed_in_as("Editor").await;
    let reply = app
        .rpc(
            "create_token",
            Some(&editor),
            &create_body("from-the-editor"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let refused = app
        .rpc("audit_log", Some(&editor), &json!({"params": []}))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(
        refused.body["Forbidden"],
        "Your role (Editor) does not allow reading the audit log."
    );

    let filtered = json!({"params": [["action", "token.create"]]});
    let page = app.rpc("audit_log", Some(&cookie), &filtered).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let entries = page.body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{}", page.body);
    assert_eq!(entries[0]["actor_name"], "Editor");
    assert_eq!(entries[0]["target"]["name"], "from-the-editor");
    assert_eq!(entries[0]["ip"], "127.0.0.1", "the caller's address");

    let bad = json!({"params": [["from", "yesterday"], ["action", "token.explode"]]});
    let invalid = app.rpc("audit_log", Some(&cookie), &bad).await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST, "{}", invalid.body);
    assert_eq!(invalid.body["Invalid"][0]["field"], "action");
    assert_eq!(invalid.body["Invalid"][1]["field"], "from");
}

/// 300 000 ids to revoke: a role that may not revoke is refused before the list is looked
/// at, and one that may is refused by its length before any id is worked on. Both answer
/// at once (de-duplicating the list first took minutes), and nothing is revoked.
#[tokio::test]
async fn a_flood_of_ids_to_revoke_is_refused_before_any_work() {
    let app = spawn_app().await;
    let (admin, super_admin) = app.signed_in_admin().await;
    let (kept, _) = app
        .token(&admin, "kept", tollgate::model::TokenType::ReadOnly, &[])
        .await;
    let viewer = app.signed_in_as("Viewer").await;
    let editor = app.signed_in_as("Editor").await;
    let mut flood: Vec<i64> = (1..=300_000).collect();
    flood[0] = kept;
    let body = json!({ "ids": flood });

    for (who, cookie, status) in [
        ("Viewer", &viewer, StatusCode::FORBIDDEN),
        ("Editor", &editor, StatusCode::FORBIDDEN),
        ("Super Admin", &super_admin, StatusCode::BAD_REQUEST),
    ] {
        let started = std::time::Instant::now();
        let reply = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            app.rpc("revoke_tokens", Some(cookie), &body),
        )
        .await
        .unwrap_or_else(|_| panic!("{who}: still working on the list after 20 s"));
        assert_eq!(reply.status, status, "{who}: {}", reply.body);
        eprintln!("{who}: {} in {:?}", reply.status, started.elapsed());
        if status == StatusCode::BAD_REQUEST {
            let message = reply.body["Invalid"][0]["message"].as_str().unwrap();
            assert!(message.contains("at most 100"), "{message}");
        }
    }
    assert_eq!(crate::common::active_tokens(&app.core).await.len(), 1);
}
