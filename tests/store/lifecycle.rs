//! The token lifecycle jobs, with the clock moved by hand: expiry warnings (once per token
//! and threshold, again after a renew, once across instances), renewing, and the
//! inactivity rule (each revoked token audited by Tollgate itself, one summary).

use tollgate::model::{AuditAction, AuditQuery, TOLLGATE_ITSELF, TokenView};
use tollgate::policy::PolicyRequest;
use tollgate::tokens::lifecycle::{INACTIVITY_EVERY, INACTIVITY_LEASE};

use super::*;

store_tests!(
    each_threshold_warns_once_and_a_renewed_token_is_warned_again,
    a_warning_names_the_token_and_queues_its_webhook_event,
    revoked_and_short_lived_tokens_are_not_warned,
    a_renew_extends_by_the_original_duration_within_the_policy,
    what_cannot_be_renewed_is_refused_and_unchanged,
    the_inactivity_rule_revokes_each_unused_token_audited_with_one_summary,
    the_inactivity_job_runs_once_per_lease,
    the_preview_names_the_tokens_the_rule_would_revoke,
);
store_tests!(
    instances: two_instances_send_each_warning_once,
    two_instances_revoke_unused_tokens_once_with_one_summary,
);

/// A read-only token of 30 days, made now.
async fn month(core: &Tollgate, admin: &Actor, name: &str) -> TokenView {
    core.tokens
        .create(admin, &token_request(name, TokenType::ReadOnly, vec![]))
        .await
        .unwrap()
        .token
}

async fn bell(core: &Tollgate, admin: &Actor) -> Vec<String> {
    core.notifications
        .inbox(admin)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|n| n.message)
        .collect()
}

fn expiring_messages(messages: &[String]) -> Vec<&String> {
    messages
        .iter()
        .filter(|m| m.contains(" expires in "))
        .collect()
}

/// `days` before `token` expires, less a minute.
fn before_expiry(token: &TokenView, days: i64) -> chrono::DateTime<Utc> {
    token.expires_at.unwrap() - Duration::days(days) + Duration::minutes(1)
}

async fn each_threshold_warns_once_and_a_renewed_token_is_warned_again(core: &Tollgate) {
    let admin = first_admin(core).await;
    let token = month(core, &admin, "deploy").await;

    let early = token.expires_at.unwrap() - Duration::days(8);
    assert_eq!(core.tokens.warn_expiring(early).await.unwrap(), 0);
    let week = before_expiry(&token, 7);
    assert_eq!(core.tokens.warn_expiring(week).await.unwrap(), 1);
    assert_eq!(
        core.tokens.warn_expiring(week).await.unwrap(),
        0,
        "sent once"
    );
    let later = week + Duration::days(2);
    assert_eq!(core.tokens.warn_expiring(later).await.unwrap(), 0);
    let day = before_expiry(&token, 1);
    assert_eq!(core.tokens.warn_expiring(day).await.unwrap(), 1);
    assert_eq!(core.tokens.warn_expiring(day).await.unwrap(), 0);
    let told = bell(core, &admin).await;
    assert_eq!(expiring_messages(&told).len(), 2, "{told:?}");

    // Renewed (now, by its 30 days): a new expiry, warned about again.
    let renewed = core.tokens.renew(&admin, token.id).await.unwrap();
    assert!(renewed.expires_at > token.expires_at);
    let week = before_expiry(&renewed, 7);
    assert_eq!(core.tokens.warn_expiring(week).await.unwrap(), 1);
    assert_eq!(core.tokens.warn_expiring(week).await.unwrap(), 0);
}

