//! Usage: counted in memory, flushed in batches; an expired token counts as a refusal.
//! Each function runs on both backends through `store_tests!`.

use super::*;

async fn usage_is_flushed_in_batches(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(&admin, &token_request("used", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    assert_eq!(created.token.last_used_at, None);
    let secret = Some(created.secret.expose());
    let client = Some("203.0.113.7".parse().unwrap());
    let find = Permission::new("articles", Action::Find);
    let create = Permission::new("articles", Action::Create);
    for _ in 0..3 {
        core.verifier.verify(secret, client, &find).await.unwrap();
    }
    core.verifier
        .verify(secret, client, &create)
        .await
        .unwrap_err();
    assert_eq!(
        listed(core, &admin).await[0].last_used_at,
        None,
        "nothing is written per request"
    );

    assert_eq!(core.usage.flush(&core.store).await.unwrap(), 1);

    let listed = &listed(core, &admin).await[0];
    let last_used = listed.last_used_at.expect("flushed");
    assert!((Utc::now() - last_used).num_seconds() < 60);
    assert_eq!(listed.last_used_ip.as_deref(), Some("203.0.113.7"));
    let days = core.tokens.usage(created.token.id, 30).await.unwrap();
    assert_eq!(days.len(), 30, "every day of the window, zeros included");
    assert_eq!(days.last().unwrap().day, Utc::now().date_naive());
    assert_eq!(
        days.last().unwrap().counts,
        UsageCounts {
            requests: 4,
            unauthorized: 0,
            forbidden: 1,
            limited: 0,
        }
    );
    assert!(
        days[..29]
            .iter()
            .all(|d| d.counts == UsageCounts::default())
    );

    // A second batch adds to the day instead of overwriting it.
    core.verifier.verify(secret, None, &find).await.unwrap();
    core.usage.flush(&core.store).await.unwrap();
    let days = core.tokens.usage(created.token.id, 1).await.unwrap();
    assert_eq!(days[0].counts.requests, 5);
    assert_eq!(core.usage.flush(&core.store).await.unwrap(), 0);
}

async fn an_expired_token_counts_as_a_refusal_not_a_use(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(&admin, &token_request("old", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    let after_expiry = created.token.expires_at.unwrap() + Duration::seconds(1);
    core.verifier
        .authenticate_at(Some(created.secret.expose()), None, after_expiry)
        .await
        .unwrap_err();
    core.usage.flush(&core.store).await.unwrap();
    assert_eq!(listed(core, &admin).await[0].last_used_at, None);
    let counts = core
        .store
        .token_usage(created.token.id, after_expiry.date_naive())
        .await
        .unwrap();
    assert_eq!(counts[0].counts.unauthorized, 1);
}

store_tests!(
    usage_is_flushed_in_batches,
    an_expired_token_counts_as_a_refusal_not_a_use,
);
