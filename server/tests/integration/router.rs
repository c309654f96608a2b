//! The router, request by request, with `tower::ServiceExt::oneshot`: the API door's
//! statuses and headers, the panel's server functions' authorisation, and the one client
//! address every door sees.

use crate::common::spawn_app;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tollgate::model::TokenType;

#[tokio::test]
async fn healthz_answers_without_credentials() {
    let app = spawn_app().await;
    let reply = app.get("/healthz", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["status"], "ok");
    assert_eq!(app.get("/readyz", None).await.body["database"], "sqlite");
}

#[tokio::test]
async fn a_request_without_a_token_gets_a_bare_bearer_challenge() {
    let app = spawn_app().await;
    let reply = app.get("/api/articles", None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.header(header::WWW_AUTHENTICATE),
        "Bearer realm=\"tollgate\""
    );
    assert_eq!(reply.body["error"]["code"], "missing_token");
    assert_eq!(reply.body["error"]["status"], 401);
    assert_eq!(reply.header(header::CACHE_CONTROL), "no-store");
}

#[tokio::test]
async fn malformed_and_unknown_tokens_are_invalid_token() {
    let app = spawn_app().await;
    let never_issued = format!(
        "Bearer {}",
        tollgate::tokens::format::PlainToken::generate().expose()
    );
    for (authorization, why) in [
        ("Bearer tg_garbage", "wrong length"),
        (
            "Bearer ghp_0123456789012345678901234567890123456789",
            "does not start with tg_",
        ),
        (never_issued.as_str(), "unknown or has been revoked"),
    ] {
        let reply = app.get("/api/articles", Some(authorization)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{authorization}");
        assert_eq!(reply.body["error"]["code"], "invalid_token");
        assert!(
            reply.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains(why),
            "{}",
            reply.body
        );
        let challenge = reply.header(header::WWW_AUTHENTICATE);
        assert!(
            challenge.starts_with(
                "Bearer realm=\"tollgate\", error=\"invalid_token\", error_description=\""
            ),
            "{challenge}"
        );
    }
}

#[tokio::test]
async fn other_authorization_schemes_are_refused_with_advice() {
    let app = spawn_app().await;
    let reply = app
        .get("/api/articles", Some("Basic YWRhOnNlY3JldA=="))
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body["error"]["code"], "invalid_request");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Bearer")
    );
}

#[tokio::test]
async fn a_read_only_token_reads_but_may_not_write() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, bearer) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;

    let list = app.get("/api/articles", Some(&bearer)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["data"].as_array().unwrap().len(), 3);

    let write = app
        .post_json("/api/articles", Some(&bearer), &json!({"title": "x"}))
        .await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
    assert_eq!(write.body["error"]["code"], "insufficient_scope");
    let challenge = write.header(header::WWW_AUTHENTICATE);
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(
        challenge.contains("scope=\"articles.create\""),
        "{challenge}"
    );
}

#[tokio::test]
async fn a_full_access_token_creates_documents() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, bearer) = app
        .token(&admin, "writer", TokenType::FullAccess, &[])
        .await;

    let created = app
        .post_json("/api/articles", Some(&bearer), &json!({"title": "Hello"}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.body["data"]["title"], "Hello");
    assert!(created.body["data"]["id"].is_i64());

    let not_an_object = app
        .post_json("/api/articles", Some(&bearer), &json!(["Hello"]))
        .await;
    assert_eq!(not_an_object.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_an_object.body["error"]["details"][0]["field"], "body");

    let request = Request::post("/api/articles")
        .header(header::AUTHORIZATION, &bearer)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    let broken = app.send(request).await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert_eq!(broken.body["error"]["code"], "invalid_request");
}

