//! Webhooks in the store: endpoints audited, the outbox written in the transaction of the
//! change (or not at all), deliveries claimed once across instances and in order per token.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use tollgate::ServiceError;
use tollgate::Tollgate;
use tollgate::admins::actor::Actor;
use tollgate::model::{
    AuditAction, AuditQuery, DeliveryState, TokenPatch, TokenType, WebhookCreated, WebhookPatch,
    WebhookRequest,
};
use tollgate::store::{AttemptRecord, Store};

use super::{TestDb, first_admin, token_request};

async fn subscribe(core: &Tollgate, admin: &Actor, events: &[&str]) -> WebhookCreated {
    let request = WebhookRequest {
        url: "http://127.0.0.1:9/hook".into(),
        description: "test receiver".into(),
        events: events.iter().map(|e| e.to_string()).collect(),
        enabled: true,
    };
    core.webhooks.create(admin, &request).await.unwrap()
}

async fn token(core: &Tollgate, admin: &Actor, name: &str) -> i64 {
    core.tokens
        .create(admin, &token_request(name, TokenType::ReadOnly, vec![]))
        .await
        .unwrap()
        .token
        .id
}

/// Events queued for `endpoint`, oldest first.
async fn queued(core: &Tollgate, admin: &Actor, endpoint: i64) -> Vec<String> {
    let mut deliveries = core.webhooks.deliveries(admin, endpoint).await.unwrap();
    deliveries.reverse();
    deliveries.into_iter().map(|d| d.event).collect()
}

pub async fn endpoints_are_audited_and_the_secret_is_shown_once(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = subscribe(core, &admin, &["token.revoked", "token.created"]).await;
    assert!(created.secret.starts_with("whsec_"));
    let listed = core.webhooks.list(&admin).await.unwrap();
    assert_eq!(listed, vec![created.webhook.clone()]);
    // Nothing that lists or shows an endpoint carries the secret.
    let shown = serde_json::to_string(&listed).unwrap();
    assert!(!shown.contains(&created.secret));

    let id = created.webhook.id;
    let patch = WebhookPatch {
        enabled: Some(false),
        ..Default::default()
    };
    let edited = core.webhooks.update(&admin, id, &patch).await.unwrap();
    assert!(!edited.enabled);
    assert_eq!(
        edited.events, created.webhook.events,
        "untouched fields stay"
    );
    let rotated = core.webhooks.rotate_secret(&admin, id).await.unwrap();
    assert_ne!(rotated.secret, created.secret);
    core.webhooks.delete(&admin, id).await.unwrap();
    assert!(matches!(
        core.webhooks.get(&admin, id).await,
        Err(ServiceError::NotFound(_))
    ));

    let (log, _) = core
        .store
        .audit_events(&AuditQuery::default(), 50)
        .await
        .unwrap();
    let actions: Vec<AuditAction> = log.iter().map(|e| e.action).collect();
    for action in [
        AuditAction::WebhookCreate,
        AuditAction::WebhookUpdate,
        AuditAction::WebhookRotateSecret,
        AuditAction::WebhookDelete,
    ] {
        assert!(actions.contains(&action), "{action:?} audited");
    }
    assert!(
        log.iter().all(|e| !e.detail.contains("whsec_")),
        "no secret in the log"
    );
}

pub async fn only_webhooks_manage_may_see_or_change_endpoints(core: &Tollgate) {
    let admin = first_admin(core).await;
    let mut editor = admin.clone();
    editor.admin.permissions = tollgate::admins::access::BuiltInRole::Editor.permissions();
    let refused = core.webhooks.list(&editor).await.unwrap_err();
    assert!(matches!(refused, ServiceError::Forbidden(m) if m.contains("managing webhooks")));
    let request = WebhookRequest {
        url: "https://hooks.example.com/".into(),
        description: String::new(),
        events: vec!["token.created".into()],
        enabled: true,
    };
    assert!(matches!(
        core.webhooks.create(&editor, &request).await,
        Err(ServiceError::Forbidden(_))
    ));
}

pub async fn a_refused_url_is_a_field_error(core: &Tollgate) {
    let admin = first_admin(core).await;
    let request = WebhookRequest {
        url: "http://169.254.169.254/latest/meta-data/".into(),
        description: String::new(),
        events: vec!["token.created".into()],
        enabled: true,
    };
    let Err(ServiceError::Invalid(errors)) = core.webhooks.create(&admin, &request).await else {
        panic!("refused");
    };
    assert_eq!(errors[0].field, "url");
    assert!(errors[0].message.contains("link-local"));
    assert!(core.webhooks.list(&admin).await.unwrap().is_empty());
}

pub async fn every_token_change_queues_its_event_for_subscribers_only(core: &Tollgate) {
    let admin = first_admin(core).await;
    let all = subscribe(
        core,
        &admin,
        &[
            "token.created",
            "token.updated",
            "token.suspended",
            "token.resumed",
            "token.regenerated",
            "token.revoked",
        ],
    )
    .await
    .webhook
    .id;
    let revocations = subscribe(core, &admin, &["token.revoked"]).await.webhook.id;
    let id = token(core, &admin, "ci").await;
    let patch = TokenPatch {
        name: Some("ci deploy".into()),
        ..Default::default()
    };
    core.tokens.update(&admin, id, &patch).await.unwrap();
    core.tokens.suspend(&admin, id, "").await.unwrap();
    core.tokens.resume(&admin, id).await.unwrap();
    core.tokens
        .regenerate(&admin, id, Default::default())
        .await
        .unwrap();
    core.tokens.revoke(&admin, id).await.unwrap();

    assert_eq!(
        queued(core, &admin, all).await,
        [
            "token.created",
            "token.updated",
            "token.suspended",
            "token.resumed",
            "token.regenerated",
            "token.revoked"
        ]
    );
    assert_eq!(queued(core, &admin, revocations).await, ["token.revoked"]);
}

