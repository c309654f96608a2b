//! Sign-in through the panel's server function: failed attempts are throttled per account,
//! with the same answer for unknown emails, and a `Retry-After`.

use crate::common::spawn_app;
use axum::http::{StatusCode, header};
use serde_json::json;
use tollgate::admins::sign_in_throttle::PER_ACCOUNT;

#[tokio::test]
async fn the_sixth_failed_sign_in_waits_known_email_or_not() {
    let app = spawn_app().await;
    app.admin().await;

    for email in ["ada@example.com", "nobody@example.com"] {
        let wrong = json!({"input": {"email": email, "password": "not the password"}});
        for failed in 1..=PER_ACCOUNT {
            let reply = app.rpc("sign_in", None, &wrong).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{email}");
            // The same count for a known email as for an unknown one.
            let left = reply.body["BadCredentials"]["attempts_left"].as_u64();
            assert_eq!(left, Some(u64::from(PER_ACCOUNT - failed)), "{email}");
        }
        let right = json!({"input": {"email": email, "password": "correct horse battery staple"}});
        let reply = app.rpc("sign_in", None, &right).await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{email}");
        let retry_after: u64 = reply.header(header::RETRY_AFTER).parse().unwrap();
        assert!((1..=900).contains(&retry_after), "{retry_after}");
        let message = reply.body["TooManyAttempts"]["message"].as_str().unwrap();
        assert!(message.contains("Too many failed sign-ins"), "{message}");
        assert!(message.contains("UTC"), "when it unlocks: {message}");
        assert!(
            message.contains("tollgate admin reset-password --email <email>"),
            "the way out: {message}"
        );
        assert!(reply.header(header::SET_COOKIE).is_empty(), "no session");
    }
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_that_admin() {
    let app = spawn_app().await;
    let input = json!({"input": {"email": "ada@example.com", "name": "Ada", "password": "correct horse battery staple", "password_confirm": "correct horse battery staple"}});
    let laptop = app
        .rpc("create_first_admin", None, &input)
        .await
        .session_cookie();
    let credentials =
        json!({"input": {"email": "ada@example.com", "password": "correct horse battery staple"}});
    let phone = app
        .rpc("sign_in", None, &credentials)
        .await
        .session_cookie();

    let reply = app
        .rpc("sign_out_everywhere", Some(&phone), &json!({}))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, json!(2));
    assert!(reply.header(header::SET_COOKIE).contains("Max-Age=0"));

    for session in [laptop, phone] {
        let refused = app
            .rpc("list_token_page", Some(&session), &json!({"params": {}}))
            .await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    }
}

/// Signs in with `X-Forwarded-Proto: https` from the test client (127.0.0.1) and returns
/// the `Set-Cookie` it got.
async fn cookie_after_sign_in_claiming_https(app: &crate::common::TestApp) -> String {
    app.admin().await;
    let credentials =
        json!({"input": {"email": "ada@example.com", "password": "correct horse battery staple"}});
    let request = axum::http::Request::post("/rpc/sign_in")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-proto", "https")
        .body(axum::body::Body::from(credentials.to_string()))
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.header(header::SET_COOKIE).to_owned()
}

#[tokio::test]
async fn x_forwarded_proto_is_believed_only_from_a_trusted_proxy() {
    let direct = spawn_app().await;
    let cookie = cookie_after_sign_in_claiming_https(&direct).await;
    assert!(!cookie.contains("Secure"), "{cookie}");

    let proxied = crate::common::spawn_app_with(|config| {
        config.trusted_proxies = Some("127.0.0.0/8".parse().unwrap());
    })
    .await;
    let cookie = cookie_after_sign_in_claiming_https(&proxied).await;
    assert!(cookie.contains("; Secure"), "{cookie}");
}

/// 200 wrong passwords for one account at once, through the panel's door: at most five
/// are checked (401); the rest are refused at once with 429 and a `Retry-After`.
#[tokio::test]
async fn racing_wrong_passwords_get_five_checks_at_most() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::Request;
    use tower::ServiceExt;

    let app = spawn_app().await;
    app.admin().await;
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..200u32 {
        let router = app.router.clone();
        attempts.spawn(async move {
            let body =
                json!({"input": {"email": "ada@example.com", "password": format!("guess {i}")}});
            let mut request = Request::post("/rpc/sign_in")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
            // Each from its own address, so only the account's count can refuse them.
            let peer =
                std::net::SocketAddr::from(([10, 0, (i / 250) as u8, (i % 250) as u8], 4000));
            request.extensions_mut().insert(ConnectInfo(peer));
            let response = router.oneshot(request).await.unwrap();
            let retry_after = response.headers().get(header::RETRY_AFTER).is_some();
            (response.status(), retry_after)
        });
    }
    let (mut unauthorized, mut throttled, mut busy) = (0, 0, 0);
    while let Some(answer) = attempts.join_next().await {
        match answer.unwrap() {
            (StatusCode::UNAUTHORIZED, _) => unauthorized += 1,
            (StatusCode::TOO_MANY_REQUESTS, true) => throttled += 1,
            (StatusCode::SERVICE_UNAVAILABLE, true) => busy += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    eprintln!("200 racing sign-ins: {unauthorized}× 401, {throttled}× 429, {busy}× 503");
    assert!(
        unauthorized + busy <= PER_ACCOUNT,
        "{unauthorized} answered 401 (and {busy} 503)"
    );
    assert!(throttled >= 200 - PER_ACCOUNT, "{throttled} answered 429");
}
