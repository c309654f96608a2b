//! Editing, regenerating and revoking tokens: each takes effect on the next verification,
//! and a revoked token keeps its history.

use chrono::{Duration, DurationRound, Utc};
use tollgate::catalog::{Action, Permission};
use tollgate::model::Grace;
use tollgate::model::{TokenLifetime, TokenPatch, TokenStatus, TokenType};
use tollgate::tokens::DUPLICATE_NAME;
use tollgate::tokens::verifier::Rejection;
use tollgate::{ServiceError, Tollgate};

use super::{first_admin, token_request};

fn find() -> Permission {
    Permission::new("articles", Action::Find)
}

fn create() -> Permission {
    Permission::new("articles", Action::Create)
}

pub async fn an_edit_changes_only_the_fields_sent_at_once(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(
            &admin,
            &token_request("ci", TokenType::Custom, vec![find()]),
        )
        .await
        .unwrap();
    let secret = Some(created.secret.expose());
    // Cached by this verification: the edit must reach past the cache.
    core.verifier.verify(secret, None, &find()).await.unwrap();

    let patch = TokenPatch {
        permissions: Some(vec![create()]),
        ..TokenPatch::default()
    };
    let edited = core
        .tokens
        .update(&admin, created.token.id, &patch)
        .await
        .unwrap();

    assert_eq!(edited.permissions, vec![create()]);
    assert_eq!(edited.name, "ci");
    assert_eq!(edited.description, "for tests");
    assert_eq!(edited.expires_at, created.token.expires_at);
    assert_eq!(
        core.verifier
            .verify(secret, None, &find())
            .await
            .unwrap_err(),
        Rejection::Forbidden { needed: find() }
    );
    core.verifier.verify(secret, None, &create()).await.unwrap();

    let patch = TokenPatch {
        name: Some("  deploy  ".into()),
        description: Some(String::new()),
        token_type: Some(TokenType::FullAccess),
        lifetime: Some(TokenLifetime::Unlimited),
        ..TokenPatch::default()
    };
    let edited = core
        .tokens
        .update(&admin, created.token.id, &patch)
        .await
        .unwrap();
    assert_eq!(edited.name, "deploy");
    assert_eq!(edited.description, "");
    assert_eq!(edited.token_type, TokenType::FullAccess);
    assert!(edited.permissions.is_empty(), "typed tokens keep no list");
    assert_eq!(edited.expires_at, None);
    assert_eq!(edited.hint, created.token.hint, "same value");
    let verified = core.verifier.verify(secret, None, &find()).await.unwrap();
    assert_eq!(verified.name, "deploy");
}