/// Makes every `token.revoke` audit row fail, as a crash between the change and its
/// commit would: the change's transaction rolls back.
async fn refuse_revoke_audits(store: &Store) {
    match store {
        Store::Sqlite(pool) => {
            sqlx::raw_sql(
                "CREATE TRIGGER refuse_revoke BEFORE INSERT ON audit_events \
                 WHEN NEW.action = 'token.revoke' BEGIN SELECT RAISE(ABORT, 'refused'); END;",
            )
            .execute(pool)
            .await
            .unwrap();
        }
        Store::Postgres(pool) => {
            sqlx::raw_sql(
                "CREATE FUNCTION refuse_revoke() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'refused'; END $$; \
                 CREATE TRIGGER refuse_revoke BEFORE INSERT ON audit_events FOR EACH ROW \
                 WHEN (NEW.action = 'token.revoke') EXECUTE FUNCTION refuse_revoke();",
            )
            .execute(pool)
            .await
            .unwrap();
        }
    }
}

pub async fn a_change_that_rolls_back_leaves_no_outbox_row(core: &Tollgate) {
    let admin = first_admin(core).await;
    let endpoint = subscribe(core, &admin, &["token.revoked"]).await.webhook.id;
    let id = token(core, &admin, "ci").await;
    refuse_revoke_audits(&core.store).await;

    assert!(core.tokens.revoke(&admin, id).await.is_err());

    let token = core.tokens.get(&admin, id).await.unwrap();
    assert!(token.revoked_at.is_none(), "the revoke rolled back");
    // The delivery was queued in that transaction before the audit row failed: gone too.
    assert!(queued(core, &admin, endpoint).await.is_empty());
}

pub async fn one_tokens_events_are_claimed_in_order(core: &Tollgate) {
    let admin = first_admin(core).await;
    let endpoint = subscribe(core, &admin, &["token.created", "token.revoked"])
        .await
        .webhook
        .id;
    let first = token(core, &admin, "first").await;
    core.tokens.revoke(&admin, first).await.unwrap();
    let second = token(core, &admin, "second").await;
    let now = Utc::now() + Duration::seconds(1);
    let lease = now + Duration::seconds(60);

    // One per token at a time: "first" created (not its revoke, which waits), "second" created.
    let claimed = core
        .store
        .claim_webhook_deliveries(now, lease, 10)
        .await
        .unwrap();
    let events: Vec<&str> = claimed.iter().map(|d| d.event.as_str()).collect();
    assert_eq!(events, ["token.created", "token.created"]);
    assert!(
        core.store
            .claim_webhook_deliveries(now, lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "leased ones are not claimed again, and the revoke waits for the create"
    );

    let delivered = AttemptRecord {
        at: now,
        status_code: Some(204),
        response_excerpt: Some(""),
        error: None,
        state: DeliveryState::Delivered,
        next_attempt_at: None,
    };
    core.store
        .record_webhook_attempt(claimed[0].id, &delivered)
        .await
        .unwrap();
    let next = core
        .store
        .claim_webhook_deliveries(now, lease, 10)
        .await
        .unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].event, "token.revoked");
    assert_eq!(next[0].endpoint_id, endpoint);
    let _ = second;
}

pub async fn a_lease_that_ran_out_is_claimed_again(core: &Tollgate) {
    let admin = first_admin(core).await;
    subscribe(core, &admin, &["token.created"]).await;
    token(core, &admin, "ci").await;
    let now = Utc::now() + Duration::seconds(1);
    let claimed = core
        .store
        .claim_webhook_deliveries(now, now + Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(claimed[0].attempts, 1);
    // The worker that held it died: after the lease, another takes it, a second attempt.
    let later = now + Duration::seconds(61);
    let again = core
        .store
        .claim_webhook_deliveries(later, later + Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
}

pub async fn two_instances_never_claim_the_same_delivery(db: &TestDb) {
    let core = &db.core;
    let other = db.second_instance().await;
    let admin = first_admin(core).await;
    subscribe(core, &admin, &["token.created"]).await;
    for n in 0..20 {
        token(core, &admin, &format!("token {n}")).await;
    }
    let now = Utc::now() + Duration::seconds(1);
    let lease = now + Duration::seconds(60);
    let mut seen = BTreeSet::new();
    let mut total = 0;
    // Small batches racing each other, until both find nothing left.
    loop {
        let (one, two) = tokio::join!(
            core.store.claim_webhook_deliveries(now, lease, 3),
            other.store.claim_webhook_deliveries(now, lease, 3)
        );
        let (one, two) = (one.unwrap(), two.unwrap());
        if one.is_empty() && two.is_empty() {
            break;
        }
        for delivery in one.iter().chain(&two) {
            total += 1;
            assert!(
                seen.insert(delivery.id),
                "delivery {} claimed twice",
                delivery.id
            );
        }
    }
    assert_eq!(total, 20);
    other.store.close().await;
}

store_tests!(
    endpoints_are_audited_and_the_secret_is_shown_once,
    only_webhooks_manage_may_see_or_change_endpoints,
    a_refused_url_is_a_field_error,
    every_token_change_queues_its_event_for_subscribers_only,
    a_change_that_rolls_back_leaves_no_outbox_row,
    one_tokens_events_are_claimed_in_order,
    a_lease_that_ran_out_is_claimed_again,
);
store_tests!(instances: two_instances_never_claim_the_same_delivery);
