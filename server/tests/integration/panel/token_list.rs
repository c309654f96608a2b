//! The token list page's server functions, request by request: `list_token_page` names a
//! bad parameter, and `revoke_tokens` revokes what it can and says why the rest failed.

use crate::common::{Reply, TestApp, spawn_app};
use axum::http::StatusCode;
use serde_json::{Value, json};
use tollgate::admins::actor::Actor;
use tollgate::model::TokenType;

/// The first administrator, signed in: their session's `Cookie` value, and who they are.
async fn signed_in(app: &TestApp) -> (String, Actor) {
    let (admin, cookie) = app.signed_in_admin().await;
    (cookie, admin)
}

fn names(reply: &Reply) -> Vec<&str> {
    reply.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect()
}

/// The fields an `AppError::Invalid` answer names.
fn invalid_fields(reply: &Reply) -> Vec<&str> {
    reply.body["Invalid"]
        .as_array()
        .unwrap_or_else(|| panic!("not an Invalid answer: {}", reply.body))
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn list_token_page_filters_sorts_and_pages() {
    let app = spawn_app().await;
    let (cookie, admin) = signed_in(&app).await;
    for name in ["beta", "alpha", "gamma"] {
        app.token(&admin, name, TokenType::ReadOnly, &[]).await;
    }

    let first = app
        .rpc(
            "list_token_page",
            Some(&cookie),
            &json!({"params": {"sort": "name", "limit": "2"}}),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(names(&first), ["alpha", "beta"]);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let params = json!({"params": {"sort": "name", "limit": "2", "after": cursor}});
    let second = app.rpc("list_token_page", Some(&cookie), &params).await;
    assert_eq!(names(&second), ["gamma"]);
    assert_eq!(second.body["next_cursor"], Value::Null);
}

#[tokio::test]
async fn list_token_page_names_each_bad_parameter() {
    let app = spawn_app().await;
    let (cookie, _) = signed_in(&app).await;
    for (params, field) in [
        (json!({"sort": "token_hash"}), "sort"),
        (json!({"type": "admin"}), "type"),
        (json!({"status": "deleted"}), "status"),
        (json!({"limit": "0"}), "limit"),
        (json!({"search": "x".repeat(101)}), "search"),
        (json!({"after": "garbage"}), "after"),
    ] {
        let reply = app
            .rpc(
                "list_token_page",
                Some(&cookie),
                &json!({ "params": params }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        assert_eq!(invalid_fields(&reply), [field]);
    }
    let anonymous = app
        .rpc("list_token_page", None, &json!({"params": {}}))
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn revoke_tokens_revokes_the_good_ids_and_reports_the_others() {
    let app = spawn_app().await;
    let (cookie, admin) = signed_in(&app).await;
    let (first, first_bearer) = app.token(&admin, "first", TokenType::ReadOnly, &[]).await;
    let (second, second_bearer) = app.token(&admin, "second", TokenType::ReadOnly, &[]).await;
    let (kept, kept_bearer) = app.token(&admin, "kept", TokenType::ReadOnly, &[]).await;
    app.core.tokens.revoke(&admin, second).await.unwrap();
    let unknown = kept + 1000;

    let reply = app
        .rpc(
            "revoke_tokens",
            Some(&cookie),
            &json!({"ids": [first, unknown, second, first]}),
        )
        .await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["revoked"], json!([first]));
    let failed = reply.body["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{}", reply.body);
    assert_eq!(failed[0]["id"], unknown);
    assert!(failed[0]["reason"].as_str().unwrap().contains("not found"));
    assert_eq!(failed[1]["id"], second);
    assert!(failed[1]["reason"].as_str().unwrap().contains("revoked"));
    for (bearer, status) in [
        (&first_bearer, StatusCode::UNAUTHORIZED),
        (&second_bearer, StatusCode::UNAUTHORIZED),
        (&kept_bearer, StatusCode::OK),
    ] {
        assert_eq!(app.get("/api/articles", Some(bearer)).await.status, status);
    }
}

#[tokio::test]
async fn revoke_tokens_refuses_an_empty_or_oversized_list() {
    let app = spawn_app().await;
    let (cookie, _) = signed_in(&app).await;
    let too_many: Vec<i64> = (1..=101).collect();
    for ids in [json!([]), json!(too_many)] {
        let reply = app
            .rpc("revoke_tokens", Some(&cookie), &json!({ "ids": ids }))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        assert_eq!(invalid_fields(&reply), ["ids"]);
    }
    let anonymous = app.rpc("revoke_tokens", None, &json!({"ids": [1]})).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}
