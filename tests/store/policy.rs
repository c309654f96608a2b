//! The token policy: stored once for every instance, enforced on create, edit and
//! regenerate, previewed before it is saved, and "bring into policy" audited per token.

use chrono::{Duration, Utc};
use tollgate::admins::actor::Actor;
use tollgate::model::{AuditAction, AuditQuery, Grace, TokenLifetime, TokenPatch, TokenType};
use tollgate::policy::{PolicyRequest, TokenPolicy};
use tollgate::{ServiceError, Tollgate};

use super::access::{add_and_sign_in, forbidden_message};
use super::{TestDb, first_admin, token_request};

fn at_most(days: i64) -> PolicyRequest {
    PolicyRequest {
        max_lifetime_days: Some(days),
        default_duration_days: Some(days.min(30)),
        expiry_warning_days: vec![7, 1],
        ..PolicyRequest::default()
    }
}

/// The field error a refused write answers with, on the lifetime's field.
fn policy_refusal<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    match result {
        Err(ServiceError::Invalid(errors)) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].field, "duration");
            errors[0].message.clone()
        }
        other => panic!("expected a policy refusal, got {other:?}"),
    }
}

async fn create(core: &Tollgate, admin: &Actor, name: &str, lifetime: TokenLifetime) -> i64 {
    let request = tollgate::model::NewTokenRequest {
        lifetime: Some(lifetime),
        ..token_request(name, TokenType::ReadOnly, vec![])
    };
    core.tokens.create(admin, &request).await.unwrap().token.id
}

pub async fn the_policy_round_trips_and_every_change_is_audited(core: &Tollgate) {
    let admin = first_admin(core).await;
    assert_eq!(
        core.policy.get(&admin).await.unwrap(),
        TokenPolicy::default()
    );
    let request = PolicyRequest {
        max_lifetime_days: Some(90),
        default_duration_days: Some(45),
        expiry_warning_days: vec![1, 14],
        require_expiry: false,
        revoke_unused_after_days: Some(60),
    };
    let saved = core.policy.save(&admin, &request).await.unwrap();
    let read = core.policy.get(&admin).await.unwrap();
    assert_eq!(read, saved);
    assert_eq!(read.max_lifetime_days, Some(90));
    assert_eq!(read.default_duration_days, Some(45));
    assert_eq!(read.expiry_warning_days, [14, 1]);
    assert!(read.require_expiry, "a maximum implies an expiry");
    assert_eq!(read.revoke_unused_after_days, Some(60));

    let query = AuditQuery {
        action: Some(AuditAction::PolicyUpdate),
        ..AuditQuery::default()
    };
    let entries = core.audit.page(&admin, &query).await.unwrap().entries;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor_id, Some(admin.id));
    assert_eq!(
        entries[0].detail,
        "maximum lifetime: none → 90 days, every token must expire: no → yes, \
         default duration: 30 days → 45 days, expiry warnings (days before): 7, 1 → 14, 1, \
         revoke unused after: never → 60 days"
    );

    let bad = PolicyRequest {
        default_duration_days: Some(120),
        ..request
    };
    let Err(ServiceError::Invalid(errors)) = core.policy.save(&admin, &bad).await else {
        panic!("a default beyond the maximum is refused");
    };
    assert_eq!(errors[0].field, "default_duration_days");
    assert_eq!(
        core.policy.get(&admin).await.unwrap(),
        saved,
        "nothing saved"
    );
}

pub async fn only_policy_managers_read_preview_and_change_it(core: &Tollgate) {
    let admin = first_admin(core).await;
    let editor = Actor::trusted(add_and_sign_in(core, &admin, "Eddie", "Editor").await.admin);
    let message = forbidden_message(core.policy.get(&editor).await);
    assert!(message.contains("managing the token policy"), "{message}");
    forbidden_message(core.policy.preview(&editor, &at_most(30)).await);
    forbidden_message(core.policy.save(&editor, &at_most(30)).await);
    forbidden_message(core.tokens.bring_into_policy(&editor).await);
    // The forms still learn the rules they are held to.
    core.policy.for_token_forms(&editor).await.unwrap();
}

pub async fn create_edit_and_regenerate_outside_the_policy_are_refused(core: &Tollgate) {
    let admin = first_admin(core).await;
    let legacy = create(core, &admin, "legacy", TokenLifetime::Unlimited).await;
    core.policy.save(&admin, &at_most(30)).await.unwrap();

    let message = policy_refusal(
        core.tokens
            .create(&admin, &token_request_for("ninety", TokenLifetime::Days90))
            .await,
    );
    assert!(
        message.starts_with("Token policy: tokens may live at most 30 days; choose 30 days or fewer, or a date on or before "),
        "{message}"
    );
    policy_refusal(
        core.tokens
            .create(
                &admin,
                &token_request_for("forever", TokenLifetime::Unlimited),
            )
            .await,
    );
    let beyond = TokenLifetime::Until(Utc::now() + Duration::days(31));
    policy_refusal(
        core.tokens
            .create(&admin, &token_request_for("date", beyond))
            .await,
    );
    let inside = create(core, &admin, "inside", TokenLifetime::Days30).await;

    let longer = TokenPatch {
        lifetime: Some(TokenLifetime::Days90),
        ..TokenPatch::default()
    };
    policy_refusal(core.tokens.update(&admin, inside, &longer).await);
    // An edit that leaves the expiry alone is not refused for it: the old token keeps
    // working and can be renamed.
    let rename = TokenPatch {
        name: Some("legacy, renamed".into()),
        ..TokenPatch::default()
    };
    core.tokens.update(&admin, legacy, &rename).await.unwrap();
    // A new value may not outlive the policy either.
    policy_refusal(core.tokens.regenerate(&admin, legacy, Grace::Now).await);
    core.tokens
        .regenerate(&admin, inside, Grace::Now)
        .await
        .unwrap();
}

