//! `/admin/api/webhooks`: endpoints registered through the API, and deliveries to a
//! receiver on loopback that checks every signature itself (HMAC-SHA256 over
//! `{id}.{timestamp}.{body}`, as any Standard Webhooks library does). The worker is driven
//! round by round with the time passed in, so retries are tested without sleeping.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tollgate::webhooks::delivery::{Backoff, DeliveryWorker, WorkerSettings};

use super::{assert_error, call, create_token, read_only, signed_in};
use crate::common::{TestApp, spawn_app};

/// What the receiver saw: each body it could verify, in arrival order.
#[derive(Default)]
struct Seen {
    secret: Option<String>,
    /// The status to answer with.
    answer: u16,
    verified: Vec<Value>,
    forged: usize,
}

#[derive(Clone)]
struct Receiver {
    seen: Arc<Mutex<Seen>>,
    url: String,
}

/// Verifies as the specification says: the key is the secret's base64 after `whsec_`.
fn verifies(secret: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(id), Some(timestamp), Some(signatures)) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    ) else {
        return false;
    };
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    signatures.split(' ').any(|s| s == expected)
}

async fn receive(
    State(seen): State<Arc<Mutex<Seen>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut seen = seen.lock().unwrap();
    let secret = seen.secret.clone().expect("the test set the secret");
    if verifies(&secret, &headers, &body) {
        seen.verified.push(serde_json::from_slice(&body).unwrap());
    } else {
        seen.forged += 1;
    }
    StatusCode::from_u16(seen.answer).unwrap()
}

async fn start_receiver() -> Receiver {
    let seen = Arc::new(Mutex::new(Seen {
        answer: 200,
        ..Default::default()
    }));
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver { seen, url }
}

