//! `/auth/forward`: every answer through the router. The real thing, nginx and Caddy in
//! front of an upstream, is in `behind_proxies.rs`.

use crate::common::{TestApp, spawn_app, spawn_app_with};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use server::api_door::ForwardAuthHeaders;
use tollgate::model::TokenType;

impl TestApp {
    async fn forward(
        &self,
        method: &str,
        uri: &str,
        authorization: Option<&str>,
    ) -> crate::common::Reply {
        let mut request = Request::get("/auth/forward")
            .header("x-original-method", method)
            .header("x-original-uri", uri);
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }
}

#[tokio::test]
async fn an_allowed_request_is_answered_200_with_who_made_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, bearer) = app
        .token(&admin, "Partner – café", TokenType::ReadOnly, &[])
        .await;

    let reply = app
        .forward("GET", "/api/articles/3?fields=title", Some(&bearer))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.header("x-tollgate-token-id".parse().unwrap()),
        id.to_string()
    );
    assert_eq!(
        reply.header("x-tollgate-token-name".parse().unwrap()),
        "Partner+%E2%80%93+caf%C3%A9",
        "non-ASCII names are percent-encoded"
    );
    assert_eq!(reply.body["permission"], "articles.findOne");
}

fn forward_request(headers: &[(&str, &str)], authorization: &str) -> Request<Body> {
    let mut request = Request::get("/auth/forward").header(header::AUTHORIZATION, authorization);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

/// What Caddy and Traefik send for a client's `DELETE /api/articles/1`: their own
/// `X-Forwarded-*`, and the client's forged `X-Original-*` passed through untouched.
const CADDY_WITH_FORGED_X_ORIGINAL: &[(&str, &str)] = &[
    ("x-forwarded-method", "DELETE"),
    ("x-forwarded-uri", "/api/articles/1"),
    ("x-original-method", "GET"),
    ("x-original-uri", "/api/articles"),
];

#[tokio::test]
async fn with_x_forwarded_headers_only_those_are_read() {
    let app = spawn_app_with(|config| {
        config.forward_auth_headers = ForwardAuthHeaders::XForwarded;
    })
    .await;
    let admin = app.admin().await;
    let (_, reader) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;
    let (_, full) = app.token(&admin, "ci", TokenType::FullAccess, &[]).await;

    let forged = app
        .send(forward_request(CADDY_WITH_FORGED_X_ORIGINAL, &reader))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    assert!(
        forged
            .header(header::WWW_AUTHENTICATE)
            .contains("scope=\"articles.delete\""),
        "checked against the DELETE the proxy reported"
    );

    let honest = app
        .send(forward_request(CADDY_WITH_FORGED_X_ORIGINAL, &full))
        .await;
    assert_eq!(honest.status, StatusCode::OK, "{}", honest.body);
    assert_eq!(honest.body["permission"], "articles.delete");

    let only_x_original = app
        .send(forward_request(
            &[
                ("x-original-method", "GET"),
                ("x-original-uri", "/api/articles"),
            ],
            &reader,
        ))
        .await;
    assert_eq!(only_x_original.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        only_x_original.body["error"]["details"][0]["field"],
        "X-Forwarded-Method"
    );
}

#[tokio::test]
async fn with_x_original_headers_x_forwarded_ones_are_ignored() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, reader) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;
    let forged = app
        .send(forward_request(
            &[
                ("x-original-method", "DELETE"),
                ("x-original-uri", "/api/articles/1"),
                ("x-forwarded-method", "GET"),
                ("x-forwarded-uri", "/api/articles"),
            ],
            &reader,
        ))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    let only_x_forwarded = app
        .send(forward_request(
            &[
                ("x-forwarded-method", "GET"),
                ("x-forwarded-uri", "/api/articles"),
            ],
            &reader,
        ))
        .await;
    assert_eq!(only_x_forwarded.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_missing_empty_or_repeated_method_or_uri_is_refused_never_guessed() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, full) = app.token(&admin, "ci", TokenType::FullAccess, &[]).await;
    for (headers, field) in [
        (
            vec![("x-original-uri", "/api/articles")],
            "X-Original-Method",
        ),
        (
            vec![
                ("x-original-method", ""),
                ("x-original-uri", "/api/articles"),
            ],
            "X-Original-Method",
        ),
        (
            vec![
                ("x-original-method", "  "),
                ("x-original-uri", "/api/articles"),
            ],
            "X-Original-Method",
        ),
        (vec![("x-original-method", "GET")], "X-Original-URI"),
        (
            vec![("x-original-method", "GET"), ("x-original-uri", "")],
            "X-Original-URI",
        ),
        (
            vec![
                ("x-original-method", "GET"),
                ("x-original-method", "DELETE"),
                ("x-original-uri", "/api/articles/1"),
            ],
            "X-Original-Method",
        ),
    ] {
        let reply = app.send(forward_request(&headers, &full)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{headers:?}");
        assert_eq!(reply.body["error"]["code"], "invalid_request");
        assert_eq!(
            reply.body["error"]["details"][0]["field"], field,
            "{headers:?}"
        );
        let message = reply.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(field), "{message}");
    }
}

#[tokio::test]
async fn an_ambiguous_path_is_refused_whatever_the_token() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, full) = app.token(&admin, "ci", TokenType::FullAccess, &[]).await;
    for uri in [
        "/api/articles/1%2f..%2f..%2fadmin",
        "/api/articles/1%2E%2E",
        "/api/articles/..",
        "/api//articles",
        "/api/articles/1%5Cx",
        "/api/articles\\1",
        "?/api/articles",
    ] {
        let reply = app.forward("GET", uri, Some(&full)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}: {}", reply.body);
        assert_eq!(reply.body["error"]["code"], "ambiguous_path", "{uri}");
    }
    // Without a token the answer is 401 first, as on every door: it says nothing about
    // the path.
    let anonymous = app
        .forward("GET", "/api/articles/1%2f..%2fadmin", None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.body["error"]["code"], "missing_token");
    // A prefix after the query is no prefix.
    let smuggled = app.forward("GET", "/x?/api/articles", Some(&full)).await;
    assert_eq!(smuggled.body["error"]["code"], "no_matching_route");
    // Methods are case-sensitive: `delete` is not `DELETE`, and maps to nothing.
    let lower = app.forward("delete", "/api/articles/1", Some(&full)).await;
    assert_eq!(lower.body["error"]["code"], "no_matching_route");
}

#[tokio::test]
async fn refusals_say_why() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, reader) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;

    let missing = app.forward("GET", "/api/articles", None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        missing.header(header::WWW_AUTHENTICATE),
        "Bearer realm=\"tollgate\""
    );

    let invalid = app
        .forward("GET", "/api/articles", Some("Bearer tg_nope"))
        .await;
    assert_eq!(invalid.status, StatusCode::UNAUTHORIZED);
    assert_eq!(invalid.body["error"]["code"], "invalid_token");

    let write = app.forward("POST", "/api/articles", Some(&reader)).await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
    assert!(
        write
            .header(header::WWW_AUTHENTICATE)
            .contains("scope=\"articles.create\"")
    );

    let unmapped = app.forward("GET", "/admin/users", Some(&reader)).await;
    assert_eq!(unmapped.status, StatusCode::FORBIDDEN);
    assert_eq!(unmapped.body["error"]["code"], "no_matching_route");

    let no_headers = app
        .send(
            Request::get("/auth/forward")
                .header(header::AUTHORIZATION, &reader)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(no_headers.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        no_headers.body["error"]["details"][0]["field"],
        "X-Original-Method"
    );
}
