//! Restrictions, metadata, suspending and regenerating with a grace period through the
//! admin JSON API: what each call answers, what it refuses (and with which field), and
//! that the door obeys from the very next request.

use axum::http::Method;
use serde_json::{Value, json};

use super::{assert_error, call, create_token, read_only, signed_in};
use crate::common::{Reply, TestApp, spawn_app};

fn token_path(id: i64) -> String {
    format!("/admin/api/tokens/{id}")
}

async fn post(app: &TestApp, cookie: &str, path: &str, body: Option<Value>) -> Reply {
    call(app, Method::POST, path, Some(cookie), body).await
}

async fn patch(app: &TestApp, cookie: &str, id: i64, body: Value) -> Reply {
    call(
        app,
        Method::PATCH,
        &token_path(id),
        Some(cookie),
        Some(body),
    )
    .await
}

fn door_code(reply: &Reply) -> &str {
    reply.body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_token_is_created_with_restrictions_and_metadata_written_canonically() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let body = json!({
        "name": "partner", "type": "read-only",
        "restrictions": {
            "allowed_networks": ["127.0.0.1", "2001:db8::/32"],
            "rate_limit": {"requests": 100, "per": "minute"},
            "quota": {"requests": 1000, "refill": "daily"},
        },
        "metadata": {"customer": "acme", "plan": "pro"},
    });
    let reply = post(&app, &cookie, "/admin/api/tokens", Some(body)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let data = &reply.body["data"];
    assert_eq!(
        data["restrictions"]["allowed_networks"],
        json!(["127.0.0.1/32", "2001:db8::/32"])
    );
    assert_eq!(
        data["restrictions"]["rate_limit"],
        json!({"requests": 100, "per": "minute"})
    );
    assert_eq!(data["quota_remaining"], 1000);
    assert_eq!(data["metadata"], json!({"customer": "acme", "plan": "pro"}));
    assert_eq!(data["suspended"], Value::Null);
    assert_eq!(data["previous_value"], Value::Null);

    let bearer = format!("Bearer {}", reply.body["secret"].as_str().unwrap());
    let verified = app.get("/api/tokens/verify", Some(&bearer)).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(
        verified.body["metadata"],
        json!({"customer": "acme", "plan": "pro"})
    );

    // Without any: the same fields, empty.
    let (id, _) = create_token(&app, &cookie, read_only("plain")).await;
    let plain = call(&app, Method::GET, &token_path(id), Some(&cookie), None).await;
    let data = &plain.body["data"];
    assert_eq!(data["restrictions"]["allowed_networks"], json!([]));
    assert_eq!(data["quota_remaining"], Value::Null);
    assert_eq!(data["metadata"], json!({}));
}

#[tokio::test]
async fn bad_restrictions_are_field_errors_and_nothing_is_created() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let cases = [
        (
            json!({"allowed_networks": ["10.0.0.0/33"]}),
            "allowed_networks",
        ),
        (
            json!({"rate_limit": {"requests": 0, "per": "minute"}}),
            "rate_limit",
        ),
        (json!({"quota": {"requests": -1}}), "quota"),
        (json!({"quota": {"requests": 1e13}}), "quota"),
    ];
    for (restrictions, field) in cases {
        let body = json!({"name": "bad", "type": "read-only", "restrictions": restrictions});
        let reply = post(&app, &cookie, "/admin/api/tokens", Some(body)).await;
        assert_error(&reply, 400, "validation_failed", Some(field));
    }
    let too_big = json!({"blob": "x".repeat(5000)});
    let body = json!({"name": "bad", "type": "read-only", "metadata": too_big});
    let reply = post(&app, &cookie, "/admin/api/tokens", Some(body)).await;
    assert_error(&reply, 400, "validation_failed", Some("metadata"));

    // A misspelt restriction is refused, never a restriction silently not set.
    let body = json!({"name": "bad", "type": "read-only",
        "restrictions": {"rate_limt": {"requests": 5, "per": "second"}}});
    let reply = post(&app, &cookie, "/admin/api/tokens", Some(body)).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("rate_limt"),
        "{}",
        reply.body
    );
    let listed = call(&app, Method::GET, "/admin/api/tokens", Some(&cookie), None).await;
    assert_eq!(listed.body["data"], json!([]), "nothing written");
}

