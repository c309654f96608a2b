//! A restricted token's refusals at every door (`/api/...`, `/api/tokens/verify`,
//! `/auth/forward`): an RFC 6750 answer whose `code` names the restriction.

use axum::body::Body;
use axum::http::{HeaderName, Request, StatusCode, header};
use tollgate::model::{
    Metadata, NewTokenRequest, Quota, RateLimit, RatePeriod, Restrictions, TokenLifetime, TokenType,
};

use tollgate::admins::actor::Actor;

use crate::common::{Reply, TestApp, spawn_app};

const POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
const NOW: HeaderName = HeaderName::from_static("ratelimit");
const METADATA: HeaderName = HeaderName::from_static("x-tollgate-token-metadata");

async fn token_with(
    app: &TestApp,
    admin: &Actor,
    name: &str,
    restrictions: Restrictions,
) -> (i64, String) {
    let request = NewTokenRequest {
        name: name.into(),
        lifetime: Some(TokenLifetime::Days7),
        token_type: TokenType::ReadOnly,
        restrictions,
        ..Default::default()
    };
    let created = app.core.tokens.create(admin, &request).await.unwrap();
    (
        created.token.id,
        format!("Bearer {}", created.secret.expose()),
    )
}

/// The same check at each of the three doors.
async fn at_every_door(app: &TestApp, authorization: &str) -> Vec<Reply> {
    let forward = Request::get("/auth/forward")
        .header(header::AUTHORIZATION, authorization)
        .header("x-original-method", "GET")
        .header("x-original-uri", "/api/articles")
        .body(Body::empty())
        .unwrap();
    vec![
        app.get("/api/articles", Some(authorization)).await,
        app.get("/api/tokens/verify", Some(authorization)).await,
        app.send(forward).await,
    ]
}

fn code(reply: &Reply) -> &str {
    reply.body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_client_outside_the_allowed_networks_is_refused_with_ip_not_allowed() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    // The test client is 127.0.0.1.
    let (_, outside) = token_with(
        &app,
        &admin,
        "office only",
        Restrictions {
            allowed_networks: vec!["10.0.0.0/8".into()],
            ..Restrictions::default()
        },
    )
    .await;
    for reply in at_every_door(&app, &outside).await {
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(code(&reply), "ip_not_allowed");
        assert!(
            reply
                .header(header::WWW_AUTHENTICATE)
                .starts_with("Bearer ")
        );
    }
    let (_, inside) = token_with(
        &app,
        &admin,
        "loopback",
        Restrictions {
            allowed_networks: vec!["127.0.0.0/8".into()],
            ..Restrictions::default()
        },
    )
    .await;
    for reply in at_every_door(&app, &inside).await {
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    }
}

#[tokio::test]
async fn suspended_and_not_yet_valid_tokens_are_invalid_tokens_that_say_why() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, suspended) = token_with(&app, &admin, "paused", Restrictions::default()).await;
    app.core.tokens.suspend(&admin, id, "audit").await.unwrap();
    let (_, later) = token_with(
        &app,
        &admin,
        "later",
        Restrictions {
            not_before: Some(chrono::Utc::now() + chrono::Duration::hours(1)),
            ..Restrictions::default()
        },
    )
    .await;
    for (authorization, expected) in [
        (&suspended, "token_suspended"),
        (&later, "token_not_yet_valid"),
    ] {
        for reply in at_every_door(&app, authorization).await {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
            assert_eq!(code(&reply), expected);
            assert!(
                reply
                    .header(header::WWW_AUTHENTICATE)
                    .contains("error=\"invalid_token\""),
                "{}",
                reply.header(header::WWW_AUTHENTICATE)
            );
        }
    }
}

