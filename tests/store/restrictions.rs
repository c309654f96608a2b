//! A token's restrictions, enforced by the verifier on both backends: networks, rate
//! limit, quota (leased in blocks, shared by instances), suspend, not-before, a
//! regenerate's grace period, metadata, and the per-permission counts behind the
//! least-privilege hint.

use tollgate::model::{
    Grace, Metadata, Quota, RateLimit, RatePeriod, Restrictions, TokenPatch, TokenStatus,
};

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
        per: RatePeriod::Minute,
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
                (2, 60, 0)
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

/// A rate limit is counted by each instance alone: with two, a token makes up to twice
/// its limit per window (the README says so).
async fn each_instance_counts_a_rate_limit_alone(db: &crate::TestDb) {
    let (a, b) = (&db.core, &db.second_instance().await);
    let admin = first_admin(a).await;
    let limit = RateLimit {
        requests: 3,
        per: RatePeriod::Hour,
    };
    let created = restricted(
        a,
        &admin,
        Restrictions {
            rate_limit: Some(limit),
            ..Restrictions::default()
        },
    )
    .await;
    let secret = Some(created.secret.expose());
    for instance in [a, b] {
        for _ in 0..3 {
            instance
                .verifier
                .verify(secret, None, &find())
                .await
                .unwrap();
        }
        assert!(matches!(
            instance.verifier.verify(secret, None, &find()).await,
            Err(Rejection::RateLimited { .. })
        ));
    }
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
    each_instance_counts_a_rate_limit_alone,
    a_stopped_instance_loses_at_most_its_block,
);
