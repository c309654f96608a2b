//! `POST /admin/api/tokens/{id}/renew`: the same value keeps working with a new expiry,
//! by the duration its expiry was chosen with; what can't be renewed is a 409 naming
//! `expires_at`; it widens the token, so it wants the password and `api_tokens.update`.

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::{assert_error, call, create_token, signed_in};
use crate::common::spawn_app;

fn time(value: &serde_json::Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_renew_keeps_the_value_and_extends_by_the_original_duration() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let body = json!({"name": "ci", "type": "read-only", "duration": 7});
    let (id, bearer) = create_token(&app, &cookie, body).await;
    let path = format!("/admin/api/tokens/{id}");
    let before = call(&app, Method::GET, &path, Some(&cookie), None).await;
    let set_at = time(&before.body["data"]["expiry_set_at"]);
    assert_eq!(
        time(&before.body["data"]["expires_at"]) - set_at,
        Duration::days(7)
    );

    let renewed = call(
        &app,
        Method::POST,
        &format!("{path}/renew"),
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.body);
    let data = &renewed.body["data"];
    let (expires, set) = (time(&data["expires_at"]), time(&data["expiry_set_at"]));
    assert!(set > set_at, "the expiry was chosen anew");
    assert_eq!(expires - set, Duration::days(7), "by the original duration");
    assert!(renewed.body.get("secret").is_none(), "no new value");

    let verified = app.get("/api/tokens/verify", Some(&bearer)).await;
    assert_eq!(
        verified.status,
        StatusCode::OK,
        "the same value still works"
    );
}

#[tokio::test]
async fn what_cannot_be_renewed_is_a_conflict_naming_the_expiry() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let body = json!({"name": "forever", "type": "read-only", "duration": "unlimited"});
    let (id, _) = create_token(&app, &cookie, body).await;
    let refused = call(
        &app,
        Method::POST,
        &format!("/admin/api/tokens/{id}/renew"),
        Some(&cookie),
        None,
    )
    .await;
    assert_error(&refused, 409, "conflict", Some("expires_at"));
    let unknown = call(
        &app,
        Method::POST,
        "/admin/api/tokens/999/renew",
        Some(&cookie),
        None,
    )
    .await;
    assert_error(&unknown, 404, "not_found", None);
}

#[tokio::test]
async fn renewing_wants_the_password_and_api_tokens_update() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let body = json!({"name": "ci", "type": "read-only", "duration": 30});
    let (id, _) = create_token(&app, &cookie, body).await;
    let path = format!("/admin/api/tokens/{id}");
    let before = call(&app, Method::GET, &path, Some(&cookie), None).await;

    let viewer = app.signed_in_as("Viewer").await;
    let refused = call(
        &app,
        Method::POST,
        &format!("{path}/renew"),
        Some(&viewer),
        None,
    )
    .await;
    assert_error(&refused, 403, "forbidden", None);

    let forget = app
        .rpc("forget_password_confirmation", Some(&cookie), &json!({}))
        .await;
    assert_eq!(forget.status, StatusCode::OK, "{}", forget.body);
    let refused = call(
        &app,
        Method::POST,
        &format!("{path}/renew"),
        Some(&cookie),
        None,
    )
    .await;
    assert_error(&refused, 403, "password_confirmation_required", None);
    let after = call(&app, Method::GET, &path, Some(&cookie), None).await;
    assert_eq!(
        after.body["data"]["expires_at"],
        before.body["data"]["expires_at"]
    );
}
