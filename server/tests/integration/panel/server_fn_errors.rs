//! A refused server function answers with its error's status (and `Retry-After`), set in
//! one place from the error itself (`app::server::status_from_error`), and the panel and
//! the JSON doors agree on that status for the same core error.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use crate::common::spawn_app;

/// Arguments Leptos could not read fail before any function body runs, so no call site
/// could have given them a status: they answer 400, not Leptos' default 500.
#[tokio::test]
async fn a_call_whose_arguments_cannot_be_read_is_a_400() {
    let app = spawn_app().await;

    let missing = app.rpc("sign_in", None, &json!({})).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    assert!(missing.body["Transport"].is_string(), "{}", missing.body);

    let broken = app
        .send(
            Request::post("/rpc/sign_in")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
}

/// One of the two answers the panel and the JSON doors used to disagree on (400 there):
/// a second set-up is refused by the server's state, so 409.
#[tokio::test]
async fn a_second_set_up_is_a_409() {
    let app = spawn_app().await;
    let input = json!({"input": {"email": "ada@example.com", "name": "Ada", "password": "correct horse battery staple", "password_confirm": "correct horse battery staple"}});
    let first = app.rpc("create_first_admin", None, &input).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);

    let second = app.rpc("create_first_admin", None, &input).await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.body);
    assert_eq!(second.body, json!("AlreadySetUp"));
}

/// The other: a wrong password is a 401, and the sixth waits with a `Retry-After`.
#[tokio::test]
async fn wrong_credentials_are_a_401_and_throttling_says_when_to_retry() {
    let app = spawn_app().await;
    app.admin().await;
    let wrong = json!({"input": {"email": "ada@example.com", "password": "not the password"}});
    let refused = app.rpc("sign_in", None, &wrong).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        refused.body,
        json!({"BadCredentials": {"attempts_left": tollgate::admins::sign_in_throttle::PER_ACCOUNT - 1}})
    );
    assert!(refused.header(header::RETRY_AFTER).is_empty());

    for _ in 1..tollgate::admins::sign_in_throttle::PER_ACCOUNT {
        app.rpc("sign_in", None, &wrong).await;
    }
    let throttled = app.rpc("sign_in", None, &wrong).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    let seconds: u64 = throttled.header(header::RETRY_AFTER).parse().unwrap();
    assert_eq!(
        Some(seconds),
        throttled.body["TooManyAttempts"]["retry_after"].as_u64(),
        "the header says what the body says"
    );
}
