//! A token's restrictions, enforced by the verifier on both backends: networks, rate
//! limit, quota (leased in blocks, shared by instances), suspend, not-before, a
//! regenerate's grace period, metadata, and the per-permission counts behind the
//! least-privilege hint.

use chrono::DateTime;
use tollgate::model::{
    Grace, Metadata, Quota, RateLimit, RatePeriod, Restrictions, TokenPatch, TokenStatus,
};
use tollgate::tokens::rate_limit::window_start;

use super::*;

fn find() -> Permission {
    Permission::new("articles", Action::Find)
}

async fn restricted(core: &Tollgate, admin: &Actor, restrictions: Restrictions) -> CreatedToken {
    let request = NewTokenRequest {
        restrictions,
        ..token_request("restricted", TokenType::ReadOnly, vec![])
    };
    core.tokens.create(admin, &request).await.unwrap()
}

async fn networks_are_checked_and_stored_canonically(core: &Tollgate) {
    let admin = first_admin(core).await;
    let bad = NewTokenRequest {
        restrictions: Restrictions {
            allowed_networks: vec!["10.0.0.0/33".into()],
            ..Restrictions::default()
        },
        ..token_request("bad", TokenType::ReadOnly, vec![])
    };
    match core.tokens.create(&admin, &bad).await {
        Err(ServiceError::Invalid(errors)) => assert_eq!(errors[0].field, "allowed_networks"),
        other => panic!("{other:?}"),
    }
    let created = restricted(
        core,
        &admin,
        Restrictions {
            allowed_networks: vec!["203.0.113.0/24".into(), "2001:DB8::1".into()],
            ..Restrictions::default()
        },
    )
    .await;
    assert_eq!(
        created.token.restrictions.allowed_networks,
        ["203.0.113.0/24", "2001:db8::1/128"]
    );
    let secret = Some(created.secret.expose());
    let inside = Some("203.0.113.9".parse().unwrap());
    let mapped = Some("::ffff:203.0.113.9".parse().unwrap());
    let outside = Some("198.51.100.1".parse().unwrap());
    core.verifier.verify(secret, inside, &find()).await.unwrap();
    core.verifier.verify(secret, mapped, &find()).await.unwrap();
    assert!(matches!(
        core.verifier.verify(secret, outside, &find()).await,
        Err(Rejection::IpNotAllowed(Some(_)))
    ));
    assert!(matches!(
        core.verifier.verify(secret, None, &find()).await,
        Err(Rejection::IpNotAllowed(None))
    ));
    core.usage.flush(&core.store).await.unwrap();
    let today = core.tokens.usage(created.token.id, 1).await.unwrap()[0].counts;
    assert_eq!(
        (today.requests, today.forbidden),
        (4, 2),
        "refusals are counted"
    );
}

async fn a_rate_limit_refuses_the_request_over_it(core: &Tollgate) {
    let admin = first_admin(core).await;
    let limit = RateLimit {
        requests: 2,
        per: RatePeriod::Hour,
    };
    let created = restricted(
        core,
        &admin,
        Restrictions {
            rate_limit: Some(limit),
            ..Restrictions::default()
        },
    )
    .await;
    let secret = Some(created.secret.expose());
    let first = core.verifier.verify(secret, None, &find()).await.unwrap();
    assert_eq!(first.rate().map(|r| (r.limit, r.remaining)), Some((2, 1)));
    core.verifier.verify(secret, None, &find()).await.unwrap();
    match core.verifier.verify(secret, None, &find()).await {
        Err(Rejection::RateLimited { retry_after, state }) => {
            assert!(retry_after.as_secs() >= 1);
            assert_eq!(
                (state.limit, state.window_seconds, state.remaining),
                (2, 3600, 0)
            );
        }
        other => panic!("{other:?}"),
    }
    // An unrelated edit re-reads the token: its allowance is not handed back.
    let rename = TokenPatch {
        name: Some("renamed".into()),
        ..TokenPatch::default()
    };
    core.tokens
        .update(&admin, created.token.id, &rename)
        .await
        .unwrap();
    assert!(matches!(
        core.verifier.verify(secret, None, &find()).await,
        Err(Rejection::RateLimited { .. })
    ));
    core.usage.flush(&core.store).await.unwrap();
    let today = core.tokens.usage(created.token.id, 1).await.unwrap()[0].counts;
    assert_eq!(today.limited, 2);
}

