//! `PATCH`, `DELETE` and `regenerate`: partial edits, effects on the very next API
//! request, unknown ids, and revoking twice.

use axum::http::{Method, header};
use serde_json::json;

use super::{assert_error, call, create_token, read_only, signed_in};
use crate::common::spawn_app;

fn token_path(id: i64) -> String {
    format!("/admin/api/tokens/{id}")
}

#[tokio::test]
async fn a_patch_changes_only_what_it_sends_effective_at_once() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let body = json!({
        "name": "sync", "description": "nightly", "type": "custom",
        "permissions": ["articles.find", "articles.create"], "duration": 7,
    });
    let (id, bearer) = create_token(&app, &cookie, body).await;
    let before = call(&app, Method::GET, &token_path(id), Some(&cookie), None).await;
    assert_eq!(app.get("/api/articles", Some(&bearer)).await.status, 200);

    let patch = json!({"permissions": ["articles.create"]});
    let reply = call(
        &app,
        Method::PATCH,
        &token_path(id),
        Some(&cookie),
        Some(patch),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let after = &reply.body["data"];
    assert_eq!(after["permissions"], json!(["articles.create"]));
    for unchanged in ["name", "description", "type", "expires_at", "hint"] {
        assert_eq!(
            after[unchanged], before.body["data"][unchanged],
            "{unchanged}"
        );
    }
    let refused = app.get("/api/articles", Some(&bearer)).await;
    assert_error(&refused, 403, "insufficient_scope", None);

    let patch = json!({"description": null, "duration": null, "name": " renamed "});
    let reply = call(
        &app,
        Method::PATCH,
        &token_path(id),
        Some(&cookie),
        Some(patch),
    )
    .await;
    let after = &reply.body["data"];
    assert_eq!(
        (after["name"].as_str(), after["description"].as_str()),
        (Some("renamed"), Some(""))
    );
    assert_eq!(after["expires_at"], json!(null));

    let patch = json!({"type": "read-only"});
    let reply = call(
        &app,
        Method::PATCH,
        &token_path(id),
        Some(&cookie),
        Some(patch),
    )
    .await;
    assert_eq!(reply.body["data"]["permissions"], json!([]));
    assert_eq!(app.get("/api/articles", Some(&bearer)).await.status, 200);
}

#[tokio::test]
async fn a_refused_patch_names_the_field_and_changes_nothing() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    create_token(&app, &cookie, read_only("taken")).await;
    let (id, _) = create_token(&app, &cookie, read_only("mine")).await;
    let before = call(&app, Method::GET, &token_path(id), Some(&cookie), None).await;
    for (patch, status, field) in [
        (json!({"type": "custom"}), 400, "permissions"),
        (
            json!({"permissions": ["articles.find"]}),
            400,
            "permissions",
        ),
        (
            json!({"type": "custom", "permissions": ["secrets.find"]}),
            400,
            "permissions",
        ),
        (json!({"type": "root"}), 400, "type"),
        (json!({"name": ""}), 400, "name"),
        (json!({"duration": 365}), 400, "duration"),
        (json!({"duration": "2001-01-01"}), 400, "duration"),
        (json!({"name": "TAKEN"}), 409, "name"),
        (json!({"name": "new", "expires": 7}), 400, "expires"),
    ] {
        let reply = call(
            &app,
            Method::PATCH,
            &token_path(id),
            Some(&cookie),
            Some(patch.clone()),
        )
        .await;
        assert_eq!(reply.status, status, "{patch}: {}", reply.body);
        assert_eq!(reply.body["error"]["details"][0]["field"], field, "{patch}");
    }
    let after = call(&app, Method::GET, &token_path(id), Some(&cookie), None).await;
    assert_eq!(after.body, before.body);
}

#[tokio::test]
async fn unknown_ids_are_404_everywhere_and_bad_ids_400() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    for (method, path) in [
        (Method::GET, "/admin/api/tokens/424242"),
        (Method::PATCH, "/admin/api/tokens/424242"),
        (Method::DELETE, "/admin/api/tokens/424242"),
        (Method::POST, "/admin/api/tokens/424242/regenerate"),
    ] {
        let body = (method == Method::PATCH).then(|| json!({"name": "x"}));
        let reply = call(&app, method.clone(), path, Some(&cookie), body).await;
        assert_error(&reply, 404, "not_found", None);
        let bad = path.replace("424242", "abc");
        let body = (method == Method::PATCH).then(|| json!({"name": "x"}));
        let reply = call(&app, method, &bad, Some(&cookie), body).await;
        assert_error(&reply, 400, "invalid_request", Some("id"));
    }
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_the_error_shape() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let reply = call(&app, Method::GET, "/admin/api/nothing", Some(&cookie), None).await;
    assert_error(&reply, 404, "not_found", None);
    let reply = call(
        &app,
        Method::PUT,
        "/admin/api/tokens/1",
        Some(&cookie),
        None,
    )
    .await;
    assert_error(&reply, 405, "method_not_allowed", None);
}

#[tokio::test]
async fn regenerating_reveals_a_new_value_and_refuses_the_old_at_once() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let (id, old) = create_token(&app, &cookie, read_only("rotate")).await;
    assert_eq!(app.get("/api/articles", Some(&old)).await.status, 200);

    let path = format!("{}/regenerate", token_path(id));
    let reply = call(&app, Method::POST, &path, Some(&cookie), None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header(header::CACHE_CONTROL), "no-store");
    assert_eq!(reply.body["data"]["id"], id);
    let new = format!("Bearer {}", reply.body["secret"].as_str().unwrap());
    assert_ne!(new, old);

    let refused = app.get("/api/articles", Some(&old)).await;
    assert_error(&refused, 401, "invalid_token", None);
    assert_eq!(app.get("/api/articles", Some(&new)).await.status, 200);
}

#[tokio::test]
async fn revoking_twice_is_answered_clearly_and_changes_nothing() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let (id, bearer) = create_token(&app, &cookie, read_only("leaked")).await;
    assert_eq!(app.get("/api/articles", Some(&bearer)).await.status, 200);

    let first = call(&app, Method::DELETE, &token_path(id), Some(&cookie), None).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["data"]["status"], "revoked");
    assert_eq!(first.body["data"]["revoked_by"], "Ada");
    assert!(first.body["data"]["revoked_at"].is_string());
    assert_error(
        &app.get("/api/articles", Some(&bearer)).await,
        401,
        "invalid_token",
        None,
    );

    let second = call(&app, Method::DELETE, &token_path(id), Some(&cookie), None).await;
    assert_error(&second, 409, "already_revoked", None);
    let regenerate = format!("{}/regenerate", token_path(id));
    let again = call(&app, Method::POST, &regenerate, Some(&cookie), None).await;
    assert_error(&again, 409, "already_revoked", None);
    let shown = call(&app, Method::GET, &token_path(id), Some(&cookie), None).await;
    assert_eq!(shown.body["data"], first.body["data"], "nothing changed");
}