#[tokio::test]
async fn a_custom_token_may_do_exactly_its_permissions() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, bearer) = app
        .token(
            &admin,
            "articles only",
            TokenType::Custom,
            &["articles.find"],
        )
        .await;
    assert_eq!(
        app.get("/api/articles", Some(&bearer)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/authors", Some(&bearer)).await.status,
        StatusCode::FORBIDDEN
    );
    let write = app
        .post_json("/api/articles", Some(&bearer), &json!({"title": "x"}))
        .await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn unknown_resources_are_404_only_for_authenticated_callers() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, bearer) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;
    let known = app.get("/api/secrets", Some(&bearer)).await;
    assert_eq!(known.status, StatusCode::NOT_FOUND);
    assert_eq!(known.body["error"]["code"], "not_found");
    assert_eq!(
        app.get("/api/secrets", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/a/b/c", Some(&bearer)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn verify_describes_the_presented_token() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, bearer) = app.token(&admin, "ci", TokenType::ReadOnly, &[]).await;
    let reply = app.get("/api/tokens/verify", Some(&bearer)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["status"], "active");
    assert_eq!(reply.body["id"], id);
    assert_eq!(reply.body["name"], "ci");
    assert_eq!(reply.body["type"], "read-only");
    let permissions: Vec<&str> = reply.body["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(permissions.contains(&"articles.find") && permissions.contains(&"authors.findOne"));
    assert!(!permissions.contains(&"articles.create"));
    assert!(reply.body["expires_in_seconds"].as_i64().unwrap() > 6 * 24 * 3600);
    assert_eq!(
        app.get("/api/tokens/verify", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_revoked_token_is_refused_on_the_next_request() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, bearer) = app
        .token(&admin, "short-lived", TokenType::ReadOnly, &[])
        .await;
    assert_eq!(
        app.get("/api/articles", Some(&bearer)).await.status,
        StatusCode::OK
    );
    app.core.tokens.revoke(&admin, id).await.unwrap();
    let reply = app.get("/api/articles", Some(&bearer)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body["error"]["code"], "invalid_token");
}

#[tokio::test]
async fn the_first_admin_server_function_works_once_and_sets_a_strict_cookie() {
    let app = spawn_app().await;
    let input = json!({"input": {"email": "ada@example.com", "name": "Ada", "password": "correct horse battery staple", "password_confirm": "correct horse battery staple"}});
    let first = app.rpc("create_first_admin", None, &input).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let set_cookie = first.header(header::SET_COOKIE);
    assert!(set_cookie.starts_with("tollgate_session="));
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(
            set_cookie.contains(attribute),
            "{set_cookie} lacks {attribute}"
        );
    }
    assert!(!set_cookie.contains("Secure"));

    let second = app.rpc("create_first_admin", None, &input).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert_eq!(app.core.store.count_admins().await.unwrap(), 1);
}

#[tokio::test]
async fn token_server_functions_need_a_session() {
    let app = spawn_app().await;
    let body = json!({"input": {"name": "x", "lifetime": "30", "type": "read-only"}});
    let anonymous = app.rpc("create_token", None, &body).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.rpc(
            "list_token_page",
            Some("tollgate_session=forged"),
            &json!({"params": {}})
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        crate::common::active_tokens(&app.core).await.is_empty(),
        "nothing was written"
    );
}

#[tokio::test]
async fn creating_a_token_through_the_panel_returns_it_once_uncached() {
    let app = spawn_app().await;
    let input = json!({"input": {"email": "ada@example.com", "name": "Ada", "password": "correct horse battery staple", "password_confirm": "correct horse battery staple"}});
    let cookie = app
        .rpc("create_first_admin", None, &input)
        .await
        .session_cookie();

    let body = json!({"input": {"name": "deploy", "description": "", "lifetime": "90", "type": "custom", "permissions": ["articles.find"]}});
    let created = app.rpc("create_token", Some(&cookie), &body).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.header(header::CACHE_CONTROL), "no-store");
    let secret = created.body["secret"].as_str().unwrap();
    assert!(secret.starts_with("tg_"));

    let listed = app
        .rpc("list_token_page", Some(&cookie), &json!({"params": {}}))
        .await;
    assert_eq!(listed.body["data"][0]["name"], "deploy");
    assert!(
        !listed.body.to_string().contains(secret),
        "the list never carries the value"
    );

    let duplicate = app.rpc("create_token", Some(&cookie), &body).await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    let invalid =
        json!({"input": {"name": "", "lifetime": "30", "type": "custom", "permissions": []}});
    let refused = app.rpc("create_token", Some(&cookie), &invalid).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(crate::common::active_tokens(&app.core).await.len(), 1);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let input = json!({"input": {"email": "ada@example.com", "name": "Ada", "password": "correct horse battery staple", "password_confirm": "correct horse battery staple"}});
    let cookie = app
        .rpc("create_first_admin", None, &input)
        .await
        .session_cookie();
    assert_eq!(
        app.rpc("list_token_page", Some(&cookie), &json!({"params": {}}))
            .await
            .status,
        StatusCode::OK
    );
    let out = app.rpc("sign_out", Some(&cookie), &json!({})).await;
    assert!(out.header(header::SET_COOKIE).contains("Max-Age=0"));
    assert_eq!(
        app.rpc("list_token_page", Some(&cookie), &json!({"params": {}}))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

/// One client behind a trusted proxy chain, forging an address on the left of
/// `X-Forwarded-For`: a server function, the admin API and the API door all take the same
/// address (and browser) for it, the one the server's request context worked out once.
#[tokio::test]
async fn every_door_sees_the_same_client_behind_trusted_proxies() {
    use tollgate::model::{AuditAction, AuditQuery};

    // The test peer (127.0.0.1) and the next hop (127.0.0.2) are proxies; 203.0.113.9 is
    // the last address a proxy vouched for; 198.51.100.7 is the client's own claim.
    let app = crate::common::spawn_app_with(|config| {
        config.trusted_proxies = Some("127.0.0.0/8".parse().unwrap());
    })
    .await;
    const FORWARDED: &str = "198.51.100.7, 203.0.113.9, 127.0.0.2";
    const CLIENT: &str = "203.0.113.9";
    const BROWSER: &str = "same-browser/1.0";
    let from_the_client = |request: axum::http::request::Builder| {
        request
            .header("x-forwarded-for", FORWARDED)
            .header(header::USER_AGENT, BROWSER)
    };

    // The panel: a server function.
    let input = json!({"input": {"email": "ada@example.com", "name": "Ada", "password": "correct horse battery staple", "password_confirm": "correct horse battery staple"}});
    let request = from_the_client(Request::post("/rpc/create_first_admin"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(input.to_string()))
        .unwrap();
    let first = app.send(request).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let cookie = first.session_cookie();

    // The admin API, with the session that server function started.
    let request = from_the_client(Request::post("/admin/api/tokens"))
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"name": "ci", "type": "read-only"}).to_string(),
        ))
        .unwrap();
    let created = app.send(request).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["data"]["id"].as_i64().unwrap();
    let bearer = format!("Bearer {}", created.body["secret"].as_str().unwrap());

    // The API door, with the token the admin API made.
    let request = from_the_client(Request::get("/api/articles"))
        .header(header::AUTHORIZATION, &bearer)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::OK);
    app.core.flush_usage().await;

    let (entries, _) = app
        .core
        .store
        .audit_events(&AuditQuery::default(), 50)
        .await
        .unwrap();
    let seen = |action: AuditAction| {
        let entry = entries
            .iter()
            .find(|entry| entry.action == action)
            .unwrap_or_else(|| panic!("no {action:?} in {entries:?}"));
        (entry.ip.as_deref(), entry.user_agent.as_deref())
    };
    assert_eq!(
        seen(AuditAction::AdminSetUp),
        (Some(CLIENT), Some(BROWSER)),
        "the server function"
    );
    assert_eq!(
        seen(AuditAction::TokenCreate),
        (Some(CLIENT), Some(BROWSER)),
        "the admin API"
    );
    let token = app.core.store.token(id).await.unwrap().unwrap();
    assert_eq!(token.last_used_ip.as_deref(), Some(CLIENT), "the API door");
}