async fn suspended_and_not_yet_valid_tokens_are_refused_until_they_may_work(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = restricted(core, &admin, Restrictions::default()).await;
    let id = created.token.id;
    let secret = Some(created.secret.expose());
    core.verifier.verify(secret, None, &find()).await.unwrap();

    let suspended = core
        .tokens
        .suspend(&admin, id, "leaked in a CI log?")
        .await
        .unwrap();
    assert_eq!(suspended.status(Utc::now()), TokenStatus::Suspended);
    let suspension = suspended.suspended.unwrap();
    assert_eq!(
        (suspension.reason.as_str(), suspension.by.as_deref()),
        ("leaked in a CI log?", Some("Ada Admin"))
    );
    assert!(matches!(
        core.verifier.verify(secret, None, &find()).await,
        Err(Rejection::Suspended)
    ));
    assert!(matches!(
        core.tokens.suspend(&admin, id, "again").await,
        Err(ServiceError::Conflict(_))
    ));
    let filter = tollgate::model::TokenListQuery {
        status: Some(TokenStatus::Suspended),
        ..Default::default()
    };
    let page = core.tokens.list_page(&admin, &filter).await.unwrap();
    assert_eq!(page.data.iter().map(|t| t.id).collect::<Vec<_>>(), [id]);
    let active = tollgate::model::TokenListQuery {
        status: Some(TokenStatus::Active),
        ..Default::default()
    };
    assert!(
        core.tokens
            .list_page(&admin, &active)
            .await
            .unwrap()
            .data
            .is_empty()
    );

    core.tokens.resume(&admin, id).await.unwrap();
    core.verifier.verify(secret, None, &find()).await.unwrap();

    let starts = Utc::now() + Duration::hours(2);
    let request = NewTokenRequest {
        restrictions: Restrictions {
            not_before: Some(starts),
            ..Restrictions::default()
        },
        ..token_request("later", TokenType::ReadOnly, vec![])
    };
    let later = core.tokens.create(&admin, &request).await.unwrap();
    let later_secret = Some(later.secret.expose());
    assert!(matches!(
        core.verifier.verify(later_secret, None, &find()).await,
        Err(Rejection::NotYetValid(at)) if at == starts
    ));
    let at_start = core
        .verifier
        .authenticate_at(later_secret, None, starts)
        .await;
    assert!(at_start.is_ok(), "valid from the moment it starts");

    let audit = core
        .audit
        .page(&admin, &tollgate::model::AuditQuery::default())
        .await
        .unwrap()
        .entries;
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"token.suspend") && actions.contains(&"token.resume"),
        "{actions:?}"
    );
}

async fn a_grace_period_keeps_the_old_value_working_and_counts_who_uses_it(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = restricted(core, &admin, Restrictions::default()).await;
    let id = created.token.id;
    let old = created.secret.expose().to_owned();
    let client = Some("192.0.2.44".parse().unwrap());
    core.verifier
        .verify(Some(&old), client, &find())
        .await
        .unwrap();

    let rolled = core
        .tokens
        .regenerate(&admin, id, Grace::Day)
        .await
        .unwrap();
    let new = rolled.secret.expose();
    let previous = rolled.token.previous_value.clone().expect("a grace period");
    assert!(
        (previous.until - Utc::now() - Duration::hours(24))
            .num_seconds()
            .abs()
            < 60
    );
    assert_eq!(previous.hint, created.token.hint);
    core.verifier
        .verify(Some(new), None, &find())
        .await
        .unwrap();
    let by_old = core
        .verifier
        .verify(Some(&old), client, &find())
        .await
        .unwrap();
    assert!(by_old.by_previous_value());
    assert!(
        matches!(
            core.verifier
                .authenticate_at(Some(&old), client, previous.until)
                .await,
            Err(Rejection::Unknown)
        ),
        "not after its deadline"
    );

    core.usage.flush(&core.store).await.unwrap();
    let details = core.tokens.details(&admin, id).await.unwrap();
    assert_eq!(details.previous_value_uses.len(), 1);
    assert_eq!(
        (
            details.previous_value_uses[0].ip.as_str(),
            details.previous_value_uses[0].requests
        ),
        ("192.0.2.44", 1)
    );

    core.tokens.end_grace(&admin, id).await.unwrap();
    assert!(matches!(
        core.verifier.verify(Some(&old), client, &find()).await,
        Err(Rejection::Unknown)
    ));
    core.verifier
        .verify(Some(new), None, &find())
        .await
        .unwrap();
    assert!(matches!(
        core.tokens.end_grace(&admin, id).await,
        Err(ServiceError::Conflict(_))
    ));

    // Regenerating without a grace period stops the old value at once, as before; and a
    // revoke stops a previous value too.
    let again = core
        .tokens
        .regenerate(&admin, id, Grace::Hour)
        .await
        .unwrap();
    core.tokens.revoke(&admin, id).await.unwrap();
    assert!(matches!(
        core.verifier.verify(Some(new), None, &find()).await,
        Err(Rejection::Unknown)
    ));
    assert!(matches!(
        core.verifier
            .verify(Some(again.secret.expose()), None, &find())
            .await,
        Err(Rejection::Unknown)
    ));
}

