//! `/admin/api/policy…`: read, change (audited), preview and bring into policy, only with
//! `policy.manage`; and create, edit and regenerate refused outside the policy with the
//! field error on `duration`.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{assert_error, call, create_token, read_only, signed_in};
use crate::common::{TestApp, spawn_app};

const POLICY: &str = "/admin/api/policy";

fn at_most(days: u32) -> Value {
    json!({
        "default_duration_days": days.min(30),
        "expiry_warning_days": [7, 1],
        "max_lifetime_days": days,
        "require_expiry": true,
        "revoke_unused_after_days": null,
    })
}

async fn put_policy(app: &TestApp, cookie: &str, body: Value) -> crate::common::Reply {
    call(app, Method::PUT, POLICY, Some(cookie), Some(body)).await
}

/// Asserts the refusal names the policy on the `duration` field.
fn assert_policy_refusal(reply: &crate::common::Reply, days: u32) {
    assert_error(reply, 400, "validation_failed", Some("duration"));
    let message = reply.body["error"]["details"][0]["message"]
        .as_str()
        .unwrap();
    assert!(
        message.starts_with(&format!(
            "Token policy: tokens may live at most {days} days;"
        )),
        "{message}"
    );
}

#[tokio::test]
async fn the_policy_is_read_changed_and_audited() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let read = call(&app, Method::GET, POLICY, Some(&cookie), None).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(
        read.body,
        json!({"data": {
            "default_duration_days": 30,
            "expiry_warning_days": [7, 1],
            "max_lifetime_days": null,
            "require_expiry": false,
            "revoke_unused_after_days": null,
        }})
    );

    let saved = put_policy(&app, &cookie, at_most(90)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body["data"]["max_lifetime_days"], 90);
    let read = call(&app, Method::GET, POLICY, Some(&cookie), None).await;
    assert_eq!(read.body, saved.body);

    let admin =
        tollgate::admins::actor::Actor::trusted(app.core.store.admin(1).await.unwrap().unwrap());
    let query = tollgate::model::AuditQuery {
        action: Some(tollgate::model::AuditAction::PolicyUpdate),
        ..Default::default()
    };
    let entries = app.core.audit.page(&admin, &query).await.unwrap().entries;
    assert_eq!(entries.len(), 1);
    assert!(
        entries[0]
            .detail
            .contains("maximum lifetime: none → 90 days")
    );
}

#[tokio::test]
async fn a_bad_policy_is_refused_by_field() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let mut beyond = at_most(30);
    beyond["default_duration_days"] = json!(60);
    let reply = put_policy(&app, &cookie, beyond).await;
    assert_error(
        &reply,
        400,
        "validation_failed",
        Some("default_duration_days"),
    );
    let mut repeated = at_most(30);
    repeated["expiry_warning_days"] = json!([3, 3]);
    let reply = put_policy(&app, &cookie, repeated).await;
    assert_error(
        &reply,
        400,
        "validation_failed",
        Some("expiry_warning_days"),
    );
    let reply = put_policy(&app, &cookie, json!({"max_lifetime_days": "ninety"})).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(
        reply.body["error"]["details"][0]["field"],
        "max_lifetime_days"
    );
    let mut unknown = at_most(30);
    unknown["max_days"] = json!(3);
    let reply = put_policy(&app, &cookie, unknown).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    let read = call(&app, Method::GET, POLICY, Some(&cookie), None).await;
    assert_eq!(
        read.body["data"]["max_lifetime_days"],
        Value::Null,
        "nothing saved"
    );
}