#[tokio::test]
async fn a_patch_replaces_the_restrictions_sets_the_quota_and_null_lifts_them() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let body = json!({"name": "metered", "type": "read-only",
        "restrictions": {"quota": {"requests": 2}}, "metadata": {"team": "ops"}});
    let (id, bearer) = create_token(&app, &cookie, body).await;
    assert_eq!(app.get("/api/articles", Some(&bearer)).await.status, 200);
    assert_eq!(app.get("/api/articles", Some(&bearer)).await.status, 200);
    let spent = app.get("/api/articles", Some(&bearer)).await;
    assert_eq!(spent.status, 429);
    assert_eq!(door_code(&spent), "quota_exhausted");

    // Setting what is left lets it work again, at once. (`5.0` is the whole number 5 to
    // JSON, as the OpenAPI document's `integer` means it.)
    let reply = patch(&app, &cookie, id, json!({"quota_remaining": 5.0})).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["data"]["quota_remaining"], 5);
    assert_eq!(app.get("/api/articles", Some(&bearer)).await.status, 200);

    // The restrictions are replaced as a whole: the quota not sent is lifted.
    let reply = patch(
        &app,
        &cookie,
        id,
        json!({"restrictions": {"allowed_networks": ["10.0.0.0/8"]}}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["data"]["quota_remaining"], Value::Null);
    assert_eq!(
        reply.body["data"]["metadata"],
        json!({"team": "ops"}),
        "not sent"
    );
    let outside = app.get("/api/articles", Some(&bearer)).await;
    assert_eq!(
        (outside.status.as_u16(), door_code(&outside)),
        (403, "ip_not_allowed")
    );

    // A remaining count needs a quota, in the same patch or already there.
    let reply = patch(&app, &cookie, id, json!({"quota_remaining": 3})).await;
    assert_error(&reply, 400, "validation_failed", Some("quota_remaining"));
    let reply = patch(
        &app,
        &cookie,
        id,
        json!({"restrictions": {"quota": {"requests": 10}}, "quota_remaining": 3}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["data"]["quota_remaining"], 3);

    let reply = patch(
        &app,
        &cookie,
        id,
        json!({"restrictions": null, "metadata": null}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["data"]["restrictions"]["quota"], Value::Null);
    assert_eq!(reply.body["data"]["metadata"], json!({}));
    assert_eq!(app.get("/api/articles", Some(&bearer)).await.status, 200);
}

#[tokio::test]
async fn regenerate_with_a_grace_keeps_the_old_value_until_it_is_ended() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let (id, old) = create_token(&app, &cookie, read_only("rolling")).await;
    let path = format!("{}/regenerate", token_path(id));

    let refused = post(&app, &cookie, &path, Some(json!({"grace": "2h"}))).await;
    assert_error(&refused, 400, "invalid_request", None);
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("24h")
    );
    assert_eq!(
        app.get("/api/articles", Some(&old)).await.status,
        200,
        "not regenerated"
    );

    let reply = post(&app, &cookie, &path, Some(json!({"grace": "24h"}))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let new = format!("Bearer {}", reply.body["secret"].as_str().unwrap());
    let until = reply.body["data"]["previous_value"]["until"]
        .as_str()
        .unwrap();
    let until: chrono::DateTime<chrono::Utc> = until.parse().unwrap();
    let hours = (until - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((23.9..=24.0).contains(&hours), "{hours}");
    assert_eq!(app.get("/api/articles", Some(&new)).await.status, 200);
    assert_eq!(
        app.get("/api/articles", Some(&old)).await.status,
        200,
        "in grace"
    );

    let end = format!("{}/end-grace", token_path(id));
    let reply = post(&app, &cookie, &end, None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["data"]["previous_value"], Value::Null);
    assert_eq!(app.get("/api/articles", Some(&old)).await.status, 401);
    assert_eq!(app.get("/api/articles", Some(&new)).await.status, 200);
    let again = post(&app, &cookie, &end, None).await;
    assert_error(&again, 409, "conflict", None);

    // No body: the old value stops at once, as before grace periods.
    let reply = post(&app, &cookie, &path, None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["data"]["previous_value"], Value::Null);
    assert_eq!(app.get("/api/articles", Some(&new)).await.status, 401);
}

#[tokio::test]
async fn suspend_and_resume_hold_the_token_and_resuming_wants_the_password() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let (id, bearer) = create_token(&app, &cookie, read_only("paused")).await;
    let suspend = format!("{}/suspend", token_path(id));
    let resume = format!("{}/resume", token_path(id));

    let reply = post(
        &app,
        &cookie,
        &suspend,
        Some(json!({"reason": "leak review"})),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["data"]["status"], "suspended");
    assert_eq!(reply.body["data"]["suspended"]["reason"], "leak review");
    let refused = app.get("/api/articles", Some(&bearer)).await;
    assert_eq!(
        (refused.status.as_u16(), door_code(&refused)),
        (401, "token_suspended")
    );
    let twice = post(&app, &cookie, &suspend, None).await;
    assert_error(&twice, 409, "conflict", None);
    let long = post(
        &app,
        &cookie,
        &suspend,
        Some(json!({"reason": "x".repeat(201)})),
    )
    .await;
    assert_error(&long, 400, "validation_failed", Some("reason"));

    let forget = app
        .rpc("forget_password_confirmation", Some(&cookie), &json!({}))
        .await;
    assert_eq!(forget.status, 200, "{}", forget.body);
    let unconfirmed = post(&app, &cookie, &resume, None).await;
    assert_error(&unconfirmed, 403, "password_confirmation_required", None);
    assert_eq!(
        app.get("/api/articles", Some(&bearer)).await.status,
        401,
        "still held"
    );
    let confirmed = app
        .rpc(
            "confirm_password",
            Some(&cookie),
            &json!({"password": "correct horse battery staple"}),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let reply = post(&app, &cookie, &resume, None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["data"]["suspended"], Value::Null);
    assert_eq!(app.get("/api/articles", Some(&bearer)).await.status, 200);
    let not_held = post(&app, &cookie, &resume, None).await;
    assert_error(&not_held, 409, "conflict", None);
}
