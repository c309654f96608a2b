//! The API door beyond list and create: documents by id, throttling of failed
//! verifications, the query-parameter token, client addresses, and usage bookkeeping.

/// nginx and Caddy in front of an upstream, with forward-auth.
mod behind_proxies;
/// Every entry of the endpoint table: a route, its permission, its OpenAPI operation.
mod endpoint_table;
/// `/auth/forward` through the router.
mod forward_auth;
/// Leaked-token reports: revoked, same answer whatever the values, throttled.
mod leaked;
/// The OpenAPI document, and each operation answering as documented.
mod openapi;
/// The door while the database is away, on a private Postgres cluster.
mod outage;
/// Bodies over the limit (413) and methods a path does not take (405).
mod oversized_and_wrong_method;
/// Networks, suspension, not-before, rate limits and quotas refused at every door.
mod restrictions;

use std::net::SocketAddr;

use crate::common::{TestApp, spawn_app, spawn_app_with};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tollgate::model::TokenType;

impl TestApp {
    async fn put_json(
        &self,
        path: &str,
        authorization: &str,
        body: serde_json::Value,
    ) -> crate::common::Reply {
        let request = Request::put(path)
            .header(header::AUTHORIZATION, authorization)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(request).await
    }

    async fn delete(&self, path: &str, authorization: &str) -> crate::common::Reply {
        let request = Request::delete(path)
            .header(header::AUTHORIZATION, authorization)
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// A GET from another client address.
    async fn get_from(
        &self,
        peer: &str,
        path: &str,
        authorization: Option<&str>,
    ) -> crate::common::Reply {
        let mut request = Request::get(path);
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        let mut request = request.body(Body::empty()).unwrap();
        let peer: SocketAddr = peer.parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(peer));
        self.send(request).await
    }
}

/// A request with a garbage token, as a proxy forwards it for `forwarded`.
fn bad_token_via_proxy(forwarded: &str) -> Request<Body> {
    Request::get("/api/articles")
        .header(header::AUTHORIZATION, "Bearer tg_garbage")
        .header("x-forwarded-for", forwarded)
        .body(Body::empty())
        .unwrap()
}

fn never_issued() -> String {
    format!(
        "Bearer {}",
        tollgate::tokens::format::PlainToken::generate().expose()
    )
}

#[tokio::test]
async fn each_document_route_needs_its_own_action() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, reader) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;
    let (_, editor) = app
        .token(
            &admin,
            "editor",
            TokenType::Custom,
            &["articles.findOne", "articles.update"],
        )
        .await;
    let id = app.get("/api/articles", Some(&reader)).await.body["data"][0]["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/articles/{id}");

    let one = app.get(&path, Some(&reader)).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.body["data"]["slug"], "getting-started");

    let refused = app.put_json(&path, &reader, json!({"title": "x"})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused
            .header(header::WWW_AUTHENTICATE)
            .contains("scope=\"articles.update\"")
    );

    let replaced = app
        .put_json(&path, &editor, json!({"title": "Renamed"}))
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    assert_eq!(replaced.body["data"]["title"], "Renamed");
    assert!(replaced.body["data"]["updated_at"].is_string());

    let not_allowed = app.delete(&path, &editor).await;
    assert_eq!(not_allowed.status, StatusCode::FORBIDDEN);
    assert!(
        not_allowed
            .header(header::WWW_AUTHENTICATE)
            .contains("scope=\"articles.delete\"")
    );
    assert_eq!(
        app.get(&path, Some(&reader)).await.status,
        StatusCode::OK,
        "still there"
    );
}