/// Registers `receiver` for `events`: the endpoint's id; the receiver learns the secret.
async fn register(app: &TestApp, cookie: &str, receiver: &Receiver, events: &[&str]) -> i64 {
    let body = json!({"url": receiver.url, "events": events, "description": "test receiver"});
    let reply = call(
        app,
        Method::POST,
        "/admin/api/webhooks",
        Some(cookie),
        Some(body),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let secret = reply.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    receiver.seen.lock().unwrap().secret = Some(secret);
    reply.body["data"]["id"].as_i64().unwrap()
}

fn worker(app: &TestApp, backoff: Backoff) -> DeliveryWorker {
    let settings = WorkerSettings {
        backoff,
        ..WorkerSettings::default()
    };
    DeliveryWorker::new(
        app.core.store.clone(),
        app.core.notifications.clone(),
        settings,
    )
}

/// Rounds at `now` until nothing is due: how many attempts were made.
async fn drain(worker: &DeliveryWorker, now: DateTime<Utc>) -> usize {
    let mut attempts = 0;
    loop {
        match worker.deliver_due(now).await.unwrap() {
            0 => return attempts,
            n => attempts += n,
        }
    }
}

async fn deliveries(app: &TestApp, cookie: &str, endpoint: i64) -> Vec<Value> {
    let path = format!("/admin/api/webhooks/{endpoint}/deliveries");
    let reply = call(app, Method::GET, &path, Some(cookie), None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn token_changes_arrive_signed_and_in_order() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let receiver = start_receiver().await;
    let endpoint = register(
        &app,
        &cookie,
        &receiver,
        &["token.created", "token.revoked"],
    )
    .await;

    let (id, bearer) = create_token(&app, &cookie, read_only("deploy")).await;
    let path = format!("/admin/api/tokens/{id}");
    let revoked = call(&app, Method::DELETE, &path, Some(&cookie), None).await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    // Queued as the changes committed; sent by the worker, one token's events in order.
    assert_eq!(
        drain(&worker(&app, Backoff::default()), Utc::now()).await,
        2
    );

    let (verified, forged) = {
        let seen = receiver.seen.lock().unwrap();
        (seen.verified.clone(), seen.forged)
    };
    assert_eq!(forged, 0);
    let types: Vec<&str> = verified
        .iter()
        .map(|b| b["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["token.created", "token.revoked"]);
    for body in &verified {
        assert_eq!(body["data"]["id"], id);
        assert_eq!(body["data"]["name"], "deploy");
        assert_eq!(body["data"]["actor"], "Ada");
        let secret = bearer.strip_prefix("Bearer ").unwrap();
        assert!(
            !body.to_string().contains(secret),
            "never the token's value"
        );
    }
    let listed = deliveries(&app, &cookie, endpoint).await;
    for delivery in &listed {
        assert_eq!(delivery["state"], "delivered");
        assert_eq!(delivery["status_code"], 200);
        assert_eq!(delivery["attempts"], 1);
    }
}

#[tokio::test]
async fn failures_back_off_then_give_up_mark_the_endpoint_and_tell_the_admins() {
    let app = spawn_app().await;
    let (admin, cookie) = app.signed_in_admin().await;
    let receiver = start_receiver().await;
    receiver.seen.lock().unwrap().answer = 500;
    let endpoint = register(&app, &cookie, &receiver, &["token.revoked"]).await;
    let backoff = Backoff {
        delays: vec![Duration::seconds(30), Duration::seconds(60)],
        give_up_after: Duration::minutes(2),
    };
    let worker = worker(&app, backoff);

    let test = format!("/admin/api/webhooks/{endpoint}/test");
    let queued = call(&app, Method::POST, &test, Some(&cookie), None).await;
    assert_eq!(queued.status, 202, "{}", queued.body);
    assert_eq!(queued.body["data"]["event"], "webhook.test");
    let start = Utc::now() + Duration::seconds(1);

    assert_eq!(drain(&worker, start).await, 1);
    let first = &deliveries(&app, &cookie, endpoint).await[0];
    assert_eq!(
        (first["state"].as_str(), first["status_code"].as_i64()),
        (Some("pending"), Some(500))
    );
    assert_eq!(
        first["next_attempt_at"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        start + Duration::seconds(30)
    );
    assert_eq!(
        drain(&worker, start + Duration::seconds(29)).await,
        0,
        "not before its time"
    );
    assert_eq!(drain(&worker, start + Duration::seconds(30)).await, 1);
    // The next wait (60 s) still fits in the two minutes; the one after does not.
    assert_eq!(drain(&worker, start + Duration::seconds(90)).await, 1);
    let given_up = &deliveries(&app, &cookie, endpoint).await[0];
    assert_eq!(given_up["state"], "failed");
    assert_eq!(given_up["attempts"], 3);
    assert_eq!(receiver.seen.lock().unwrap().verified.len(), 3);

    let path = format!("/admin/api/webhooks/{endpoint}");
    let shown = call(&app, Method::GET, &path, Some(&cookie), None).await;
    assert!(
        shown.body["data"]["failing_since"].is_string(),
        "{}",
        shown.body
    );
    let inbox = app.core.notifications.inbox(&admin).await.unwrap();
    assert!(
        inbox.items.iter().any(|n| n.message.contains("are failing")
            && n.link.as_deref() == Some(&*format!("/settings/webhooks/{endpoint}"))),
        "{inbox:?}"
    );

    // Fixed: redeliver sends it again, and success clears the mark.
    receiver.seen.lock().unwrap().answer = 204;
    let id = given_up["id"].as_i64().unwrap();
    let redeliver = format!("/admin/api/webhooks/deliveries/{id}/redeliver");
    let again = call(&app, Method::POST, &redeliver, Some(&cookie), None).await;
    assert_eq!(again.status, 202, "{}", again.body);
    assert_eq!(drain(&worker, Utc::now() + Duration::seconds(1)).await, 1);
    let delivered = &deliveries(&app, &cookie, endpoint).await[0];
    assert_eq!(
        (
            delivered["state"].as_str(),
            delivered["status_code"].as_i64()
        ),
        (Some("delivered"), Some(204))
    );
    let shown = call(&app, Method::GET, &path, Some(&cookie), None).await;
    assert!(shown.body["data"]["failing_since"].is_null());
    let seen = receiver.seen.lock().unwrap();
    let ids: Vec<&Value> = seen
        .verified
        .iter()
        .map(|b| &b["data"]["endpoint_id"])
        .collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(seen.forged, 0);
}

#[tokio::test]
async fn the_metadata_address_and_plain_http_elsewhere_are_refused() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/",
        "https://[fe80::1]/hook",
        "http://hooks.example.com/",
        "https://user:password@hooks.example.com/",
    ] {
        let body = json!({"url": url, "events": ["token.created"]});
        let reply = call(
            &app,
            Method::POST,
            "/admin/api/webhooks",
            Some(&cookie),
            Some(body),
        )
        .await;
        assert_error(&reply, 400, "validation_failed", Some("url"));
    }
    let body = json!({"url": "https://hooks.example.com/", "events": ["token.exploded"]});
    let reply = call(
        &app,
        Method::POST,
        "/admin/api/webhooks",
        Some(&cookie),
        Some(body),
    )
    .await;
    assert_error(&reply, 400, "validation_failed", Some("events"));
    let listed = call(
        &app,
        Method::GET,
        "/admin/api/webhooks",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(listed.body, json!({"data": []}));
}

#[tokio::test]
async fn endpoints_are_for_webhooks_manage_and_the_secret_is_shown_once() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let receiver = start_receiver().await;
    let endpoint = register(&app, &cookie, &receiver, &["token.created"]).await;
    let path = format!("/admin/api/webhooks/{endpoint}");

    let shown = call(&app, Method::GET, &path, Some(&cookie), None).await;
    assert_eq!(shown.status, 200);
    assert!(shown.body["secret"].is_null() && shown.body["data"]["secret"].is_null());
    let patch = json!({"enabled": false, "events": ["token.revoked", "token.leaked"]});
    let changed = call(&app, Method::PATCH, &path, Some(&cookie), Some(patch)).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(
        changed.body["data"]["events"],
        json!(["token.revoked", "token.leaked"])
    );
    assert_eq!(changed.body["data"]["enabled"], false);
    let rotate = format!("{path}/rotate-secret");
    let rotated = call(&app, Method::POST, &rotate, Some(&cookie), None).await;
    assert_eq!(rotated.status, 200);
    assert_ne!(
        rotated.body["secret"].as_str(),
        receiver.seen.lock().unwrap().secret.as_deref()
    );

    let editor = app.signed_in_as("Editor").await;
    for (method, path) in [
        (Method::GET, "/admin/api/webhooks".to_owned()),
        (Method::GET, path.clone()),
        (Method::DELETE, path.clone()),
        (Method::POST, format!("{path}/test")),
    ] {
        let refused = call(&app, method, &path, Some(&editor), None).await;
        assert_error(&refused, 403, "forbidden", None);
    }

    let deleted = call(&app, Method::DELETE, &path, Some(&cookie), None).await;
    assert_eq!(deleted.status, 204);
    let gone = call(&app, Method::GET, &path, Some(&cookie), None).await;
    assert_error(&gone, 404, "not_found", None);
}

/// Where token events go is as sensitive as who holds a token: adding, changing, rotating
/// and deleting an endpoint want the password confirmed recently; reading and sending a
/// test event do not.
#[tokio::test]
async fn changing_endpoints_wants_the_password_confirmed() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let receiver = start_receiver().await;
    let endpoint = register(&app, &cookie, &receiver, &["token.created"]).await;
    let path = format!("/admin/api/webhooks/{endpoint}");
    let forget = app
        .rpc("forget_password_confirmation", Some(&cookie), &json!({}))
        .await;
    assert_eq!(forget.status, StatusCode::OK, "{}", forget.body);

    let hook = json!({"url": "https://hooks.example.com/other", "events": ["token.revoked"]});
    for (method, uri, body) in [
        (Method::POST, "/admin/api/webhooks".to_owned(), Some(hook)),
        (Method::PATCH, path.clone(), Some(json!({"enabled": false}))),
        (Method::POST, format!("{path}/rotate-secret"), None),
        (Method::DELETE, path.clone(), None),
    ] {
        let refused = call(&app, method.clone(), &uri, Some(&cookie), body).await;
        assert_error(&refused, 403, "password_confirmation_required", None);
    }
    let listed = call(
        &app,
        Method::GET,
        "/admin/api/webhooks",
        Some(&cookie),
        None,
    )
    .await;
    let listed = listed.body["data"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 1, "nothing added or deleted");
    assert_eq!(listed[0]["enabled"], true, "nothing changed");
    let test = call(
        &app,
        Method::POST,
        &format!("{path}/test"),
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(test.status, StatusCode::ACCEPTED, "{}", test.body);
}
