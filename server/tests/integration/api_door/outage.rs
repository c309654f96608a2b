//! What the door does while the database is away: a private Postgres cluster (never the
//! shared one) that the test stops and starts again, with the router in front of it.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use tollgate::model::TokenType;

use crate::common::{Reply, TestApp, spawn_app_with};

#[path = "../../../../tests/common/private_postgres.rs"]
mod private_postgres;
use private_postgres::PrivatePostgres;

/// The outage grace this test runs with (the default is 60 s).
const GRACE: Duration = Duration::from_secs(3);
/// "At once": the answer may not wait for a database that is not there.
const QUICK: Duration = Duration::from_millis(500);

async fn timed(reply: impl Future<Output = Reply>) -> (Reply, Duration) {
    let started = Instant::now();
    let reply = reply.await;
    (reply, started.elapsed())
}

fn assert_unavailable(reply: &Reply, what: &str) {
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{what}: {:?}",
        reply.body
    );
    assert_eq!(reply.header(header::RETRY_AFTER), "5", "{what}");
}

async fn revoke(app: &TestApp, cookie: &str, id: i64) -> Reply {
    let request = Request::builder()
        .method(Method::DELETE)
        .uri(format!("/admin/api/tokens/{id}"))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    app.send(request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_database_stopped_the_door_answers_at_once_and_recovers() {
    let pg = PrivatePostgres::start();
    let url = pg.url();
    let app = spawn_app_with(|config| {
        config.database_url = Some(url);
        config.outage_grace_seconds = GRACE.as_secs();
    })
    .await;
    let follow = tokio::spawn(app.core.follow_token_changes().await.unwrap());
    let (admin, cookie) = app.signed_in_admin().await;
    let (cached_id, cached) = app.token(&admin, "cached", TokenType::ReadOnly, &[]).await;
    let (_, uncached) = app
        .token(&admin, "uncached", TokenType::ReadOnly, &[])
        .await;
    let verify = "/api/tokens/verify";
    assert_eq!(app.get(verify, Some(&cached)).await.status, StatusCode::OK);
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);

    // The grace counts from when the feed loses the database: after this, before `stopped`.
    let stopping = Instant::now();
    pg.stop();
    let stopped = Instant::now();

    // Readiness says so well within a load balancer's probe timeout.
    let (ready, took) = timed(app.get("/readyz", None)).await;
    assert_unavailable(&ready, "readyz");
    assert_eq!(ready.body["status"], "unavailable");
    assert!(took < Duration::from_secs(2), "readyz took {took:?}");
    println!("readyz answered 503 after {took:?}");

    // The change feed soon knows the database is away: from then on no request waits.
    while !app.core.database_away() {
        assert!(
            stopped.elapsed() < Duration::from_secs(2),
            "the feed did not notice"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!("the feed noticed after {:?}", stopped.elapsed());
    let (ready, took) = timed(app.get("/readyz", None)).await;
    assert_unavailable(&ready, "readyz");
    assert!(took < QUICK, "readyz took {took:?}");
    // A token verified before: still accepted, within the grace.
    let (reply, took) = timed(app.get(verify, Some(&cached))).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert!(took < QUICK && stopped.elapsed() < GRACE, "{took:?}");
    // A token never verified here: 503 at once, not 401.
    let (reply, took) = timed(app.get(verify, Some(&uncached))).await;
    assert_unavailable(&reply, "uncached token");
    assert_eq!(reply.body["error"]["code"], "unavailable");
    assert!(took < QUICK, "{took:?}");
    // After the grace the cached token is refused too.
    let deadline = stopped + GRACE + Duration::from_secs(2);
    loop {
        let reply = app.get(verify, Some(&cached)).await;
        if reply.status == StatusCode::SERVICE_UNAVAILABLE {
            assert_unavailable(&reply, "cached token after the grace");
            break;
        }
        assert_eq!(reply.status, StatusCode::OK);
        assert!(
            Instant::now() < deadline,
            "the cached token outlived the grace"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        stopping.elapsed() >= GRACE,
        "refused before the grace ended"
    );

    // A write: 503 in the API's error shape, within the pool's 2 s acquire timeout.
    let (write, took) = timed(revoke(&app, &cookie, cached_id)).await;
    assert_unavailable(&write, "admin API revoke");
    assert_eq!(write.body["error"]["code"], "unavailable");
    assert!(
        took < Duration::from_millis(2500),
        "the write took {took:?}"
    );
    println!("the admin API answered 503 after {took:?}");
    // The panel's server functions and the sign-in alike.
    let (rpc, took) =
        timed(app.rpc("revoke_token", Some(&cookie), &json!({"id": cached_id}))).await;
    assert_unavailable(&rpc, "rpc revoke_token");
    assert!(took < Duration::from_millis(2500), "the rpc took {took:?}");
    let sign_in =
        json!({"input": {"email": "ada@example.com", "password": "correct horse battery staple"}});
    let (reply, took) = timed(app.rpc("sign_in", None, &sign_in)).await;
    assert_unavailable(&reply, "rpc sign_in");
    assert!(
        took < Duration::from_millis(2500),
        "the sign-in took {took:?}"
    );

    // Back without a restart of Tollgate.
    pg.start_again();
    let back = Instant::now();
    while app.get("/readyz", None).await.status != StatusCode::OK {
        assert!(back.elapsed() < Duration::from_secs(5), "readyz stays 503");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        app.get(verify, Some(&uncached)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        revoke(&app, &cookie, cached_id).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(verify, Some(&cached)).await.status,
        StatusCode::UNAUTHORIZED
    );

    follow.abort();
    let _ = follow.await;
    app.core.store.close().await;
}
