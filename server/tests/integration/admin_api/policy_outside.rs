//! Tokens outside the token policy through the admin API: `outside_policy` on every token
//! answer, `policy=outside` on the list and the export (a bad value names `policy`), and
//! a create without `duration` getting the policy's default duration.

use axum::http::Method;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::{assert_error, call, create_token, signed_in};
use crate::common::{Reply, TestApp, spawn_app};

const TOKENS: &str = "/admin/api/tokens";

fn policy(max: u32, default: u32) -> Value {
    json!({
        "default_duration_days": default,
        "expiry_warning_days": [7, 1],
        "max_lifetime_days": max,
        "require_expiry": true,
        "revoke_unused_after_days": null,
    })
}

async fn put_policy(app: &TestApp, cookie: &str, body: Value) {
    let reply = call(
        app,
        Method::PUT,
        "/admin/api/policy",
        Some(cookie),
        Some(body),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

async fn get(app: &TestApp, cookie: &str, path: &str) -> Reply {
    call(app, Method::GET, path, Some(cookie), None).await
}

/// The names on a list page, each with its `outside_policy`.
fn flags(reply: &Reply) -> Vec<(String, bool)> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let flag = t["outside_policy"].as_bool().expect("a boolean flag");
            (t["name"].as_str().unwrap().to_owned(), flag)
        })
        .collect()
}

fn duration(name: &str, duration: Value) -> Value {
    json!({ "name": name, "type": "read-only", "duration": duration })
}

#[tokio::test]
async fn the_list_flags_and_filters_tokens_outside_the_policy() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    create_token(&app, &cookie, duration("week", json!(7))).await;
    let (quarter, _) = create_token(&app, &cookie, duration("quarter", json!(90))).await;
    create_token(&app, &cookie, duration("forever", Value::Null)).await;

    // Nothing is outside the default policy.
    let all = get(&app, &cookie, &format!("{TOKENS}?sort=name")).await;
    assert!(
        flags(&all).iter().all(|(_, outside)| !outside),
        "{}",
        all.body
    );
    let none = get(&app, &cookie, &format!("{TOKENS}?policy=outside")).await;
    assert_eq!(flags(&none), []);

    put_policy(&app, &cookie, policy(30, 30)).await;
    let all = get(&app, &cookie, &format!("{TOKENS}?sort=name")).await;
    let outside: Vec<String> = flags(&all)
        .into_iter()
        .filter(|(_, outside)| *outside)
        .map(|(name, _)| name)
        .collect();
    assert_eq!(outside, ["forever", "quarter"], "{}", all.body);
    let filtered = get(&app, &cookie, &format!("{TOKENS}?policy=outside&sort=name")).await;
    assert_eq!(
        flags(&filtered),
        [("forever".to_owned(), true), ("quarter".to_owned(), true)]
    );
    // With the other filters too.
    let searched = get(
        &app,
        &cookie,
        &format!("{TOKENS}?policy=outside&search=quar"),
    )
    .await;
    assert_eq!(flags(&searched), [("quarter".to_owned(), true)]);

    // One token's answer carries it as well.
    let one = get(&app, &cookie, &format!("{TOKENS}/{quarter}")).await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.body["data"]["outside_policy"], true);
}

#[tokio::test]
async fn a_bad_policy_filter_names_the_parameter() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    for path in [
        format!("{TOKENS}?policy=inside"),
        format!("{TOKENS}/export?policy=1&format=json"),
    ] {
        let reply = get(&app, &cookie, &path).await;
        assert_error(&reply, 400, "validation_failed", Some("policy"));
        let message = reply.body["error"]["details"][0]["message"]
            .as_str()
            .unwrap();
        assert!(message.contains("use outside"), "{message}");
    }
}

#[tokio::test]
async fn the_export_keeps_to_the_outside_filter() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    create_token(&app, &cookie, duration("week", json!(7))).await;
    create_token(&app, &cookie, duration("forever", Value::Null)).await;
    put_policy(&app, &cookie, policy(30, 30)).await;
    let reply = get(
        &app,
        &cookie,
        &format!("{TOKENS}/export?policy=outside&format=json"),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let names: Vec<&str> = reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["forever"]);
}

fn expires_at(reply: &Reply) -> Option<DateTime<Utc>> {
    reply.body["data"]["expires_at"]
        .as_str()
        .map(|at| at.parse().unwrap())
}

#[tokio::test]
async fn a_create_without_duration_gets_the_policy_default() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    put_policy(&app, &cookie, policy(14, 7)).await;
    let body = json!({ "name": "no duration", "type": "read-only" });
    let reply = call(&app, Method::POST, TOKENS, Some(&cookie), Some(body)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let at = expires_at(&reply).expect("an expiry");
    let off = (at - (Utc::now() + Duration::days(7))).num_seconds().abs();
    assert!(off < 60, "{at}: not the policy's 7 days");
    assert_eq!(reply.body["data"]["outside_policy"], false);
}
