//! What protects the panel inside a browser: a Content-Security-Policy whose scripts are
//! exactly the page's nonced ones, and the refusal of cross-site state changes made with
//! an admin's cookie.

use crate::common::spawn_app;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

/// `create_token` with the admin's cookie and the given browser headers.
fn create_token_request(cookie: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let body = json!({"input": {"name": "from elsewhere", "description": "", "lifetime": "7", "type": "read-only", "permissions": []}});
    let mut request = Request::post("/rpc/create_token")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, cookie)
        .header(header::HOST, "127.0.0.1:3000");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn a_cross_site_post_with_the_admins_cookie_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;

    for headers in [
        &[("origin", "https://evil.example")][..],
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ][..],
        &[
            ("sec-fetch-site", "same-site"),
            ("origin", "https://panel.example"),
        ][..],
    ] {
        let reply = app.send(create_token_request(&cookie, headers)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert_eq!(reply.body["error"]["code"], "cross_site_request");
    }
    assert!(crate::common::active_tokens(&app.core).await.is_empty());

    let same_origin = app
        .send(create_token_request(
            &cookie,
            &[
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://127.0.0.1:3000"),
            ],
        ))
        .await;
    assert_eq!(same_origin.status, StatusCode::OK, "{:?}", same_origin.body);
    assert_eq!(crate::common::active_tokens(&app.core).await.len(), 1);
}

#[tokio::test]
async fn the_bearer_api_is_not_subject_to_the_cookie_rule() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, bearer) = app
        .token(
            &admin,
            "writer",
            tollgate::model::TokenType::FullAccess,
            &[],
        )
        .await;
    let request = Request::post("/api/articles")
        .header(header::AUTHORIZATION, bearer)
        .header(header::CONTENT_TYPE, "application/json")
        .header("origin", "https://partner.example")
        .body(Body::from(r#"{"title": "From a partner's page"}"#))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn pages_allow_only_the_scripts_that_carry_their_nonce() {
    let app = spawn_app().await;
    let response = app
        .router
        .clone()
        .oneshot(Request::get("/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    let html = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();

    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the policy names a nonce");
    assert!(nonce.len() >= 16, "{nonce}");
    let script_src = policy
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{script_src}");
    assert!(policy.contains("frame-ancestors 'none'"));
    let scripts = html.matches("<script").count();
    assert!(scripts > 0, "the page loads its hydration script");
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script carries the nonce: {html}"
    );

    let again = app
        .router
        .clone()
        .oneshot(Request::get("/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(
        !again.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains(nonce),
        "each response has its own nonce"
    );
}

#[tokio::test]
async fn json_answers_get_the_strict_default_policy_and_the_other_headers() {
    let app = spawn_app().await;
    let reply = app.get("/healthz", None).await;
    assert_eq!(
        reply.header(header::CONTENT_SECURITY_POLICY),
        server::security::DEFAULT_POLICY
    );
    assert_eq!(reply.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(reply.header(header::X_FRAME_OPTIONS), "DENY");
    assert_eq!(reply.header(header::REFERRER_POLICY), "no-referrer");
}

/// A page render polled on a worker thread can leave its reactive owner current there.
/// Leptos' own file handler answered files inside a child of whatever owner was current,
/// so a file request took that page's pending headers (its Content-Security-Policy, a
/// `Set-Cookie`) onto its own answer and the page went out without them: in Chromium
/// about 1 page load in 40 got the strict default policy and never hydrated.
#[tokio::test(flavor = "current_thread")]
async fn a_static_file_never_takes_another_requests_headers() {
    use leptos::prelude::{Owner, provide_context};
    let app = spawn_app().await;
    std::fs::write(app.site_root().join("favicon.svg"), "<svg/>").unwrap();
    // Arrange: a page's owner left current on this thread, with headers still to be sent.
    let page = Owner::new();
    page.set();
    let pending = leptos_axum::ResponseOptions::default();
    pending.insert_header(
        header::SET_COOKIE,
        axum::http::HeaderValue::from_static("tollgate_session=the-page-s-own"),
    );
    provide_context(pending.clone());

    let file = app.get("/favicon.svg", None).await;

    assert_eq!(file.status, StatusCode::OK);
    assert!(
        file.headers.get(header::SET_COOKIE).is_none(),
        "{:?}",
        file.headers
    );
    assert!(
        file.header(header::CONTENT_SECURITY_POLICY)
            .starts_with("default-src 'none'"),
        "{:?}",
        file.headers
    );
}
