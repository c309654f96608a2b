//! Two instances on one Postgres database: what one changes, the other sees at once.

use super::*;

/// A second instance B on `db`'s database, and a token made by A that B has verified once
/// (so B holds it in its cache).
pub(super) async fn a_token_cached_by_a_second_instance(
    db: &TestDb,
) -> (Tollgate, Actor, CreatedToken) {
    let b = db.second_instance().await;
    let admin = first_admin(&db.core).await;
    let created = db
        .core
        .tokens
        .create(
            &admin,
            &token_request("shared", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
    b.verifier
        .authenticate(Some(created.secret.expose()), None)
        .await
        .unwrap();
    (b, admin, created)
}

/// Instance B caches a token, instance A revokes it: B must refuse it as soon as the
/// database tells it, with no request to B in between doing anything special.
#[tokio::test]
async fn postgres_a_token_revoked_on_one_instance_is_refused_by_another() {
    let db = TestDb::postgres().await;
    let a = &db.core;
    let (b, admin, created) = a_token_cached_by_a_second_instance(&db).await;
    let follow = tokio::spawn(b.follow_token_changes().await.unwrap());
    assert_eq!(b.cache_trust(), Trust::Current, "B answers from its cache");
    let secret = Some(created.secret.expose());
    b.verifier.authenticate(secret, None).await.unwrap(); // now answered from B's cache

    let revoked_at = std::time::Instant::now();
    a.tokens.revoke(&admin, created.token.id).await.unwrap();
    let deadline = revoked_at + std::time::Duration::from_secs(5);
    loop {
        match b.verifier.authenticate(secret, None).await {
            Err(Rejection::Unknown) => break,
            Ok(_) => assert!(
                std::time::Instant::now() < deadline,
                "instance B still accepts the token 5 s after the revoke"
            ),
            Err(other) => panic!("unexpected rejection {other:?}"),
        }
        tokio::task::yield_now().await;
    }
    println!("cross-instance revocation took {:?}", revoked_at.elapsed());
    // The listener holds one of B's connections until its task ends.
    follow.abort();
    let _ = follow.await;
    b.store.close().await;
    db.finish().await;
}

/// Without the change feed a second instance would have no way to know its cached copy is
/// stale: so on Postgres it never answers from its cache until the feed has caught up, and
/// the test above is only meaningful because B's cache is trusted there.
#[tokio::test]
async fn postgres_an_instance_not_following_changes_trusts_no_cached_copy() {
    let db = TestDb::postgres().await;
    let a = &db.core;
    let (b, admin, created) = a_token_cached_by_a_second_instance(&db).await;
    assert!(matches!(b.cache_trust(), Trust::Unconfirmed { .. }));
    let secret = Some(created.secret.expose());
    a.tokens.revoke(&admin, created.token.id).await.unwrap();
    assert_eq!(
        b.verifier.authenticate(secret, None).await.unwrap_err(),
        Rejection::Unknown
    );
    b.store.close().await;
    db.finish().await;
}

/// A changed rate limit reaches another instance through the change feed: B, refused under
/// the old limit of 2 an hour, lets the rest of the raised one (5) through, and together
/// the two never let more than the new limit through in the window.
#[tokio::test]
async fn postgres_a_changed_rate_limit_reaches_another_instance() {
    use tollgate::model::{RateLimit, RatePeriod, Restrictions, TokenPatch};
    let db = TestDb::postgres().await;
    let a = &db.core;
    let b = db.second_instance().await;
    let follow = tokio::spawn(b.follow_token_changes().await.unwrap());
    let admin = first_admin(a).await;
    let limit = |requests| Restrictions {
        rate_limit: Some(RateLimit {
            requests,
            per: RatePeriod::Hour,
        }),
        ..Restrictions::default()
    };
    let request = NewTokenRequest {
        restrictions: limit(2),
        ..token_request("limited", TokenType::ReadOnly, vec![])
    };
    let created = a.tokens.create(&admin, &request).await.unwrap();
    let secret = Some(created.secret.expose());
    let now = tollgate::tokens::rate_limit::window_start(RatePeriod::Hour, Utc::now())
        + Duration::minutes(30);
    let allowed = |instance: &Tollgate| {
        let verifier = instance.verifier.clone();
        async move {
            match verifier.authenticate_at(secret, None, now).await {
                Ok(_) => true,
                Err(Rejection::RateLimited { .. }) => false,
                Err(other) => panic!("{other:?}"),
            }
        }
    };
    assert!(allowed(&b).await && allowed(&b).await);
    assert!(!allowed(&b).await, "over the old limit");

    let changed_at = std::time::Instant::now();
    let raised = TokenPatch {
        restrictions: Some(limit(5)),
        ..TokenPatch::default()
    };
    a.tokens
        .update(&admin, created.token.id, &raised)
        .await
        .unwrap();
    while !allowed(&b).await {
        assert!(
            changed_at.elapsed() < std::time::Duration::from_secs(5),
            "instance B still holds to the old limit 5 s after the change"
        );
        tokio::task::yield_now().await;
    }
    println!(
        "a changed rate limit reached B in {:?}",
        changed_at.elapsed()
    );
    let mut more = 0;
    for instance in [a, &b, a, &b, a, &b] {
        more += usize::from(allowed(instance).await);
    }
    assert_eq!(more, 2, "3 of the 5 were let through already");
    follow.abort();
    let _ = follow.await;
    b.store.close().await;
    db.finish().await;
}