async fn a_warning_names_the_token_and_queues_its_webhook_event(core: &Tollgate) {
    let admin = first_admin(core).await;
    let hook = tollgate::model::WebhookRequest {
        url: "https://hooks.example.com/tollgate".into(),
        description: String::new(),
        events: vec!["token.expiring".into()],
        enabled: true,
    };
    let endpoint = core
        .webhooks
        .create(&admin, &hook)
        .await
        .unwrap()
        .webhook
        .id;
    let token = month(core, &admin, "nightly export").await;
    core.tokens
        .warn_expiring(before_expiry(&token, 7))
        .await
        .unwrap();

    let told = bell(core, &admin).await;
    let warning = expiring_messages(&told)[0];
    assert!(warning.contains("“nightly export”"), "{warning}");
    assert!(warning.contains(&token.hint), "the masked value: {warning}");
    assert!(warning.contains("expires in 7 days"), "{warning}");
    let inbox = core.notifications.inbox(&admin).await.unwrap();
    let link = inbox.items[0].link.clone().unwrap();
    assert_eq!(link, tollgate::panel_paths::token(token.id));

    let deliveries = core.webhooks.deliveries(&admin, endpoint).await.unwrap();
    let expiring: Vec<_> = deliveries
        .iter()
        .filter(|d| d.event == "token.expiring")
        .collect();
    assert_eq!(expiring.len(), 1, "one event, queued with the bell entry");
}

async fn revoked_and_short_lived_tokens_are_not_warned(core: &Tollgate) {
    let admin = first_admin(core).await;
    let revoked = month(core, &admin, "gone").await;
    core.tokens.revoke(&admin, revoked.id).await.unwrap();
    assert_eq!(
        core.tokens
            .warn_expiring(before_expiry(&revoked, 7))
            .await
            .unwrap(),
        0
    );
    // A 3-day token: no "7 days left" the moment it is made, but the 1-day warning.
    let three_days = NewTokenRequest {
        lifetime: Some(TokenLifetime::Until(Utc::now() + Duration::days(3))),
        ..token_request("short", TokenType::ReadOnly, vec![])
    };
    let short = core.tokens.create(&admin, &three_days).await.unwrap().token;
    assert_eq!(core.tokens.warn_expiring(Utc::now()).await.unwrap(), 0);
    assert_eq!(
        core.tokens
            .warn_expiring(before_expiry(&short, 1))
            .await
            .unwrap(),
        1
    );
    // Without thresholds, nothing is ever sent.
    let quiet = PolicyRequest {
        expiry_warning_days: vec![],
        default_duration_days: Some(30),
        ..PolicyRequest::default()
    };
    core.policy.save(&admin, &quiet).await.unwrap();
    let other = month(core, &admin, "other").await;
    assert_eq!(
        core.tokens
            .warn_expiring(before_expiry(&other, 1))
            .await
            .unwrap(),
        0
    );
}

async fn a_renew_extends_by_the_original_duration_within_the_policy(core: &Tollgate) {
    let admin = first_admin(core).await;
    let token = month(core, &admin, "deploy").await;
    let before = Utc::now();
    let renewed = core.tokens.renew(&admin, token.id).await.unwrap();
    let expires = renewed.expires_at.unwrap();
    assert!(expires >= before + Duration::days(30) && expires <= Utc::now() + Duration::days(30));
    assert_eq!(renewed.hint, token.hint, "the same value");
    assert_eq!(
        renewed.renewal(),
        Some(expires - renewed.expiry_set_at.unwrap())
    );
    let query = AuditQuery {
        action: Some(AuditAction::TokenRenew),
        ..Default::default()
    };
    let audited = core.audit.page(&admin, &query).await.unwrap().entries;
    assert_eq!(audited.len(), 1);
    assert!(
        audited[0].detail.contains("renewed for 30 days"),
        "{}",
        audited[0].detail
    );

    // A stricter policy since: a renew gives at most its maximum.
    let quarter = NewTokenRequest {
        lifetime: Some(TokenLifetime::Days90),
        ..token_request("quarter", TokenType::ReadOnly, vec![])
    };
    let quarter = core.tokens.create(&admin, &quarter).await.unwrap().token;
    age(core, &quarter, Duration::days(80)).await;
    let strict = PolicyRequest {
        max_lifetime_days: Some(30),
        default_duration_days: Some(30),
        expiry_warning_days: vec![7, 1],
        ..PolicyRequest::default()
    };
    core.policy.save(&admin, &strict).await.unwrap();
    let capped = core.tokens.renew(&admin, quarter.id).await.unwrap();
    let given = capped.expires_at.unwrap() - Utc::now();
    assert!(
        given <= Duration::days(30) && given > Duration::days(29),
        "{given}"
    );
}

