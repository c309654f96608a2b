//! The admin JSON API (`/admin/api/tokens`), request by request: the session and CSRF
//! rules, every validation rule, changes that take effect on the next API request, and
//! the keyset-paged list. The parts live in `admin_api/`.

mod changes;
mod create;
mod export;
mod list;
mod policy;
mod policy_outside;
mod reconfirm;
mod renew;
mod restrictions;
mod webhooks;

use crate::common::{Reply, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

/// The first administrator, signed in: the `Cookie` header value of their session.
async fn signed_in(app: &TestApp) -> String {
    app.signed_in_admin().await.1
}

/// A call as a script makes it: the session cookie, JSON, and no Origin header.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    body: Option<Value>,
) -> Reply {
    call_with(app, method, path, cookie, body, &[]).await
}

/// [`call`] with extra headers (a browser's `Origin`, `Sec-Fetch-Site`, …).
async fn call_with(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
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

/// Creates a token through the API; its id and `Authorization` header value.
async fn create_token(app: &TestApp, cookie: &str, body: Value) -> (i64, String) {
    let reply = call(
        app,
        Method::POST,
        "/admin/api/tokens",
        Some(cookie),
        Some(body),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let id = reply.body["data"]["id"].as_i64().unwrap();
    let secret = reply.body["secret"].as_str().unwrap();
    (id, format!("Bearer {secret}"))
}

/// Asserts a 4xx in the one error shape, naming `field`; returns the reply.
fn assert_error(reply: &Reply, status: u16, code: &str, field: Option<&str>) {
    assert_eq!(reply.status, status, "{}", reply.body);
    let error = &reply.body["error"];
    assert_eq!(error["status"], status, "{}", reply.body);
    assert_eq!(error["code"], code, "{}", reply.body);
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    if let Some(field) = field {
        assert_eq!(error["details"][0]["field"], field, "{}", reply.body);
        assert!(
            error["details"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
}

fn read_only(name: &str) -> Value {
    json!({ "name": name, "type": "read-only" })
}