#[tokio::test]
async fn deleting_a_document_answers_204_then_404() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, full) = app.token(&admin, "full", TokenType::FullAccess, &[]).await;
    let id = app.get("/api/authors", Some(&full)).await.body["data"][0]["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/authors/{id}");

    let deleted = app.delete(&path, &full).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let again = app.delete(&path, &full).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(
        again.body["error"]["message"],
        "The document does not exist."
    );
    assert_eq!(
        app.get(&path, Some(&full)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_malformed_document_id_is_named_but_only_to_a_valid_token() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, reader) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;

    let bad = app.get("/api/articles/first", Some(&reader)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body["error"]["details"][0]["field"], "id");
    assert_eq!(
        app.get("/api/articles/first", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let replace = app
        .put_json(
            "/api/articles/1",
            &reader.replace("Bearer ", "Bearer x"),
            json!({"a": 1}),
        )
        .await;
    assert_eq!(replace.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_replacement_must_be_a_json_object() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, full) = app.token(&admin, "full", TokenType::FullAccess, &[]).await;
    for body in [json!([1, 2]), json!({}), json!({"id": 3, "title": "x"})] {
        let reply = app.put_json("/api/articles/1", &full, body.clone()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.body["error"]["details"][0]["field"], "body");
    }
}

#[tokio::test]
async fn repeated_bad_tokens_from_one_address_get_429_then_even_a_good_one_waits() {
    let app = spawn_app_with(|config| config.throttle_limit = 3).await;
    let admin = app.admin().await;
    let (_, good) = app.token(&admin, "good", TokenType::ReadOnly, &[]).await;

    for bad in [
        "Bearer tg_garbage".to_owned(),
        never_issued(),
        never_issued(),
    ] {
        let reply = app.get("/api/articles", Some(&bad)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let throttled = app.get("/api/articles", Some(&good)).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.body["error"]["code"], "too_many_requests");
    let retry_after: u64 = throttled.header(header::RETRY_AFTER).parse().unwrap();
    assert!((1..=61).contains(&retry_after), "{retry_after}");
    assert_eq!(throttled.header(header::CACHE_CONTROL), "no-store");

    let elsewhere = app
        .get_from("198.51.100.4:5000", "/api/articles", Some(&good))
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::OK,
        "other addresses are not held up"
    );
}

#[tokio::test]
async fn missing_tokens_and_refused_permissions_do_not_count_as_guesses() {
    let app = spawn_app_with(|config| config.throttle_limit = 2).await;
    let admin = app.admin().await;
    let (_, reader) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;
    for _ in 0..5 {
        assert_eq!(
            app.get("/api/articles", None).await.status,
            StatusCode::UNAUTHORIZED
        );
        let write = app
            .put_json("/api/articles/1", &reader, json!({"a": 1}))
            .await;
        assert_eq!(write.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        app.get("/api/articles", Some(&reader)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_client() {
    let app = spawn_app_with(|config| {
        config.throttle_limit = 1;
        config.trusted_proxies = Some("127.0.0.1/32".parse().unwrap());
    })
    .await;
    assert_eq!(
        app.send(bad_token_via_proxy("203.0.113.1")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.send(bad_token_via_proxy("203.0.113.1")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Same proxy (same peer address), another client behind it.
    assert_eq!(
        app.send(bad_token_via_proxy("203.0.113.1, 203.0.113.2"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // The throttled client typing another address on the left changes nothing.
    assert_eq!(
        app.send(bad_token_via_proxy("198.51.100.50, 203.0.113.1"))
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn forwarded_headers_are_ignored_unless_trusted() {
    let app = spawn_app_with(|config| config.throttle_limit = 1).await;
    assert_eq!(
        app.send(bad_token_via_proxy("203.0.113.1")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.send(bad_token_via_proxy("203.0.113.99")).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "a client cannot dodge the throttle by naming another address"
    );
}

#[tokio::test]
async fn forwarded_headers_from_a_peer_outside_the_trusted_networks_are_ignored() {
    let app = spawn_app_with(|config| {
        config.throttle_limit = 1;
        config.trusted_proxies = Some("10.0.0.0/8, fd00::/8".parse().unwrap());
    })
    .await;
    // The peer (127.0.0.1) is not one of the proxies: it is the client, whatever it says.
    for forwarded in ["203.0.113.1", "203.0.113.2", "10.0.0.7"] {
        let expected = if forwarded == "203.0.113.1" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(
            app.send(bad_token_via_proxy(forwarded)).await.status,
            expected,
            "{forwarded}"
        );
    }
}

#[tokio::test]
async fn x_real_ip_is_never_believed() {
    let app = spawn_app_with(|config| {
        config.throttle_limit = 1;
        config.trusted_proxies = Some("127.0.0.1/32".parse().unwrap());
    })
    .await;
    let bad = |real_ip: &str| {
        Request::get("/api/articles")
            .header(header::AUTHORIZATION, "Bearer tg_garbage")
            .header("x-real-ip", real_ip)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(
        app.send(bad("203.0.113.1")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.send(bad("203.0.113.2")).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "both came from the proxy itself"
    );
}

#[tokio::test]
async fn the_query_parameter_is_refused_unless_enabled() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, bearer) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;
    let token = bearer.trim_start_matches("Bearer ");

    let reply = app
        .get(&format!("/api/articles?access_token={token}"), None)
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body["error"]["code"], "invalid_request");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("turned off")
    );
    assert!(
        reply
            .header(header::WWW_AUTHENTICATE)
            .contains("error=\"invalid_request\"")
    );
}

#[tokio::test]
async fn the_query_parameter_works_when_enabled_but_not_together_with_the_header() {
    let app = spawn_app_with(|config| config.allow_query_token = true).await;
    let admin = app.admin().await;
    let (_, bearer) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;
    let token = bearer.trim_start_matches("Bearer ");

    let reply = app
        .get(&format!("/api/articles?limit=5&access_token={token}"), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let verify = app
        .get(&format!("/api/tokens/verify?access_token={token}"), None)
        .await;
    assert_eq!(verify.body["name"], "reader");

    let twice = app
        .get(
            &format!("/api/articles?access_token={token}"),
            Some(&bearer),
        )
        .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert_eq!(twice.body["error"]["code"], "invalid_request");
}

#[tokio::test]
async fn an_expired_token_is_refused_with_its_expiry() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, bearer) = app.token(&admin, "old", TokenType::ReadOnly, &[]).await;
    let tollgate::store::Store::Sqlite(pool) = &app.core.store else {
        unreachable!("router tests run on SQLite")
    };
    sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE id = $2")
        .bind(chrono::Utc::now() - chrono::Duration::minutes(1))
        .bind(id)
        .execute(pool)
        .await
        .unwrap();

    let reply = app.get("/api/articles", Some(&bearer)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body["error"]["code"], "invalid_token");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired at")
    );
    assert!(
        reply
            .header(header::WWW_AUTHENTICATE)
            .contains("error=\"invalid_token\"")
    );
}

#[tokio::test]
async fn usage_records_the_client_address_and_refusals() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, reader) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;
    app.get_from("192.0.2.10:1234", "/api/articles", Some(&reader))
        .await;
    app.get_from("192.0.2.10:1234", "/api/tokens/verify", Some(&reader))
        .await;
    app.put_json("/api/articles/1", &reader, json!({"a": 1}))
        .await;
    app.core.flush_usage().await;

    let listed = &crate::common::active_tokens(&app.core).await[0];
    assert_eq!(
        listed.last_used_ip.as_deref(),
        Some("127.0.0.1"),
        "the latest use"
    );
    let today = app.core.tokens.usage(id, 1).await.unwrap()[0].counts;
    assert_eq!(
        (today.requests, today.forbidden, today.unauthorized),
        (3, 1, 0)
    );
}

#[tokio::test]
async fn a_catalog_file_decides_which_resources_exist() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.json");
    std::fs::write(&path, r#"{"resources": ["invoices"]}"#).unwrap();
    let app = spawn_app_with(|config| config.catalog = Some(path.clone())).await;
    let admin = app.admin().await;
    let (_, full) = app.token(&admin, "full", TokenType::FullAccess, &[]).await;

    let created = app
        .post_json("/api/invoices", Some(&full), &json!({"total": 42}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let listed = app.get("/api/invoices", Some(&full)).await;
    assert_eq!(listed.body["data"][0]["total"], 42);
    assert_eq!(
        app.get("/api/articles", Some(&full)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_broken_catalog_file_stops_start_up_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.json");
    std::fs::write(&path, r#"{"resources": ["Invoices"]}"#).unwrap();
    let mut config = server::config::Config::for_tests(dir.path().join("data"));
    config.catalog = Some(path);
    let error = server::startup::open_core(&config).await.err().unwrap();
    let message = error.to_string();
    assert!(message.contains("catalog.json"), "{message}");
    assert!(message.contains("lowercase"), "{message}");
}

/// Serving a database for the first time pre-generates "Full access" and "Read-only";
/// serving it again (a restart, after one was revoked) makes nothing more, while
/// `migrate` never counts as a start.
#[tokio::test]
async fn only_the_first_start_of_a_database_pregenerates_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let config = server::config::Config::for_tests(dir.path().join("data"));
    let migrated = server::startup::open_core(&config).await.unwrap();
    assert_eq!(crate::common::active_tokens(&migrated).await, vec![]);
    migrated.store.close().await;

    let first = server::Application::build(&config).await.unwrap();
    let made = crate::common::active_tokens(first.core()).await;
    let names: Vec<_> = made.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Read-only", "Full access"], "newest first");
    assert!(made.iter().all(|t| t.created_by.is_none()));
    let full_access = made[1].id;
    let core = first.core().clone();
    let session = core
        .admins
        .create_first(
            &tollgate::model::NewAdminRequest {
                email: "ada@example.com".into(),
                name: "Ada".into(),
                password: "correct horse battery staple".into(),
                password_confirm: "correct horse battery staple".into(),
            },
            &tollgate::admins::actor::RequestOrigin::default(),
        )
        .await
        .unwrap();
    let admin = tollgate::admins::actor::Actor::trusted(session.admin);
    core.tokens.revoke(&admin, full_access).await.unwrap();
    drop(first);
    core.store.close().await;

    let restarted = server::Application::build(&config).await.unwrap();
    let names: Vec<_> = crate::common::active_tokens(restarted.core())
        .await
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["Read-only"]);
    restarted.core().store.close().await;
}