/// Moves `token`'s dates `by` into the past, as if that much time had gone by.
async fn age(core: &Tollgate, token: &TokenView, by: Duration) {
    let sql = "UPDATE api_tokens SET created_at = $1, expiry_set_at = $2, expires_at = $3 \
               WHERE id = $4";
    let created = token.created_at - by;
    let set = token.expiry_set_at.map(|at| at - by);
    let expires = token.expires_at.map(|at| at - by);
    execute!(
        core,
        sqlx::query(sql)
            .bind(created)
            .bind(set)
            .bind(expires)
            .bind(token.id)
    );
}

async fn what_cannot_be_renewed_is_refused_and_unchanged(core: &Tollgate) {
    let admin = first_admin(core).await;
    let forever = NewTokenRequest {
        lifetime: Some(TokenLifetime::Unlimited),
        ..token_request("forever", TokenType::ReadOnly, vec![])
    };
    let forever = core.tokens.create(&admin, &forever).await.unwrap().token;
    match core.tokens.renew(&admin, forever.id).await {
        Err(ServiceError::Conflict(errors)) => {
            assert_eq!(errors[0].field, "expires_at");
            assert!(errors[0].message.contains("never expires"));
        }
        other => panic!("{other:?}"),
    }
    let revoked = month(core, &admin, "revoked").await;
    core.tokens.revoke(&admin, revoked.id).await.unwrap();
    assert!(matches!(
        core.tokens.renew(&admin, revoked.id).await,
        Err(ServiceError::AlreadyRevoked(_))
    ));
    // A Viewer may read it but not renew it.
    let token = month(core, &admin, "kept").await;
    let viewer = super::access::add_and_sign_in(core, &admin, "Vera", "Viewer").await;
    let viewer = Actor::trusted(viewer.admin);
    assert!(matches!(
        core.tokens.renew(&viewer, token.id).await,
        Err(ServiceError::Forbidden(_))
    ));
    let unchanged = core.tokens.get(&admin, token.id).await.unwrap();
    assert_eq!(unchanged.expires_at, token.expires_at);
}

async fn the_inactivity_rule_revokes_each_unused_token_audited_with_one_summary(core: &Tollgate) {
    let admin = first_admin(core).await;
    let idle = month(core, &admin, "idle").await;
    let also_idle = month(core, &admin, "also idle").await;
    let busy = month(core, &admin, "busy").await;
    let now = Utc::now() + Duration::days(20);
    // Without the rule, nothing happens.
    assert_eq!(
        core.tokens.revoke_unused(now).await.unwrap(),
        Vec::<String>::new()
    );

    let rule = PolicyRequest {
        revoke_unused_after_days: Some(14),
        default_duration_days: Some(30),
        expiry_warning_days: vec![7, 1],
        ..PolicyRequest::default()
    };
    core.policy.save(&admin, &rule).await.unwrap();
    super::inventory::backdate(
        core,
        busy.id,
        busy.created_at,
        Some(now - Duration::days(1)),
    )
    .await;
    let mut revoked = core.tokens.revoke_unused(now).await.unwrap();
    revoked.sort();
    assert_eq!(revoked, ["also idle", "idle"]);

    for id in [idle.id, also_idle.id] {
        let token = core.tokens.get(&admin, id).await.unwrap();
        assert!(token.revoked_unused && token.revoked_at.is_some());
        assert_eq!(token.revoked_by, None);
        assert_eq!(
            token.revocation_label().unwrap(),
            format!("by {TOLLGATE_ITSELF}: unused")
        );
    }
    assert!(
        core.tokens
            .get(&admin, busy.id)
            .await
            .unwrap()
            .revoked_at
            .is_none()
    );
    let query = AuditQuery {
        action: Some(AuditAction::TokenRevoke),
        ..Default::default()
    };
    let audited = core.audit.page(&admin, &query).await.unwrap().entries;
    assert_eq!(audited.len(), 2);
    for entry in &audited {
        assert_eq!(entry.actor_name, TOLLGATE_ITSELF);
        assert_eq!(entry.detail, "unused for 14 days");
    }
    let told = bell(core, &admin).await;
    let summaries: Vec<_> = told
        .iter()
        .filter(|m| m.contains("unused for 14 days"))
        .collect();
    assert_eq!(
        summaries.len(),
        1,
        "one summary, not one per token: {told:?}"
    );
    assert!(summaries[0].contains("2 API tokens") && summaries[0].contains("“idle”"));

    // Run again: nothing left to revoke, nothing more said.
    assert!(core.tokens.revoke_unused(now).await.unwrap().is_empty());
    assert_eq!(bell(core, &admin).await.len(), told.len());
}

