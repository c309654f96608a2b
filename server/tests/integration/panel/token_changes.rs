//! The panel's server functions that change a token (`/rpc/update_token`,
//! `/rpc/regenerate_token`), request by request: field errors, unknown and revoked
//! tokens, no caching of a new value, and effects on the very next API request.

use crate::common::{Reply, TestApp, spawn_app};
use axum::http::{StatusCode, header};
use serde_json::{Value, json};
use tollgate::admins::actor::Actor;
use tollgate::model::TokenType;

/// The first administrator, signed in, and the `Cookie` header value of their session.
async fn signed_in(app: &TestApp) -> (Actor, String) {
    app.signed_in_admin().await
}

/// The fields an `AppError::Invalid`/`Conflict` answer names, in order.
fn refused_fields(reply: &Reply) -> Vec<String> {
    let errors = reply
        .body
        .get("Invalid")
        .or_else(|| reply.body.get("Conflict"))
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("not a field error: {}", reply.body));
    errors
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn an_update_changes_what_it_sends_at_once_and_names_a_bad_field() {
    let app = spawn_app().await;
    let (admin, cookie) = signed_in(&app).await;
    let (id, bearer) = app
        .token(
            &admin,
            "sync",
            TokenType::Custom,
            &["articles.find", "articles.create"],
        )
        .await;
    assert_eq!(app.get("/api/articles", Some(&bearer)).await.status, 200);

    let patch = json!({"id": id, "patch": {"permissions": ["articles.create"]}});
    let reply = app.rpc("update_token", Some(&cookie), &patch).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["permissions"], json!(["articles.create"]));
    assert_eq!(reply.body["name"], "sync", "a field not sent stays");
    assert_eq!(
        app.get("/api/articles", Some(&bearer)).await.status,
        StatusCode::FORBIDDEN,
        "the lost permission is refused on the very next request"
    );

    for (patch, field) in [
        (json!({"name": "  "}), "name"),
        (json!({"description": "x".repeat(501)}), "description"),
        (
            json!({"type": "read-only", "permissions": ["articles.find"]}),
            "permissions",
        ),
        (
            json!({"lifetime": {"until": "2001-01-01T00:00:00Z"}}),
            "duration",
        ),
    ] {
        let body = json!({"id": id, "patch": patch});
        let reply = app.rpc("update_token", Some(&cookie), &body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{patch}: {}",
            reply.body
        );
        assert_eq!(refused_fields(&reply), [field], "{patch}");
    }
    let after = app.core.store.token(id).await.unwrap().unwrap();
    assert_eq!(
        (after.name.as_str(), after.permissions.len()),
        ("sync", 1),
        "a refused update changes nothing"
    );
}

#[tokio::test]
async fn a_regenerated_value_is_uncached_and_replaces_the_old_at_once() {
    let app = spawn_app().await;
    let (admin, cookie) = signed_in(&app).await;
    let (id, old) = app.token(&admin, "rotate", TokenType::ReadOnly, &[]).await;

    let reply = app
        .rpc("regenerate_token", Some(&cookie), &json!({"id": id}))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.header(header::CACHE_CONTROL), "no-store");
    assert_eq!(reply.body["token"]["id"], id);
    let secret = reply.body["secret"].as_str().unwrap();
    assert!(secret.starts_with("tg_"));
    let new = format!("Bearer {secret}");

    assert_eq!(
        app.get("/api/articles", Some(&old)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.get("/api/articles", Some(&new)).await.status, 200);
}

#[tokio::test]
async fn unknown_tokens_are_404_and_revoked_ones_409() {
    let app = spawn_app().await;
    let (admin, cookie) = signed_in(&app).await;

    let unknown = app
        .rpc("regenerate_token", Some(&cookie), &json!({"id": 424242}))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    assert_eq!(unknown.header(header::CACHE_CONTROL), "no-store");
    let body = json!({"id": 424242, "patch": {"name": "x"}});
    let unknown = app.rpc("update_token", Some(&cookie), &body).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);

    let (id, _) = app.token(&admin, "ended", TokenType::ReadOnly, &[]).await;
    app.core.tokens.revoke(&admin, id).await.unwrap();
    let again = app
        .rpc("regenerate_token", Some(&cookie), &json!({"id": id}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(again.body.get("AlreadyRevoked").is_some(), "{}", again.body);
    let body = json!({"id": id, "patch": {"name": "revived"}});
    let edit = app.rpc("update_token", Some(&cookie), &body).await;
    assert_eq!(edit.status, StatusCode::CONFLICT, "{}", edit.body);
    assert_eq!(
        app.core.store.token(id).await.unwrap().unwrap().name,
        "ended"
    );
}

#[tokio::test]
async fn changing_a_token_needs_a_session() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, bearer) = app.token(&admin, "mine", TokenType::ReadOnly, &[]).await;

    let body = json!({"id": id, "patch": {"name": "theirs"}});
    let edit = app.rpc("update_token", None, &body).await;
    assert_eq!(edit.status, StatusCode::UNAUTHORIZED);
    let regenerate = app
        .rpc(
            "regenerate_token",
            Some("tollgate_session=forged"),
            &json!({"id": id}),
        )
        .await;
    assert_eq!(regenerate.status, StatusCode::UNAUTHORIZED);
    assert_eq!(regenerate.header(header::CACHE_CONTROL), "no-store");

    assert_eq!(
        app.core.store.token(id).await.unwrap().unwrap().name,
        "mine"
    );
    assert_eq!(app.get("/api/articles", Some(&bearer)).await.status, 200);
}