#[tokio::test]
async fn over_the_rate_limit_or_the_quota_is_a_429_with_retry_after() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, limited) = token_with(
        &app,
        &admin,
        "limited",
        Restrictions {
            rate_limit: Some(RateLimit {
                requests: 3,
                per: RatePeriod::Hour,
            }),
            ..Restrictions::default()
        },
    )
    .await;
    // One request per door spends the allowance; the next is refused at each.
    for reply in at_every_door(&app, &limited).await {
        assert_eq!(reply.status, StatusCode::OK);
    }
    for reply in at_every_door(&app, &limited).await {
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(code(&reply), "rate_limited");
        // Until the hour of the clock ends, when the window's allowance is back.
        let retry: u64 = reply.header(header::RETRY_AFTER).parse().unwrap();
        let hour_ends = 3600 - chrono::Utc::now().timestamp() % 3600;
        assert!(
            retry.abs_diff(hour_ends as u64) <= 1,
            "{retry}, {hour_ends}"
        );
    }

    let (_, metered) = token_with(
        &app,
        &admin,
        "metered",
        Restrictions {
            quota: Some(Quota {
                requests: 3,
                refill: None,
            }),
            ..Restrictions::default()
        },
    )
    .await;
    for reply in at_every_door(&app, &metered).await {
        assert_eq!(reply.status, StatusCode::OK);
    }
    for reply in at_every_door(&app, &metered).await {
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(code(&reply), "quota_exhausted");
    }
}

#[tokio::test]
async fn a_rate_limited_token_gets_the_ratelimit_headers_on_every_answer() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, limited) = token_with(
        &app,
        &admin,
        "limited",
        Restrictions {
            rate_limit: Some(RateLimit {
                requests: 3,
                per: RatePeriod::Hour,
            }),
            ..Restrictions::default()
        },
    )
    .await;
    let doors = ["/api/articles", "/api/tokens/verify", "/auth/forward"];
    // Three allowed answers count the allowance down, then the refusals say it is spent.
    for (remaining, (reply, door)) in (0..3)
        .rev()
        .zip(at_every_door(&app, &limited).await.iter().zip(doors))
    {
        assert_eq!(reply.status, StatusCode::OK, "{door}");
        assert_eq!(reply.header(POLICY), "\"token\";q=3;w=3600", "{door}");
        let now = reply.header(NOW);
        assert!(
            now.starts_with(&format!("\"token\";r={remaining};t=")),
            "{door}: {now}"
        );
    }
    for (reply, door) in at_every_door(&app, &limited).await.iter().zip(doors) {
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{door}");
        assert_eq!(reply.header(POLICY), "\"token\";q=3;w=3600", "{door}");
        assert!(reply.header(NOW).starts_with("\"token\";r=0;t="), "{door}");
    }

    // A token without a limit gets neither header.
    let (_, free) = token_with(&app, &admin, "free", Restrictions::default()).await;
    for reply in at_every_door(&app, &free).await {
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply.headers.get("ratelimit-policy").is_none());
        assert!(reply.headers.get("ratelimit").is_none());
    }
}

#[tokio::test]
async fn metadata_reaches_verify_and_the_forward_auth_upstream() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut map = serde_json::Map::new();
    map.insert("customer".into(), "acmé".into());
    map.insert("plan".into(), "pro".into());
    let request = NewTokenRequest {
        name: "partner".into(),
        lifetime: Some(TokenLifetime::Days7),
        token_type: TokenType::ReadOnly,
        metadata: Metadata(map),
        ..Default::default()
    };
    let created = app.core.tokens.create(&admin, &request).await.unwrap();
    let bearer = format!("Bearer {}", created.secret.expose());
    let replies = at_every_door(&app, &bearer).await;
    let expected = serde_json::json!({"customer": "acmé", "plan": "pro"});
    assert_eq!(replies[1].body["metadata"], expected);
    // A header value is ASCII: non-ASCII is escaped, and it is still the same JSON.
    let header = replies[2].header(METADATA);
    assert!(header.is_ascii() && header.contains("\\u00e9"), "{header}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(header).unwrap(),
        expected
    );

    let (_, plain) = token_with(&app, &admin, "plain", Restrictions::default()).await;
    let replies = at_every_door(&app, &plain).await;
    assert_eq!(replies[1].body["metadata"], serde_json::json!({}));
    assert_eq!(replies[2].header(METADATA), "{}");
}
