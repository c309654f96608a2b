//! What answers and logs may give away: no cache keeps a page, a server function's answer
//! or the admin API's; the session cookie is `__Host-` over https; a refused token's message
//! does not tell a revoked value from one never issued; logs carry no colour codes when
//! they go to a file or a pipe.

use std::process::Command;

use crate::common::spawn_app;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tollgate::model::TokenType;

#[tokio::test]
async fn signed_in_pages_server_functions_and_the_admin_api_are_never_cached() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;
    let page = Request::get("/settings/api-tokens")
        .header(header::COOKIE, &cookie)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap();
    let page = app.send(page).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header(header::CACHE_CONTROL), "no-store", "a page");

    let answer = app
        .rpc("list_token_page", Some(&cookie), &json!({"params": {}}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        answer.header(header::CACHE_CONTROL),
        "no-store",
        "a server function"
    );

    let admin_api = Request::get("/admin/api/tokens")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let admin_api = app.send(admin_api).await;
    assert_eq!(admin_api.status, StatusCode::OK, "{}", admin_api.body);
    assert_eq!(admin_api.header(header::CACHE_CONTROL), "no-store");
}

#[tokio::test]
async fn built_files_may_be_kept_but_are_asked_about_again() {
    let app = spawn_app().await;
    let pkg = app.site_root().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("tollgate.js"), "export {};").unwrap();

    let asset = app.get("/pkg/tollgate.js", None).await;

    assert_eq!(asset.status, StatusCode::OK);
    // Not named by its hash: kept, but revalidated (panel/assets.rs has the hashed ones).
    assert_eq!(asset.header(header::CACHE_CONTROL), "no-cache");
}

/// A request as it arrives from a TLS-terminating proxy.
fn over_https(request: axum::http::request::Builder) -> axum::http::request::Builder {
    request.header("x-forwarded-proto", "https")
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_prefixed_and_read_only_by_that_name() {
    // The test requests come from 127.0.0.1: a trusted proxy here, so its
    // `X-Forwarded-Proto` is believed.
    let app = crate::common::spawn_app_with(|config| {
        config.trusted_proxies = Some("127.0.0.0/8".parse().unwrap());
    })
    .await;
    let input = json!({"input": {"email": "ada@example.com", "name": "Ada", "password": "correct horse battery staple", "password_confirm": "correct horse battery staple"}});
    let setup = over_https(Request::post("/rpc/create_first_admin"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(input.to_string()))
        .unwrap();
    let setup = app.send(setup).await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
    let set_cookie = setup.header(header::SET_COOKIE);
    assert!(
        set_cookie.starts_with("__Host-tollgate_session="),
        "{set_cookie}"
    );
    for attribute in ["; Secure", "; Path=/", "; HttpOnly", "; SameSite=Strict"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Domain"), "{set_cookie}");
    let cookie = setup.session_cookie();
    let value = cookie.split_once('=').unwrap().1;

    let list = |cookie: String, https: bool| {
        let request = Request::get("/admin/api/tokens");
        let request = if https { over_https(request) } else { request };
        request
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(
        app.send(list(cookie.clone(), true)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.send(list(format!("tollgate_session={value}"), true))
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "over https a cookie without the prefix (planted by a sibling site) is not read"
    );
    assert_eq!(
        app.send(list(cookie, false)).await.status,
        StatusCode::UNAUTHORIZED,
        "over plain http the session cookie has its plain name"
    );
}

#[tokio::test]
async fn a_revoked_token_reads_like_one_never_issued_and_an_expired_one_says_when() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (revoked, revoked_bearer) = app.token(&admin, "gone", TokenType::ReadOnly, &[]).await;
    app.core.tokens.revoke(&admin, revoked).await.unwrap();
    let (expired, expired_bearer) = app.token(&admin, "old", TokenType::ReadOnly, &[]).await;
    let tollgate::store::Store::Sqlite(pool) = &app.core.store else {
        unreachable!("router tests run on SQLite")
    };
    sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE id = $2")
        .bind(chrono::Utc::now() - chrono::Duration::minutes(1))
        .bind(expired)
        .execute(pool)
        .await
        .unwrap();
    let never_issued = format!(
        "Bearer {}",
        tollgate::tokens::format::PlainToken::generate().expose()
    );

    let mut messages = Vec::new();
    for bearer in [&never_issued, &revoked_bearer, &expired_bearer] {
        let reply = app.get("/api/articles", Some(bearer)).await;
        assert_eq!(reply.body["error"]["code"], "invalid_token");
        messages.push(reply.body["error"]["message"].as_str().unwrap().to_owned());
    }

    assert_eq!(messages[0], "The token is unknown or has been revoked.");
    assert_eq!(
        messages[1], messages[0],
        "revoked and never issued read the same"
    );
    assert!(
        messages[2].starts_with("The token expired at "),
        "{}",
        messages[2]
    );
}

/// `tollgate migrate` with its standard output piped, as under systemd or a log shipper,
/// logging sqlx's statements so there is something to see.
fn migrate_logs(format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(["--data-dir", &dir.path().display().to_string()])
        .args(["--log-format", format, "migrate"])
        .env("RUST_LOG", "sqlx=debug")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn logs_to_a_pipe_carry_no_colour_codes() {
    let text = migrate_logs("text");
    let start: String = text.chars().take(300).collect();
    assert!(text.contains("sqlx::query"), "some log lines: {start}");
    assert!(!text.contains("\x1b["), "no ANSI escapes: {start:?}");
}

#[test]
fn json_logs_are_one_object_per_line() {
    let lines = migrate_logs("json");
    let logged: Vec<serde_json::Value> = lines
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let start: String = lines.chars().take(300).collect();
    assert!(!logged.is_empty(), "{start:?}");
    for entry in &logged {
        assert!(
            entry["level"].is_string() && entry["timestamp"].is_string(),
            "{entry}"
        );
    }
    assert!(!lines.contains("\x1b["));
}
