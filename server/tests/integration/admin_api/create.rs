//! Signing in, CSRF, and every rule of `POST /admin/api/tokens`.

use axum::http::{Method, StatusCode, header};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde_json::{Value, json};

use super::{assert_error, call, call_with, create_token, read_only, signed_in};
use crate::common::spawn_app;

const TOKENS: &str = "/admin/api/tokens";

#[tokio::test]
async fn without_a_session_every_route_is_401() {
    let app = spawn_app().await;
    signed_in(&app).await;
    for (method, path) in [
        (Method::GET, TOKENS),
        (Method::POST, TOKENS),
        (Method::GET, "/admin/api/tokens/1"),
        (Method::PATCH, "/admin/api/tokens/1"),
        (Method::DELETE, "/admin/api/tokens/1"),
        (Method::POST, "/admin/api/tokens/1/regenerate"),
    ] {
        for cookie in [None, Some("tollgate_session=forged")] {
            let reply = call(&app, method.clone(), path, cookie, Some(json!({}))).await;
            assert_error(&reply, 401, "unauthenticated", None);
        }
    }
}

#[tokio::test]
async fn a_created_token_is_revealed_once_and_works() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let reply = call(
        &app,
        Method::POST,
        TOKENS,
        Some(&cookie),
        Some(read_only("CI")),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.header(header::CACHE_CONTROL), "no-store");
    let id = reply.body["data"]["id"].as_i64().unwrap();
    assert_eq!(reply.header(header::LOCATION), format!("{TOKENS}/{id}"));
    assert_eq!(reply.body["data"]["status"], "active");
    assert_eq!(reply.body["data"]["created_by"], "Ada");
    let secret = reply.body["secret"].as_str().unwrap();
    assert!(secret.starts_with("tg_"));
    let bearer = format!("Bearer {secret}");
    assert_eq!(app.get("/api/articles", Some(&bearer)).await.status, 200);

    let shown = call(
        &app,
        Method::GET,
        &format!("{TOKENS}/{id}"),
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(shown.status, 200);
    assert!(!shown.body.to_string().contains(secret), "never again");
    assert_eq!(shown.body["data"]["name"], "CI");
}

#[tokio::test]
async fn the_type_is_required_and_known_and_governs_permissions() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let cases = [
        (json!({"name": "a"}), "type"),
        (json!({"name": "a", "type": "admin"}), "type"),
        (json!({"name": "a", "type": 1}), "type"),
        (json!({"name": "a", "type": "custom"}), "permissions"),
        (
            json!({"name": "a", "type": "custom", "permissions": []}),
            "permissions",
        ),
        (
            json!({"name": "a", "type": "read-only", "permissions": ["articles.find"]}),
            "permissions",
        ),
        (
            json!({"name": "a", "type": "custom", "permissions": ["secrets.find"]}),
            "permissions",
        ),
        (
            json!({"name": "a", "type": "custom", "permissions": ["articles"]}),
            "permissions",
        ),
        (
            json!({"name": "a", "type": "custom", "permissions": "articles.find"}),
            "permissions",
        ),
    ];
    for (body, field) in cases {
        let reply = call(
            &app,
            Method::POST,
            TOKENS,
            Some(&cookie),
            Some(body.clone()),
        )
        .await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        assert_eq!(
            reply.body["error"]["details"][0]["field"], field,
            "{body}: {}",
            reply.body
        );
    }
    let custom = json!({"name": "c", "type": "custom", "permissions": ["articles.find"]});
    let (_, bearer) = create_token(&app, &cookie, custom).await;
    assert_eq!(app.get("/api/articles", Some(&bearer)).await.status, 200);
    assert_eq!(app.get("/api/authors", Some(&bearer)).await.status, 403);
    let list = call(&app, Method::GET, TOKENS, Some(&cookie), None).await;
    assert_eq!(
        list.body["data"].as_array().unwrap().len(),
        1,
        "nothing else was saved"
    );
}

#[tokio::test]
async fn names_are_trimmed_required_and_unique() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let reply = call(
        &app,
        Method::POST,
        TOKENS,
        Some(&cookie),
        Some(read_only("  CI deploy  ")),
    )
    .await;
    assert_eq!(reply.body["data"]["name"], "CI deploy");
    for body in [
        json!({"type": "read-only"}),
        read_only("   "),
        json!({"name": null, "type": "read-only"}),
    ] {
        let reply = call(&app, Method::POST, TOKENS, Some(&cookie), Some(body)).await;
        assert_error(&reply, 400, "validation_failed", Some("name"));
        assert_eq!(
            reply.body["error"]["details"][0]["message"],
            "Name is required."
        );
    }
    let duplicate = call(
        &app,
        Method::POST,
        TOKENS,
        Some(&cookie),
        Some(read_only(" ci DEPLOY ")),
    )
    .await;
    assert_error(&duplicate, 409, "conflict", Some("name"));
}

#[tokio::test]
async fn a_null_or_missing_description_is_empty_and_text_is_trimmed() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    for (name, description, expected) in
        [("a", json!(null), ""), ("b", json!("  for CI  "), "for CI")]
    {
        let body = json!({"name": name, "type": "read-only", "description": description});
        let reply = call(&app, Method::POST, TOKENS, Some(&cookie), Some(body)).await;
        assert_eq!(
            reply.body["data"]["description"], expected,
            "{}",
            reply.body
        );
    }
    let reply = call(
        &app,
        Method::POST,
        TOKENS,
        Some(&cookie),
        Some(read_only("c")),
    )
    .await;
    assert_eq!(reply.body["data"]["description"], "");
}