#[tokio::test]
async fn create_edit_and_regenerate_outside_the_policy_are_refused() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let (forever, _) = create_token(
        &app,
        &cookie,
        json!({"name": "forever", "type": "read-only", "duration": null}),
    )
    .await;
    let (week, _) = create_token(&app, &cookie, read_only("week")).await;
    assert_eq!(put_policy(&app, &cookie, at_most(30)).await.status, 200);

    let ninety = json!({"name": "ninety", "type": "read-only", "duration": 90});
    let reply = call(
        &app,
        Method::POST,
        "/admin/api/tokens",
        Some(&cookie),
        Some(ninety),
    )
    .await;
    assert_policy_refusal(&reply, 30);
    let never = json!({"name": "never", "type": "read-only", "duration": null});
    let reply = call(
        &app,
        Method::POST,
        "/admin/api/tokens",
        Some(&cookie),
        Some(never),
    )
    .await;
    assert_policy_refusal(&reply, 30);

    let path = format!("/admin/api/tokens/{week}");
    let reply = call(
        &app,
        Method::PATCH,
        &path,
        Some(&cookie),
        Some(json!({"duration": 90})),
    )
    .await;
    assert_policy_refusal(&reply, 30);
    let reply = call(
        &app,
        Method::PATCH,
        &path,
        Some(&cookie),
        Some(json!({"duration": 7})),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let path = format!("/admin/api/tokens/{forever}/regenerate");
    let reply = call(&app, Method::POST, &path, Some(&cookie), None).await;
    assert_policy_refusal(&reply, 30);
    // The old token still works, and still reads as it was.
    let shown = call(
        &app,
        Method::GET,
        &format!("/admin/api/tokens/{forever}"),
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(shown.body["data"]["status"], "active");
}

#[tokio::test]
async fn the_preview_counts_and_bring_into_policy_shortens() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let (forever, _) = create_token(
        &app,
        &cookie,
        json!({"name": "forever", "type": "read-only", "duration": null}),
    )
    .await;
    create_token(&app, &cookie, read_only("month")).await;

    let preview = call(
        &app,
        Method::POST,
        "/admin/api/policy/preview",
        Some(&cookie),
        Some(at_most(7)),
    )
    .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(
        preview.body,
        json!({"data": {"outside_policy": 2, "unused_names": [], "unused_to_revoke": 0}})
    );
    let preview = call(
        &app,
        Method::POST,
        "/admin/api/policy/preview",
        Some(&cookie),
        Some(at_most(90)),
    )
    .await;
    assert_eq!(preview.body["data"]["outside_policy"], 1);
    let mut bad = at_most(90);
    bad["max_lifetime_days"] = json!(0);
    let preview = call(
        &app,
        Method::POST,
        "/admin/api/policy/preview",
        Some(&cookie),
        Some(bad),
    )
    .await;
    assert_error(
        &preview,
        400,
        "validation_failed",
        Some("max_lifetime_days"),
    );
    let read = call(&app, Method::GET, POLICY, Some(&cookie), None).await;
    assert_eq!(
        read.body["data"]["max_lifetime_days"],
        Value::Null,
        "previewing saves nothing"
    );

    assert_eq!(put_policy(&app, &cookie, at_most(90)).await.status, 200);
    let brought = call(
        &app,
        Method::POST,
        "/admin/api/policy/bring-into-policy",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(brought.status, 200, "{}", brought.body);
    assert_eq!(brought.body["data"]["shortened"], 1);
    let expires_at = brought.body["data"]["expires_at"].clone();
    assert!(expires_at.is_string());
    let shown = call(
        &app,
        Method::GET,
        &format!("/admin/api/tokens/{forever}"),
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(shown.body["data"]["expires_at"], expires_at);
    let again = call(
        &app,
        Method::POST,
        "/admin/api/policy/bring-into-policy",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(
        again.body,
        json!({"data": {"expires_at": null, "shortened": 0}})
    );
}

#[tokio::test]
async fn every_policy_endpoint_needs_policy_manage() {
    let app = spawn_app().await;
    let _super_admin = signed_in(&app).await;
    let editor = app.signed_in_as("Editor").await;
    let calls = [
        (Method::GET, POLICY, None),
        (Method::PUT, POLICY, Some(at_most(30))),
        (Method::POST, "/admin/api/policy/preview", Some(at_most(30))),
        (Method::POST, "/admin/api/policy/bring-into-policy", None),
    ];
    for (method, path, body) in calls {
        let reply = call(&app, method.clone(), path, Some(&editor), body).await;
        assert_error(&reply, 403, "forbidden", None);
        let message = reply.body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("managing the token policy"),
            "{method} {path}: {message}"
        );
        let anonymous = call(&app, method.clone(), path, None, None).await;
        assert_eq!(anonymous.status, 401, "{method} {path}");
    }
}
