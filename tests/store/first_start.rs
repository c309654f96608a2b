//! The first start of a database pre-generates "Full access" and "Read-only", once: not
//! again after they are revoked or renamed, and not twice when instances start together.

use tollgate::Tollgate;
use tollgate::catalog::{Action, Permission};
use tollgate::model::Grace;
use tollgate::model::{AuditAction, AuditQuery, TokenPatch, TokenType, TokenView};
use tollgate::store::Store;
use tollgate::tokens::verifier::Rejection;

use super::{TestDb, first_admin, listed};

/// Every token ever stored (revoked ones too), oldest first: what a first start left.
async fn every_token(core: &Tollgate) -> Vec<TokenView> {
    let sql = "SELECT id FROM api_tokens ORDER BY id";
    let ids: Vec<i64> = match &core.store {
        Store::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
    };
    let mut tokens = Vec::new();
    for id in ids {
        tokens.push(core.store.token(id).await.unwrap().unwrap());
    }
    tokens
}

fn names(tokens: &[TokenView]) -> Vec<&str> {
    tokens.iter().map(|t| t.name.as_str()).collect()
}

pub async fn the_first_start_pregenerates_two_tokens_once(core: &Tollgate) {
    assert!(core.tokens.pregenerate_on_first_start().await.unwrap());
    assert!(!core.tokens.pregenerate_on_first_start().await.unwrap());

    let tokens = every_token(core).await;
    assert_eq!(names(&tokens), ["Full access", "Read-only"]);
    let types: Vec<_> = tokens.iter().map(|t| t.token_type).collect();
    assert_eq!(types, [TokenType::FullAccess, TokenType::ReadOnly]);
    for token in &tokens {
        assert_eq!(token.created_by, None, "{}: no admin made it", token.name);
        assert_eq!(token.creator_label(), "Tollgate (automatic)");
        assert_eq!(token.expires_at, None, "{}: no expiry", token.name);
        assert_eq!(token.revoked_at, None);
        assert!(token.permissions.is_empty());
        assert!(token.hint.starts_with("tg_…"));
    }

    // Written in the same transaction as the tokens, by Tollgate itself, once.
    let query = AuditQuery {
        action: Some(AuditAction::TokenCreate),
        ..AuditQuery::default()
    };
    let (created, _) = core.store.audit_events(&query, 10).await.unwrap();
    let audited: Vec<_> = created
        .iter()
        .rev()
        .map(|e| {
            let target = e.target.as_ref().unwrap();
            (
                target.id,
                target.name.as_str(),
                e.actor_name.as_str(),
                e.actor_id,
            )
        })
        .collect();
    let expected: Vec<_> = tokens
        .iter()
        .map(|t| (t.id, t.name.as_str(), "Tollgate (automatic)", None))
        .collect();
    assert_eq!(audited, expected);
}

/// Nobody ever saw the values: regenerating is how an admin gets one, and it works with
/// the type's permissions.
pub async fn a_pregenerated_token_works_once_regenerated(core: &Tollgate) {
    core.tokens.pregenerate_on_first_start().await.unwrap();
    let admin = first_admin(core).await;
    let read_only = listed(core, &admin)
        .await
        .into_iter()
        .find(|t| t.name == "Read-only")
        .unwrap();
    let regenerated = core
        .tokens
        .regenerate(&admin, read_only.id, Grace::Now)
        .await
        .unwrap();
    let secret = Some(regenerated.secret.expose());
    let find = Permission::new("articles", Action::Find);
    let create = Permission::new("articles", Action::Create);
    let verified = core.verifier.verify(secret, None, &find).await.unwrap();
    assert_eq!(verified.id, read_only.id);
    assert!(matches!(
        core.verifier.verify(secret, None, &create).await,
        Err(Rejection::Forbidden { .. })
    ));
}

pub async fn revoked_or_renamed_pregenerated_tokens_are_not_made_again(core: &Tollgate) {
    core.tokens.pregenerate_on_first_start().await.unwrap();
    let admin = first_admin(core).await;
    let tokens = every_token(core).await;
    let (full, read_only) = (&tokens[0], &tokens[1]);
    core.tokens.revoke(&admin, full.id).await.unwrap();
    let rename = TokenPatch {
        name: Some("Dashboard".into()),
        ..TokenPatch::default()
    };
    core.tokens
        .update(&admin, read_only.id, &rename)
        .await
        .unwrap();

    // A restart: the names are free again, but the database has had its first start.
    assert!(!core.tokens.pregenerate_on_first_start().await.unwrap());
    let working: Vec<_> = listed(core, &admin)
        .await
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(working, ["Dashboard"]);
    assert_eq!(every_token(core).await.len(), 2);
}

/// Two instances starting on one database at once: connections from one pool race the
/// same way two servers' connections would.
pub async fn racing_first_starts_pregenerate_once(core: &Tollgate) {
    let (a, b, c) = tokio::join!(
        core.tokens.pregenerate_on_first_start(),
        core.tokens.pregenerate_on_first_start(),
        core.tokens.pregenerate_on_first_start(),
    );
    let made = [a.unwrap(), b.unwrap(), c.unwrap()];
    assert_eq!(made.iter().filter(|m| **m).count(), 1, "{made:?}");
    assert_eq!(
        names(&every_token(core).await),
        ["Full access", "Read-only"]
    );
}

/// Two servers on one database, each with its own pool, starting at the same moment.
async fn racing_instances_pregenerate_once(db: TestDb) {
    let other = db.second_instance().await;
    let (a, b) = tokio::join!(
        db.core.tokens.pregenerate_on_first_start(),
        other.tokens.pregenerate_on_first_start(),
    );
    assert_ne!(
        a.unwrap(),
        b.unwrap(),
        "exactly one of them made the tokens"
    );
    assert_eq!(
        names(&every_token(&db.core).await),
        ["Full access", "Read-only"]
    );
    other.store.close().await;
    db.finish().await;
}

#[tokio::test]
async fn sqlite_racing_instances_pregenerate_once() {
    racing_instances_pregenerate_once(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn postgres_racing_instances_pregenerate_once() {
    racing_instances_pregenerate_once(TestDb::postgres().await).await;
}

/// Load-test seeding mints like every other writer: each stored hint is of its value, the
/// values it hands back work, and the tokens are read-only, unattended and never expire.
pub async fn seeded_load_test_tokens_are_minted_and_work(core: &Tollgate) {
    let kept = core.tokens.seed_for_load_test(3, 2).await.unwrap();
    assert_eq!(kept.len(), 2);
    let tokens = every_token(core).await;
    assert_eq!(tokens.len(), 3);
    for token in &tokens {
        assert!(token.name.starts_with("load-"), "{}", token.name);
        assert_eq!(token.token_type, TokenType::ReadOnly);
        assert_eq!(token.created_by, None);
        assert_eq!(token.expires_at, None);
    }
    for plain in &kept {
        let verified = core
            .verifier
            .authenticate(Some(plain.expose()), None)
            .await
            .unwrap();
        let stored = tokens.iter().find(|t| t.id == verified.id).unwrap();
        assert_eq!(stored.hint, plain.hint());
    }
}

store_tests!(
    the_first_start_pregenerates_two_tokens_once,
    a_pregenerated_token_works_once_regenerated,
    revoked_or_renamed_pregenerated_tokens_are_not_made_again,
    racing_first_starts_pregenerate_once,
    seeded_load_test_tokens_are_minted_and_work,
);
