//! Requests the API cannot take as sent, answered with the status that says why, in the
//! API's error shape: a body over the limit is 413, a method a path does not take is 405
//! with `Allow` (forward-auth included).

use crate::common::{Reply, TestApp, spawn_app};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use tollgate::model::TokenType;

/// The limit the README documents (2 MiB).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// A JSON object of exactly `bytes` bytes.
fn json_of_size(bytes: usize) -> String {
    let body = json!({ "title": "x".repeat(bytes - r#"{"title":""}"#.len()) }).to_string();
    assert_eq!(body.len(), bytes);
    body
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    headers: &[(header::HeaderName, &str)],
    body: String,
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}

fn assert_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.body["error"]["status"], status.as_u16());
    assert_eq!(reply.body["error"]["code"], code, "{}", reply.body);
    assert_eq!(reply.header(header::CACHE_CONTROL), "no-store");
}

#[tokio::test]
async fn a_ten_megabyte_body_is_413_payload_too_large_on_the_content_and_admin_apis() {
    let app = spawn_app().await;
    let (admin, cookie) = app.signed_in_admin().await;
    let (_, full) = app.token(&admin, "full", TokenType::FullAccess, &[]).await;
    let bearer = [(header::AUTHORIZATION, full.as_str())];
    let session = [(header::COOKIE, cookie.as_str())];
    let ten_megabytes = json_of_size(10 * 1024 * 1024);

    for (method, path, headers) in [
        (Method::POST, "/api/articles", &bearer),
        (Method::PUT, "/api/articles/1", &bearer),
        (Method::POST, "/admin/api/tokens", &session),
        (Method::PATCH, "/admin/api/tokens/1", &session),
    ] {
        let reply = send(&app, method.clone(), path, headers, ten_megabytes.clone()).await;
        assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
        let message = reply.body["error"]["message"].as_str().unwrap();
        assert!(message.contains("2 MiB"), "{method} {path}: {message}");
    }
}

/// The panel's server functions share the limit; they answered 500 `length limit exceeded`.
#[tokio::test]
async fn a_ten_megabyte_body_is_413_for_the_server_functions_too() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;
    let password = "x".repeat(10 * 1024 * 1024);
    let sign_in = json!({"input": {"email": "ada@example.com", "password": password}});
    let reply = send(&app, Method::POST, "/rpc/sign_in", &[], sign_in.to_string()).await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    let session = [(header::COOKIE, cookie.as_str())];
    let search = json!({"query": {"search": password}});
    let reply = send(
        &app,
        Method::POST,
        "/rpc/list_token_page",
        &session,
        search.to_string(),
    )
    .await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

#[tokio::test]
async fn the_limit_is_two_mebibytes_and_a_body_under_it_reaches_validation() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, full) = app.token(&admin, "full", TokenType::FullAccess, &[]).await;
    let bearer = [(header::AUTHORIZATION, full.as_str())];

    let over = send(
        &app,
        Method::POST,
        "/api/articles",
        &bearer,
        json_of_size(MAX_BODY_BYTES + 1),
    )
    .await;
    assert_error(&over, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    // Read whole, then refused by the document rule (at most 64 KiB), naming the body.
    let under = send(
        &app,
        Method::POST,
        "/api/articles",
        &bearer,
        json_of_size(MAX_BODY_BYTES - 64),
    )
    .await;
    assert_error(&under, StatusCode::BAD_REQUEST, "validation_failed");
    assert_eq!(under.body["error"]["details"][0]["field"], "body");
}

#[tokio::test]
async fn forward_auth_takes_get_and_head_and_answers_other_methods_405_with_allow() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, reader) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;
    let original = [
        (header::AUTHORIZATION, reader.as_str()),
        (header::HeaderName::from_static("x-original-method"), "GET"),
        (
            header::HeaderName::from_static("x-original-uri"),
            "/api/articles",
        ),
    ];

    for method in [Method::GET, Method::HEAD] {
        let reply = send(
            &app,
            method.clone(),
            "/auth/forward",
            &original,
            String::new(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{method}");
    }
    for method in [
        Method::TRACE,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
        Method::CONNECT,
    ] {
        let reply = send(
            &app,
            method.clone(),
            "/auth/forward",
            &original,
            String::new(),
        )
        .await;
        assert_error(&reply, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
        assert_eq!(reply.header(header::ALLOW), "GET,HEAD", "{method}");
    }
}

#[tokio::test]
async fn the_content_api_answers_a_method_a_path_does_not_take_405_in_the_error_shape() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, full) = app.token(&admin, "full", TokenType::FullAccess, &[]).await;
    let bearer = [(header::AUTHORIZATION, full.as_str())];

    for (method, path, allow) in [
        (Method::PATCH, "/api/articles", "GET,HEAD,POST"),
        (Method::TRACE, "/api/articles/1", "GET,HEAD,PUT,DELETE"),
        (Method::POST, "/api/tokens/verify", "GET,HEAD"),
    ] {
        let reply = send(&app, method.clone(), path, &bearer, String::new()).await;
        assert_error(&reply, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
        assert_eq!(reply.header(header::ALLOW), allow, "{method} {path}");
    }
}