async fn the_inactivity_job_runs_once_per_lease(core: &Tollgate) {
    let now = Utc::now();
    let lease = |at| {
        core.store
            .take_job_lease(INACTIVITY_LEASE, at, INACTIVITY_EVERY)
    };
    assert!(lease(now).await.unwrap());
    assert!(!lease(now).await.unwrap());
    assert!(
        !lease(now + INACTIVITY_EVERY - Duration::seconds(1))
            .await
            .unwrap()
    );
    assert!(lease(now + INACTIVITY_EVERY).await.unwrap());
    // A round while another instance holds it revokes nothing.
    let round = core.tokens.run_lifecycle_jobs(now + INACTIVITY_EVERY).await;
    assert_eq!(round.revoked_unused, None);
}

async fn two_instances_send_each_warning_once(db: &TestDb) {
    let other = db.second_instance().await;
    let admin = first_admin(&db.core).await;
    let mut tokens = Vec::new();
    for n in 0..8 {
        tokens.push(month(&db.core, &admin, &format!("token {n}")).await);
    }
    let at = before_expiry(&tokens[0], 7) + Duration::minutes(5);
    let (one, two) = tokio::join!(
        db.core.tokens.warn_expiring(at),
        other.tokens.warn_expiring(at)
    );
    assert_eq!(
        one.unwrap() + two.unwrap(),
        8,
        "each token warned once in all"
    );
    let told = bell(&db.core, &admin).await;
    assert_eq!(expiring_messages(&told).len(), 8, "{told:?}");
    other.store.close().await;
}

async fn two_instances_revoke_unused_tokens_once_with_one_summary(db: &TestDb) {
    let other = db.second_instance().await;
    let admin = first_admin(&db.core).await;
    let rule = PolicyRequest {
        revoke_unused_after_days: Some(30),
        default_duration_days: Some(90),
        expiry_warning_days: vec![7, 1],
        ..PolicyRequest::default()
    };
    db.core.policy.save(&admin, &rule).await.unwrap();
    for n in 0..6 {
        let request = NewTokenRequest {
            lifetime: Some(TokenLifetime::Days90),
            ..token_request(&format!("idle {n}"), TokenType::ReadOnly, vec![])
        };
        db.core.tokens.create(&admin, &request).await.unwrap();
    }
    let at = Utc::now() + Duration::days(31);
    let (one, two) = tokio::join!(
        db.core.tokens.run_lifecycle_jobs(at),
        other.tokens.run_lifecycle_jobs(at)
    );
    let rounds = [one.revoked_unused, two.revoked_unused];
    let ran: Vec<&Vec<String>> = rounds.iter().flatten().collect();
    assert_eq!(ran.len(), 1, "one instance took the lease: {rounds:?}");
    assert_eq!(ran[0].len(), 6);
    let told = bell(&db.core, &admin).await;
    let summaries = told
        .iter()
        .filter(|m| m.contains("unused for 30 days"))
        .count();
    assert_eq!(summaries, 1, "{told:?}");
    other.store.close().await;
}

async fn the_preview_names_the_tokens_the_rule_would_revoke(core: &Tollgate) {
    let admin = first_admin(core).await;
    let old = month(core, &admin, "old").await;
    let older = month(core, &admin, "older").await;
    month(core, &admin, "new").await;
    age(core, &old, Duration::days(20)).await;
    age(core, &older, Duration::days(25)).await;
    let rule = PolicyRequest {
        revoke_unused_after_days: Some(14),
        default_duration_days: Some(30),
        expiry_warning_days: vec![7, 1],
        ..PolicyRequest::default()
    };
    let preview = core.policy.preview(&admin, &rule).await.unwrap();
    assert_eq!(preview.unused_to_revoke, 2);
    assert_eq!(
        preview.unused_names,
        ["older", "old"],
        "longest unused first"
    );
}