async fn metadata_and_permission_usage_are_kept(core: &Tollgate) {
    let admin = first_admin(core).await;
    let metadata: Metadata =
        serde_json::from_str(r#"{"customer": "acme", "plan": "pro"}"#).unwrap();
    let request = NewTokenRequest {
        metadata: metadata.clone(),
        ..token_request(
            "custom",
            TokenType::Custom,
            vec![find(), Permission::new("articles", Action::Create)],
        )
    };
    let created = core.tokens.create(&admin, &request).await.unwrap();
    assert_eq!(created.token.metadata, metadata);
    let verified = core
        .verifier
        .verify(Some(created.secret.expose()), None, &find())
        .await
        .unwrap();
    assert_eq!(
        verified.metadata, metadata,
        "the verifier hands it to the door"
    );
    core.usage.flush(&core.store).await.unwrap();
    let details = core.tokens.details(&admin, created.token.id).await.unwrap();
    assert_eq!(details.permission_usage.len(), 1);
    assert_eq!(details.permission_usage[0].permission, find());
    assert_eq!(
        details.unused_permissions(),
        [Permission::new("articles", Action::Create)]
    );
    let too_big = TokenPatch {
        metadata: Some(Metadata(
            [("blob".to_owned(), "x".repeat(5000).into())]
                .into_iter()
                .collect(),
        )),
        ..TokenPatch::default()
    };
    match core.tokens.update(&admin, created.token.id, &too_big).await {
        Err(ServiceError::Invalid(errors)) => assert_eq!(errors[0].field, "metadata"),
        other => panic!("{other:?}"),
    }
}

store_tests!(
    networks_are_checked_and_stored_canonically,
    a_rate_limit_refuses_the_request_over_it,
    suspended_and_not_yet_valid_tokens_are_refused_until_they_may_work,
    a_grace_period_keeps_the_old_value_working_and_counts_who_uses_it,
    metadata_and_permission_usage_are_kept,
);

/// Two instances spend one quota of 30 (blocks of 3): together they let exactly 30
/// requests through (no overshoot), and setting what is left takes effect.
async fn two_instances_share_one_quota(db: &crate::TestDb) {
    let (a, b) = (&db.core, &db.second_instance().await);
    let admin = first_admin(a).await;
    let quota = Quota {
        requests: 30,
        refill: None,
    };
    let created = restricted(
        a,
        &admin,
        Restrictions {
            quota: Some(quota),
            ..Restrictions::default()
        },
    )
    .await;
    let secret = Some(created.secret.expose());
    let mut allowed = 0;
    for i in 0..50 {
        let instance = if i % 2 == 0 { a } else { b };
        match instance.verifier.verify(secret, None, &find()).await {
            Ok(_) => allowed += 1,
            Err(Rejection::QuotaExhausted { refills_at: None }) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(allowed, 30, "exactly the quota, across instances");
    let token = a.tokens.get(&admin, created.token.id).await.unwrap();
    assert_eq!(token.quota_remaining, Some(0));

    let more = TokenPatch {
        quota_remaining: Some(5),
        ..TokenPatch::default()
    };
    a.tokens
        .update(&admin, created.token.id, &more)
        .await
        .unwrap();
    // The instance that made the change leases afresh at once (the other hears of it
    // through the change feed, `second_instance.rs`).
    let mut allowed = 0;
    for _ in 0..10 {
        if a.verifier.verify(secret, None, &find()).await.is_ok() {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 5);
    b.store.close().await;
}

/// A token limited to `limit`, and a clock in the middle of the limit's current window
/// (so a test's requests never straddle two windows).
async fn rate_limited(
    core: &Tollgate,
    admin: &Actor,
    limit: RateLimit,
) -> (CreatedToken, DateTime<Utc>) {
    let request = NewTokenRequest {
        restrictions: Restrictions {
            rate_limit: Some(limit),
            ..Restrictions::default()
        },
        ..token_request(&limit.short(), TokenType::ReadOnly, vec![])
    };
    let created = core.tokens.create(admin, &request).await.unwrap();
    let window = chrono::Duration::seconds(limit.per.seconds() as i64);
    let now = window_start(limit.per, Utc::now()) + window / 2;
    (created, now)
}

/// Counts the requests `instance` lets through (and checks the rest are refused as over
/// the limit).
async fn allowed(
    instance: &Tollgate,
    secret: Option<&str>,
    requests: usize,
    now: DateTime<Utc>,
) -> usize {
    let mut allowed = 0;
    for _ in 0..requests {
        match instance.verifier.authenticate_at(secret, None, now).await {
            Ok(_) => allowed += 1,
            Err(Rejection::RateLimited { .. }) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    allowed
}

/// What the database holds of token `id`'s current window: the requests leased of it.
async fn rate_window_used(core: &Tollgate, id: i64) -> Option<i64> {
    const SQL: &str = "SELECT used FROM rate_windows WHERE token_id = $1";
    match &core.store {
        Store::Sqlite(pool) => sqlx::query_scalar(SQL).bind(id).fetch_optional(pool).await,
        Store::Postgres(pool) => sqlx::query_scalar(SQL).bind(id).fetch_optional(pool).await,
    }
    .unwrap()
}

/// Two instances take turns with one limit of 25 an hour (blocks of 2): together they let
/// exactly 25 through, then both refuse; a raised limit takes effect on the instance that
/// made the change at once (the other hears of it through the change feed,
/// `second_instance.rs`).
async fn two_instances_share_one_rate_limit(db: &crate::TestDb) {
    let (a, b) = (&db.core, &db.second_instance().await);
    let limit = RateLimit {
        requests: 25,
        per: RatePeriod::Hour,
    };
    let admin = first_admin(a).await;
    let (created, now) = rate_limited(a, &admin, limit).await;
    let secret = Some(created.secret.expose());
    let mut total = 0;
    for i in 0..60 {
        let instance = if i % 2 == 0 { a } else { b };
        total += allowed(instance, secret, 1, now).await;
    }
    assert_eq!(total, 25, "exactly the limit, across instances");
    assert_eq!(rate_window_used(a, created.token.id).await, Some(25));
    match b.verifier.authenticate_at(secret, None, now).await {
        Err(Rejection::RateLimited { retry_after, state }) => {
            assert_eq!(retry_after.as_secs(), 1800, "until the window ends");
            assert_eq!(
                (state.limit, state.remaining, state.reset_seconds),
                (25, 0, 1800)
            );
        }
        other => panic!("{other:?}"),
    }

    let raised = TokenPatch {
        restrictions: Some(Restrictions {
            rate_limit: Some(RateLimit {
                requests: 30,
                ..limit
            }),
            ..Restrictions::default()
        }),
        ..TokenPatch::default()
    };
    a.tokens
        .update(&admin, created.token.id, &raised)
        .await
        .unwrap();
    assert_eq!(
        allowed(a, secret, 10, now).await,
        5,
        "the window's 25 still count"
    );
    b.store.close().await;
}

/// Both instances race: 40 requests at once on each for a limit of 25 an hour, and 10 at
/// once on each for "1 an hour". Never more than the limit; the small one exactly.
async fn racing_instances_never_exceed_the_limit(db: &crate::TestDb) {
    let (a, b) = (db.core.clone(), db.second_instance().await);
    // Following changes, as a server does: on Postgres the cache is trusted only then, so
    // the race is between leases, not between token reads queueing for the pool.
    let feeds = [
        tokio::spawn(a.follow_token_changes().await.unwrap()),
        tokio::spawn(b.follow_token_changes().await.unwrap()),
    ];
    let admin = first_admin(&a).await;
    for (requests, each) in [(25, 40), (1, 10)] {
        let limit = RateLimit {
            requests,
            per: RatePeriod::Hour,
        };
        let (created, now) = rate_limited(&a, &admin, limit).await;
        // Each instance caches the token first (in the window before, so the race's window
        // is untouched).
        let before = now - chrono::Duration::hours(1);
        for instance in [&a, &b] {
            allowed(instance, Some(created.secret.expose()), 1, before).await;
        }
        let mut racing = tokio::task::JoinSet::new();
        for instance in [&a, &b] {
            for _ in 0..each {
                let (instance, secret) = (instance.clone(), created.secret.expose().to_owned());
                racing.spawn(async move { allowed(&instance, Some(&secret), 1, now).await });
            }
        }
        let total: usize = racing.join_all().await.into_iter().sum();
        if requests == 1 {
            assert_eq!(total, 1, "\"1 an hour\" is exact across instances");
        } else {
            assert!(total <= 25, "{total} let through for a limit of 25");
            // At most one unspent block (of 2) per instance is lost.
            assert!(total >= 25 - 2 * 2, "only {total} of 25 let through");
        }
    }
    for feed in feeds {
        feed.abort();
        let _ = feed.await;
    }
    b.store.close().await;
}

/// A busy token leases ever larger blocks: 1000 requests under a limit of 100 000 an hour
/// change the stored window a handful of times, not once per request.
async fn a_busy_token_does_not_write_per_request(db: &crate::TestDb) {
    let core = &db.core;
    let limit = RateLimit {
        requests: 100_000,
        per: RatePeriod::Hour,
    };
    let admin = first_admin(core).await;
    let (created, now) = rate_limited(core, &admin, limit).await;
    let secret = Some(created.secret.expose());
    let (mut leases, mut last) = (0, None);
    for _ in 0..1000 {
        core.verifier
            .authenticate_at(secret, None, now)
            .await
            .unwrap();
        let used = rate_window_used(core, created.token.id).await;
        if used != last {
            (leases, last) = (leases + 1, used);
        }
    }
    let used = last.unwrap();
    // The first block is 100 (a tenth, at most 100); more than 10 leases would mean blocks
    // that never grew.
    assert!(leases <= 10, "{leases} leases for 1000 requests");
    assert!(used >= 1000, "{used} leased for 1000 requests");
    println!("1000 requests: {leases} leases, {used} leased");
}

/// A new window gives a fresh allowance, on both instances, without anyone resetting it.
async fn a_new_window_gives_a_fresh_allowance(db: &crate::TestDb) {
    let (a, b) = (&db.core, &db.second_instance().await);
    let limit = RateLimit {
        requests: 3,
        per: RatePeriod::Minute,
    };
    let admin = first_admin(a).await;
    let (created, now) = rate_limited(a, &admin, limit).await;
    let secret = Some(created.secret.expose());
    let next = now + chrono::Duration::minutes(1);
    assert_eq!(allowed(a, secret, 2, now).await, 2);
    assert_eq!(allowed(b, secret, 5, now).await, 1);
    assert_eq!(
        allowed(a, secret, 5, now).await,
        0,
        "used up in this window"
    );
    assert_eq!(allowed(b, secret, 2, next).await, 2, "a fresh window");
    assert_eq!(allowed(a, secret, 5, next).await, 1);
    assert_eq!(allowed(b, secret, 5, next).await, 0);
    b.store.close().await;
}

/// The worst case the other way: an instance that stops loses the rest of its block, so
/// the others refuse the token at most one block early, and never let more through.
async fn a_stopped_instance_loses_at_most_its_block(db: &crate::TestDb) {
    let a = &db.core;
    let admin = first_admin(a).await;
    let quota = Quota {
        requests: 30,
        refill: None,
    };
    let block = tollgate::tokens::quota::first_block(quota);
    let created = restricted(
        a,
        &admin,
        Restrictions {
            quota: Some(quota),
            ..Restrictions::default()
        },
    )
    .await;
    let secret = Some(created.secret.expose());
    let stopping = db.second_instance().await;
    stopping
        .verifier
        .verify(secret, None, &find())
        .await
        .unwrap();
    stopping.store.close().await;
    drop(stopping);
    let mut allowed = 1;
    for _ in 0..40 {
        if a.verifier.verify(secret, None, &find()).await.is_ok() {
            allowed += 1;
        }
    }
    assert_eq!(
        allowed,
        quota.requests - block + 1,
        "refused {} early",
        block - 1
    );
}

store_tests!(
    instances: two_instances_share_one_quota,
    two_instances_share_one_rate_limit,
    racing_instances_never_exceed_the_limit,
    a_busy_token_does_not_write_per_request,
    a_new_window_gives_a_fresh_allowance,
    a_stopped_instance_loses_at_most_its_block,
);