fn expires_at(reply: &crate::common::Reply) -> Option<DateTime<Utc>> {
    reply.body["data"]["expires_at"]
        .as_str()
        .map(|at| at.parse().unwrap())
}

#[tokio::test]
async fn each_duration_form_sets_its_expiry_and_others_name_the_field() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let create = |name: &str, duration: Option<Value>| {
        let mut body = read_only(name);
        if let Some(duration) = duration {
            body["duration"] = duration;
        }
        call(&app, Method::POST, TOKENS, Some(&cookie), Some(body))
    };
    for (name, duration, days) in [
        ("d7", Some(json!(7)), 7),
        ("d30", Some(json!(30)), 30),
        ("d90", Some(json!(90)), 90),
        ("default", None, 30),
    ] {
        let at = expires_at(&create(name, duration).await).unwrap();
        let off = (at - (Utc::now() + Duration::days(days)))
            .num_seconds()
            .abs();
        assert!(off < 60, "{name}: {at}");
    }
    assert_eq!(expires_at(&create("never", Some(Value::Null)).await), None);
    assert_eq!(
        expires_at(&create("never2", Some(json!("unlimited"))).await),
        None
    );

    let day = (Utc::now() + Duration::days(3)).date_naive();
    let reply = create("dated", Some(json!(day.to_string()))).await;
    assert_eq!(
        expires_at(&reply),
        Some(day.and_time(NaiveTime::MIN).and_utc())
    );
    let moment = "2099-06-01T12:30:00+02:00";
    let reply = create("timed", Some(json!(moment))).await;
    assert_eq!(expires_at(&reply), Some(moment.parse().unwrap()));

    let yesterday = (Utc::now() - Duration::days(1)).date_naive().to_string();
    for bad in [
        json!(14),
        json!(0),
        json!("soon"),
        json!(yesterday),
        json!(true),
        json!({"days": 7}),
    ] {
        let reply = create("bad", Some(bad.clone())).await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
        assert_eq!(
            reply.body["error"]["details"][0]["field"], "duration",
            "{bad}"
        );
    }
}

#[tokio::test]
async fn bodies_that_are_not_the_expected_json_name_what_to_fix() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let send = |body: &'static str, content_type: &'static str| {
        let request = axum::http::Request::post(TOKENS)
            .header(header::COOKIE, cookie.as_str())
            .header(header::CONTENT_TYPE, content_type)
            .body(axum::body::Body::from(body))
            .unwrap();
        app.send(request)
    };
    for (body, content_type, field) in [
        ("{\"name\": ", "application/json", "body"),
        ("[1, 2]", "application/json", "body"),
        (
            "name=CI&type=read-only",
            "application/x-www-form-urlencoded",
            "body",
        ),
        (
            "{\"name\": 5, \"type\": \"read-only\"}",
            "application/json",
            "name",
        ),
        (
            "{\"name\": \"a\", \"type\": \"read-only\", \"nmae\": 1}",
            "application/json",
            "nmae",
        ),
    ] {
        let reply = send(body, content_type).await;
        assert_error(&reply, 400, "invalid_request", Some(field));
    }
}

#[tokio::test]
async fn a_cross_site_change_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let post = |name: &str, headers: &'static [(&'static str, &'static str)]| {
        call_with(
            &app,
            Method::POST,
            TOKENS,
            Some(&cookie),
            Some(read_only(name)),
            headers,
        )
    };
    for headers in [
        &[("sec-fetch-site", "cross-site")][..],
        &[("sec-fetch-site", "same-site")],
        &[
            ("origin", "https://evil.example"),
            ("host", "tollgate.example"),
        ],
        &[("origin", "null"), ("host", "tollgate.example")],
    ] {
        let reply = post("evil", headers).await;
        assert_error(&reply, 403, "cross_site_request", None);
    }
    let list = call(&app, Method::GET, TOKENS, Some(&cookie), None).await;
    assert_eq!(list.body["data"], json!([]), "nothing was created");
    // Reading is no change: a cross-site GET is answered (the cookie's SameSite guards it).
    let read = call_with(
        &app,
        Method::GET,
        TOKENS,
        Some(&cookie),
        None,
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(read.status, 200);

    const SAME_ORIGIN: &[(&str, &str)] = &[
        ("sec-fetch-site", "same-origin"),
        ("origin", "https://tollgate.example"),
        ("host", "tollgate.example"),
    ];
    assert_eq!(post("ours", SAME_ORIGIN).await.status, 201);
}

#[tokio::test]
async fn the_cookie_from_signing_in_opens_the_admin_api() {
    let app = spawn_app().await;
    signed_in(&app).await;
    let credentials =
        json!({"input": {"email": "ada@example.com", "password": "correct horse battery staple"}});
    let reply = app.rpc("sign_in", None, &credentials).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let cookie = reply.session_cookie();
    let list = call(&app, Method::GET, TOKENS, Some(&cookie), None).await;
    assert_eq!(list.status, 200, "{}", list.body);
    app.rpc("sign_out", Some(&cookie), &json!({})).await;
    let after = call(&app, Method::GET, TOKENS, Some(&cookie), None).await;
    assert_error(&after, 401, "unauthenticated", None);
}