pub async fn an_invalid_edit_changes_nothing(core: &Tollgate) {
    let admin = first_admin(core).await;
    let taken = core
        .tokens
        .create(&admin, &token_request("Taken", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    let token = core
        .tokens
        .create(&admin, &token_request("mine", TokenType::ReadOnly, vec![]))
        .await
        .unwrap()
        .token;
    let cases = [
        TokenPatch {
            name: Some(" taken ".into()),
            ..TokenPatch::default()
        },
        TokenPatch {
            token_type: Some(TokenType::Custom),
            ..TokenPatch::default()
        },
        TokenPatch {
            permissions: Some(vec![find()]),
            ..TokenPatch::default()
        },
        TokenPatch {
            name: Some("fine".into()),
            lifetime: Some(TokenLifetime::Until(Utc::now() - Duration::days(1))),
            ..TokenPatch::default()
        },
    ];
    for patch in cases {
        let err = core
            .tokens
            .update(&admin, token.id, &patch)
            .await
            .unwrap_err();
        match err {
            ServiceError::Conflict(e) => assert_eq!(e[0].message, DUPLICATE_NAME),
            ServiceError::Invalid(_) => {}
            other => panic!("{patch:?}: {other:?}"),
        }
    }
    assert_eq!(core.tokens.get(&admin, token.id).await.unwrap(), token);
    assert!(matches!(
        core.tokens
            .update(&admin, 999_999, &TokenPatch::default())
            .await,
        Err(ServiceError::NotFound("token"))
    ));
    // Renaming to its own name in another case is no conflict.
    let patch = TokenPatch {
        name: Some("TAKEN".into()),
        ..TokenPatch::default()
    };
    let renamed = core.tokens.update(&admin, taken.token.id, &patch).await;
    assert_eq!(renamed.unwrap().name, "TAKEN");
}

pub async fn a_custom_expiry_date_must_lie_ahead(core: &Tollgate) {
    let admin = first_admin(core).await;
    let mut request = token_request("dated", TokenType::ReadOnly, vec![]);
    request.lifetime = Some(TokenLifetime::Until(Utc::now() - Duration::minutes(1)));
    let err = core.tokens.create(&admin, &request).await.unwrap_err();
    assert!(
        matches!(&err, ServiceError::Invalid(e) if e[0].field == "duration"),
        "{err:?}"
    );
    let at = (Utc::now() + Duration::days(45))
        .duration_trunc(Duration::seconds(1))
        .unwrap();
    request.lifetime = Some(TokenLifetime::Until(at));
    let created = core.tokens.create(&admin, &request).await.unwrap();
    assert_eq!(created.token.expires_at, Some(at));
    let secret = Some(created.secret.expose());
    assert_eq!(
        core.verifier
            .authenticate_at(secret, None, at)
            .await
            .unwrap_err(),
        Rejection::Expired(at)
    );
}

pub async fn regenerating_refuses_the_old_value_at_once(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(
            &admin,
            &token_request("rotate", TokenType::Custom, vec![find()]),
        )
        .await
        .unwrap();
    let old = Some(created.secret.expose());
    core.verifier.authenticate(old, None).await.unwrap();

    let renewed = core
        .tokens
        .regenerate(&admin, created.token.id, Grace::Now)
        .await
        .unwrap();

    assert_ne!(renewed.secret, created.secret);
    assert_eq!(
        core.verifier.authenticate(old, None).await.unwrap_err(),
        Rejection::Unknown
    );
    let new = Some(renewed.secret.expose());
    let verified = core.verifier.verify(new, None, &find()).await.unwrap();
    assert_eq!(verified.id, created.token.id, "same row");
    let token = renewed.token;
    assert_eq!(
        (
            token.name.as_str(),
            token.permissions.clone(),
            token.expires_at
        ),
        ("rotate", vec![find()], created.token.expires_at),
        "same settings"
    );
    let secret = renewed.secret.expose();
    assert_eq!(token.hint, format!("tg_…{}", &secret[secret.len() - 4..]));
    assert!(matches!(
        core.tokens.regenerate(&admin, 999_999, Grace::Now).await,
        Err(ServiceError::NotFound("token"))
    ));
}

pub async fn a_revoked_token_keeps_who_and_when_and_refuses_changes(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(
            &admin,
            &token_request("leaked", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
    let id = created.token.id;
    let before = Utc::now();
    let revoked = core.tokens.revoke(&admin, id).await.unwrap();
    assert_eq!(revoked.revoked_by.as_deref(), Some("Ada Admin"));
    let at = revoked.revoked_at.unwrap();
    assert!(at >= before - Duration::seconds(1) && at <= Utc::now());
    assert_eq!(revoked.status(Utc::now()), TokenStatus::Revoked);

    for attempt in [
        core.tokens.revoke(&admin, id).await.map(drop),
        core.tokens
            .regenerate(&admin, id, Grace::Now)
            .await
            .map(drop),
        core.tokens
            .update(&admin, id, &TokenPatch::default())
            .await
            .map(drop),
    ] {
        match attempt {
            Err(ServiceError::AlreadyRevoked(when)) => assert_eq!(when, at),
            other => panic!("expected AlreadyRevoked, got {other:?}"),
        }
    }
    assert_eq!(
        core.tokens.get(&admin, id).await.unwrap(),
        revoked,
        "nothing changed"
    );
    assert!(matches!(
        core.tokens.revoke(&admin, 999_999).await,
        Err(ServiceError::NotFound("token"))
    ));
}

pub async fn racing_revokes_revoke_once(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(&admin, &token_request("raced", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    let id = created.token.id;
    let (a, b) = tokio::join!(
        core.tokens.revoke(&admin, id),
        core.tokens.revoke(&admin, id)
    );
    let outcomes = [a.is_ok(), b.is_ok()];
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{outcomes:?}");
    let loser = if a.is_ok() { b } else { a };
    assert!(
        matches!(loser, Err(ServiceError::AlreadyRevoked(_))),
        "{loser:?}"
    );
}

/// Instance B caches a read-only token; instance A regenerates it, then (on a second
/// token) turns it custom without `articles.find`: B must follow both as soon as the
/// database announces them.
#[tokio::test]
async fn postgres_regenerate_and_edit_on_one_instance_reach_another() {
    let db = super::TestDb::postgres().await;
    let a = &db.core;
    let (b, admin, created) =
        super::second_instance::a_token_cached_by_a_second_instance(&db).await;
    let follow = tokio::spawn(b.follow_token_changes().await.unwrap());
    let old = Some(created.secret.expose());
    b.verifier.authenticate(old, None).await.unwrap(); // answered from B's cache

    let renewed = a
        .tokens
        .regenerate(&admin, created.token.id, Grace::Now)
        .await
        .unwrap();
    let new = Some(renewed.secret.expose());
    wait_until(|| async {
        matches!(
            b.verifier.authenticate(old, None).await,
            Err(Rejection::Unknown)
        )
    })
    .await;
    b.verifier.verify(new, None, &find()).await.unwrap(); // cached again, new value

    let patch = TokenPatch {
        token_type: Some(TokenType::Custom),
        permissions: Some(vec![create()]),
        ..TokenPatch::default()
    };
    a.tokens
        .update(&admin, created.token.id, &patch)
        .await
        .unwrap();
    let forbidden = Err(Rejection::Forbidden { needed: find() });
    wait_until(|| async { b.verifier.verify(new, None, &find()).await.map(drop) == forbidden })
        .await;

    follow.abort();
    let _ = follow.await;
    b.store.close().await;
    db.finish().await;
}

/// Polls `done` (yielding in between) for up to five seconds.
async fn wait_until<F, Fut>(done: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !done().await {
        assert!(
            std::time::Instant::now() < deadline,
            "the other instance did not follow within 5 s"
        );
        tokio::task::yield_now().await;
    }
}

store_tests!(
    an_edit_changes_only_the_fields_sent_at_once,
    an_invalid_edit_changes_nothing,
    a_custom_expiry_date_must_lie_ahead,
    regenerating_refuses_the_old_value_at_once,
    a_revoked_token_keeps_who_and_when_and_refuses_changes,
    racing_revokes_revoke_once,
);