fn token_request_for(name: &str, lifetime: TokenLifetime) -> tollgate::model::NewTokenRequest {
    tollgate::model::NewTokenRequest {
        lifetime: Some(lifetime),
        ..token_request(name, TokenType::ReadOnly, vec![])
    }
}

pub async fn the_preview_counts_working_tokens_a_candidate_puts_outside(core: &Tollgate) {
    let admin = first_admin(core).await;
    create(core, &admin, "week", TokenLifetime::Days7).await;
    create(core, &admin, "quarter", TokenLifetime::Days90).await;
    let forever = create(core, &admin, "forever", TokenLifetime::Unlimited).await;
    let revoked = create(core, &admin, "revoked", TokenLifetime::Unlimited).await;
    core.tokens.revoke(&admin, revoked).await.unwrap();

    let preview = |request| {
        let (core, admin) = (core, &admin);
        async move { core.policy.preview(admin, &request).await.unwrap() }
    };
    assert_eq!(
        preview(at_most(30)).await.outside_policy,
        2,
        "quarter, forever"
    );
    assert_eq!(preview(at_most(5)).await.outside_policy, 3);
    assert_eq!(preview(at_most(365)).await.outside_policy, 1, "forever");
    let must_expire = PolicyRequest {
        require_expiry: true,
        ..PolicyRequest::from(&TokenPolicy::default())
    };
    assert_eq!(preview(must_expire).await.outside_policy, 1);
    assert_eq!(
        preview(PolicyRequest::from(&TokenPolicy::default()))
            .await
            .outside_policy,
        0
    );
    // Nothing was saved by previewing.
    assert_eq!(
        core.policy.get(&admin).await.unwrap(),
        TokenPolicy::default()
    );

    // Every token here is brand new, so none is unused for a day yet.
    let unused = PolicyRequest {
        revoke_unused_after_days: Some(1),
        ..PolicyRequest::from(&TokenPolicy::default())
    };
    assert_eq!(preview(unused).await.unused_to_revoke, 0);

    // The store function the list's filter will use agrees with the count.
    let policy = TokenPolicy::parse(&at_most(365)).unwrap();
    assert_eq!(
        core.store
            .tokens_outside_policy(&policy, Utc::now())
            .await
            .unwrap(),
        [forever]
    );
    let invalid = core.policy.preview(&admin, &at_most(0)).await.unwrap_err();
    assert!(matches!(invalid, ServiceError::Invalid(e) if e[0].field == "max_lifetime_days"));
}

pub async fn bringing_into_policy_shortens_each_token_audited(core: &Tollgate) {
    let admin = first_admin(core).await;
    let week = create(core, &admin, "week", TokenLifetime::Days7).await;
    let quarter = create(core, &admin, "quarter", TokenLifetime::Days90).await;
    let forever = create(core, &admin, "forever", TokenLifetime::Unlimited).await;
    core.policy.save(&admin, &at_most(30)).await.unwrap();
    let week_before = core.tokens.get(&admin, week).await.unwrap().expires_at;

    let before = Utc::now();
    let brought = core.tokens.bring_into_policy(&admin).await.unwrap();
    assert_eq!(brought.shortened, 2);
    let expiry = brought.expires_at.unwrap();
    assert!(
        expiry >= before + Duration::days(30) - Duration::seconds(1)
            && expiry <= Utc::now() + Duration::days(30)
    );
    for id in [quarter, forever] {
        assert_eq!(
            core.tokens.get(&admin, id).await.unwrap().expires_at,
            Some(expiry)
        );
    }
    assert_eq!(
        core.tokens.get(&admin, week).await.unwrap().expires_at,
        week_before,
        "a token inside the policy is left alone"
    );
    let query = AuditQuery {
        action: Some(AuditAction::TokenUpdate),
        ..AuditQuery::default()
    };
    let entries = core.audit.page(&admin, &query).await.unwrap().entries;
    let mut targets: Vec<i64> = entries
        .iter()
        .map(|e| e.target.as_ref().unwrap().id)
        .collect();
    targets.sort_unstable();
    assert_eq!(targets, [quarter, forever]);
    assert!(
        entries
            .iter()
            .all(|e| e.detail.contains("bring into policy"))
    );
    assert_eq!(
        core.policy
            .preview(&admin, &at_most(30))
            .await
            .unwrap()
            .outside_policy,
        0
    );
    // Again: nothing left to do.
    assert_eq!(
        core.tokens
            .bring_into_policy(&admin)
            .await
            .unwrap()
            .shortened,
        0
    );
}

/// Each write reads the policy, so one saved on one instance holds on the other at once.
pub async fn a_policy_saved_on_one_instance_holds_on_another(db: &TestDb) {
    let other = db.second_instance().await;
    let admin = first_admin(&db.core).await;
    db.core.policy.save(&admin, &at_most(7)).await.unwrap();
    policy_refusal(
        other
            .tokens
            .create(&admin, &token_request_for("month", TokenLifetime::Days30))
            .await,
    );
    other.store.close().await;
}

store_tests!(
    the_policy_round_trips_and_every_change_is_audited,
    only_policy_managers_read_preview_and_change_it,
    create_edit_and_regenerate_outside_the_policy_are_refused,
    the_preview_counts_working_tokens_a_candidate_puts_outside,
    bringing_into_policy_shortens_each_token_audited,
);
store_tests!(instances: a_policy_saved_on_one_instance_holds_on_another);
