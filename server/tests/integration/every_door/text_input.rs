//! Control and invisible characters through each door (the admin API, server functions,
//! the content API): a 400 that names the field and the character, never the 500 a NUL
//! gave on Postgres. Every test runs on SQLite and on Postgres (a throwaway schema in the
//! database TOLLGATE_TEST_POSTGRES_URL names, as the store suite does).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::common::{Reply, TestApp, spawn_app, spawn_app_with};

const TOKENS: &str = "/admin/api/tokens";

/// An admin API call as a script makes it: the session cookie, JSON, no Origin header.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let body = match body {
        Some(body) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(body.to_string())
        }
        None => Body::empty(),
    };
    app.send(request.body(body).unwrap()).await
}

fn read_only(name: &str) -> Value {
    json!({ "name": name, "type": "read-only" })
}

/// A 4xx in the API's one error shape, whose first detail names `field`.
fn assert_error(reply: &Reply, status: u16, code: &str, field: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.body["error"]["code"], code, "{}", reply.body);
    assert_eq!(
        reply.body["error"]["details"][0]["field"], field,
        "{}",
        reply.body
    );
}

/// An app on a fresh Postgres schema; drop it with [`drop_schema`].
async fn spawn_app_on_postgres() -> (TestApp, String) {
    let base = std::env::var("TOLLGATE_TEST_POSTGRES_URL").expect(
        "TOLLGATE_TEST_POSTGRES_URL is not set: run `make test`, or `./scripts/postgres.sh` \
         and export the URL it prints",
    );
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let schema = format!("r_{nanos:x}{:x}", std::process::id());
    run_pg(&base, &format!("CREATE SCHEMA {schema}")).await;
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
    let app = spawn_app_with(|config| config.database_url = Some(url)).await;
    (app, schema)
}

async fn drop_schema(app: TestApp, schema: &str) {
    app.core.store.close().await;
    let base = std::env::var("TOLLGATE_TEST_POSTGRES_URL").unwrap();
    run_pg(&base, &format!("DROP SCHEMA {schema} CASCADE")).await;
}

async fn run_pg(base: &str, sql: &str) {
    let pool = sqlx::PgPool::connect(base).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// Each test as `sqlite::name` and `postgres::name`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                super::$name(&super::spawn_app().await).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                let (app, schema) = super::spawn_app_on_postgres().await;
                super::$name(&app).await;
                super::drop_schema(app, &schema).await;
            })*
        }
    };
}

on_both_backends!(
    the_admin_api_names_a_nul_or_an_invisible_character,
    the_admin_api_list_search_refuses_a_nul,
    server_functions_name_a_nul_in_the_search_and_the_email,
    the_content_api_keeps_a_nul_in_a_json_string,
    look_alike_names_conflict_through_the_admin_api,
);

fn assert_mentions(reply: &Reply, text: &str) {
    let message = reply.body["error"]["details"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains(text), "{}", reply.body);
}

async fn the_admin_api_names_a_nul_or_an_invisible_character(app: &TestApp) {
    let (_, cookie) = app.signed_in_admin().await;
    let body = json!({ "name": "nightly", "type": "read-only", "description": "a\u{0}b" });
    let reply = call(app, Method::POST, TOKENS, Some(&cookie), Some(body)).await;
    assert_error(&reply, 400, "validation_failed", "description");
    assert_mentions(&reply, "U+0000 (character 2)");

    let spoof = read_only("\u{202e}\u{200b}\u{200f}");
    let reply = call(app, Method::POST, TOKENS, Some(&cookie), Some(spoof)).await;
    assert_error(&reply, 400, "validation_failed", "name");
    assert_mentions(&reply, "U+202E");

    let created = call(
        app,
        Method::POST,
        TOKENS,
        Some(&cookie),
        Some(read_only("ok")),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let path = format!("{TOKENS}/{}", created.body["data"]["id"]);
    let patch = json!({ "description": "\u{0}" });
    let reply = call(app, Method::PATCH, &path, Some(&cookie), Some(patch)).await;
    assert_error(&reply, 400, "validation_failed", "description");
}

async fn the_admin_api_list_search_refuses_a_nul(app: &TestApp) {
    let (_, cookie) = app.signed_in_admin().await;
    let reply = call(
        app,
        Method::GET,
        &format!("{TOKENS}?search=a%00b"),
        Some(&cookie),
        None,
    )
    .await;
    assert_error(&reply, 400, "validation_failed", "search");
    assert_mentions(&reply, "U+0000");
}

async fn server_functions_name_a_nul_in_the_search_and_the_email(app: &TestApp) {
    let (_, cookie) = app.signed_in_admin().await;
    let params = json!({ "params": { "search": "a\u{0}" } });
    let reply = app.rpc("list_token_page", Some(&cookie), &params).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(
        reply.body["Invalid"][0]["field"], "search",
        "{}",
        reply.body
    );

    let sign_in = json!({"input": {"email": "ada\u{0}@example.com", "password": "whatever it is"}});
    let reply = app.rpc("sign_in", None, &sign_in).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.body["Invalid"][0]["field"], "email", "{}", reply.body);
}

/// Document bodies are JSON kept as text: a `\u0000` stays an escape in storage, so it is
/// accepted and comes back as sent on both backends.
async fn the_content_api_keeps_a_nul_in_a_json_string(app: &TestApp) {
    let admin = app.admin().await;
    let (_, bearer) = app
        .token(
            &admin,
            "writer",
            tollgate::model::TokenType::FullAccess,
            &[],
        )
        .await;
    let body = json!({ "title": "a\u{0}b" });
    let created = app.post_json("/api/articles", Some(&bearer), &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let path = format!("/api/articles/{}", created.body["data"]["id"]);
    let read = app.get(&path, Some(&bearer)).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.body["data"]["title"], Value::from("a\u{0}b"));
}

async fn look_alike_names_conflict_through_the_admin_api(app: &TestApp) {
    let (_, cookie) = app.signed_in_admin().await;
    let first = call(
        app,
        Method::POST,
        TOKENS,
        Some(&cookie),
        Some(read_only("ÉTÉ report")),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    for twin in ["été report", "ＥＴＥ report", "été  report"] {
        let reply = call(
            app,
            Method::POST,
            TOKENS,
            Some(&cookie),
            Some(read_only(twin)),
        )
        .await;
        if twin.starts_with('Ｅ') {
            // Fullwidth E without the accent is another name.
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
            continue;
        }
        assert_error(&reply, 409, "conflict", "name");
    }
    let found = call(
        app,
        Method::GET,
        &format!("{TOKENS}?search=%C3%A9t%C3%A9"),
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert_eq!(
        found.body["data"][0]["name"], "ÉTÉ report",
        "{}",
        found.body
    );
}
