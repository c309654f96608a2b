//! The store and services, end to end against a real database. Every test runs twice:
//! once on SQLite (a fresh file) and once on Postgres (a fresh schema in the database
//! named by TOLLGATE_TEST_POSTGRES_URL; `make test` starts Postgres and sets it).

use chrono::{Duration, Utc};
use tollgate::catalog::{Action, Permission};
use tollgate::model::{
    AdminView, NewAdminRequest, NewTokenRequest, SignInRequest, TokenLifetime, TokenType,
};
use tollgate::store::Store;
use tollgate::tokens::DUPLICATE_NAME;
use tollgate::verify::Rejection;
use tollgate::{ServiceError, Settings, Tollgate, key::ServerKey};

const PASSWORD: &str = "correct horse battery staple";

/// A throwaway database with the full core on top.
struct TestDb {
    core: Tollgate,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

impl TestDb {
    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::open(&url).await.unwrap();
        Self::with_store(store, Some(dir), None)
    }

    async fn postgres() -> Self {
        let base = std::env::var("TOLLGATE_TEST_POSTGRES_URL").expect(
            "TOLLGATE_TEST_POSTGRES_URL is not set: the Postgres half of the store suite needs it \
             (run `make test`, or `./scripts/postgres.sh` and export the URL it prints)",
        );
        let schema = format!("t_{}", rand_suffix());
        let admin = Store::open(&base).await.unwrap();
        run_pg(&admin, &format!("CREATE SCHEMA {schema}")).await;
        admin.close().await;
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
        let store = Store::open(&url).await.unwrap();
        Self::with_store(store, None, Some((base, schema)))
    }

    fn with_store(
        store: Store,
        dir: Option<tempfile::TempDir>,
        pg_schema: Option<(String, String)>,
    ) -> Self {
        let core = Tollgate::new(store, ServerKey::generate(), Settings::default());
        Self {
            core,
            _dir: dir,
            pg_schema,
        }
    }

    async fn finish(self) {
        self.core.store.close().await;
        if let Some((base, schema)) = self.pg_schema {
            let admin = Store::open(&base).await.unwrap();
            run_pg(&admin, &format!("DROP SCHEMA {schema} CASCADE")).await;
            admin.close().await;
        }
    }
}

async fn run_pg(store: &Store, sql: &str) {
    let Store::Postgres(pool) = store else {
        panic!("not postgres")
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(pool)
        .await
        .unwrap();
}

fn rand_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{nanos:x}{:x}", std::process::id())
}

macro_rules! store_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                let db = super::TestDb::sqlite().await;
                super::$name(&db.core).await;
                db.finish().await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                let db = super::TestDb::postgres().await;
                super::$name(&db.core).await;
                db.finish().await;
            })*
        }
    };
}

store_tests!(
    the_first_admin_can_be_created_exactly_once,
    racing_first_admin_requests_create_one_admin,
    sign_in_needs_the_right_email_and_password,
    sessions_last_until_sign_out,
    expired_sessions_are_refused,
    a_created_token_is_listed_and_verifies,
    token_types_grant_what_they_promise,
    duplicate_names_conflict_until_the_first_is_revoked,
    invalid_requests_save_nothing,
    revoking_stops_a_token_at_once,
    expired_tokens_are_refused,
    garbage_and_unknown_tokens_are_refused,
    the_database_never_holds_a_token_value,
    usage_is_flushed_in_batches,
    content_is_seeded_and_accepts_new_documents,
);

fn admin_request() -> NewAdminRequest {
    NewAdminRequest {
        email: "Ada@Example.com".into(),
        name: "Ada Admin".into(),
        password: PASSWORD.into(),
        password_confirm: PASSWORD.into(),
    }
}

async fn first_admin(core: &Tollgate) -> AdminView {
    core.admins
        .create_first(&admin_request())
        .await
        .unwrap()
        .admin
}

fn token_request(
    name: &str,
    token_type: TokenType,
    permissions: Vec<Permission>,
) -> NewTokenRequest {
    NewTokenRequest {
        name: name.into(),
        description: "for tests".into(),
        lifetime: TokenLifetime::Days30,
        token_type,
        permissions,
    }
}

async fn the_first_admin_can_be_created_exactly_once(core: &Tollgate) {
    assert!(core.admins.needs_setup().await.unwrap());
    let session = core.admins.create_first(&admin_request()).await.unwrap();
    assert_eq!(session.admin.email, "ada@example.com");
    assert!(!core.admins.needs_setup().await.unwrap());

    let mut second = admin_request();
    second.email = "eve@example.com".into();
    assert!(matches!(
        core.admins.create_first(&second).await,
        Err(ServiceError::AlreadySetUp)
    ));
    assert_eq!(core.store.count_admins().await.unwrap(), 1);
}

async fn racing_first_admin_requests_create_one_admin(core: &Tollgate) {
    let ada = admin_request();
    let mut eve = admin_request();
    eve.email = "eve@example.com".into();
    let (a, b) = tokio::join!(
        core.admins.create_first(&ada),
        core.admins.create_first(&eve)
    );
    assert_eq!([a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(), 1);
    assert_eq!(core.store.count_admins().await.unwrap(), 1);
}

async fn sign_in_needs_the_right_email_and_password(core: &Tollgate) {
    first_admin(core).await;
    let sign_in = |email: &str, password: &str| SignInRequest {
        email: email.into(),
        password: password.into(),
    };
    let ok = core
        .admins
        .sign_in(&sign_in(" ADA@example.com", PASSWORD))
        .await
        .unwrap();
    assert_eq!(ok.admin.name, "Ada Admin");
    for (email, password) in [
        ("ada@example.com", "wrong password!"),
        ("bob@example.com", PASSWORD),
        ("", ""),
    ] {
        let err = core
            .admins
            .sign_in(&sign_in(email, password))
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::BadCredentials),
            "{email}: {err}"
        );
    }
}

async fn sessions_last_until_sign_out(core: &Tollgate) {
    let session = core.admins.create_first(&admin_request()).await.unwrap();
    let found = core.admins.session(&session.secret).await.unwrap().unwrap();
    assert_eq!(found, session.admin);
    core.admins.sign_out(&session.secret).await.unwrap();
    assert_eq!(core.admins.session(&session.secret).await.unwrap(), None);
}

async fn expired_sessions_are_refused(core: &Tollgate) {
    first_admin(core).await;
    let short = tollgate::admins::Admins::new(core.store.clone(), Duration::seconds(-1));
    let session = short
        .sign_in(&SignInRequest {
            email: "ada@example.com".into(),
            password: PASSWORD.into(),
        })
        .await
        .unwrap();
    assert_eq!(core.admins.session(&session.secret).await.unwrap(), None);
    assert_eq!(
        core.admins.purge_expired_sessions().await.unwrap(),
        0,
        "the expired session was already removed"
    );
}

async fn a_created_token_is_listed_and_verifies(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(
            &admin,
            &token_request("  CI deploy  ", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
    let secret = created.secret.expose();
    assert!(secret.starts_with("tg_"));
    assert_eq!(created.token.name, "CI deploy");
    assert_eq!(
        created.token.hint,
        format!("tg_…{}", &secret[secret.len() - 4..])
    );
    assert_eq!(created.token.created_by.as_deref(), Some("Ada Admin"));
    let expires = created.token.expires_at.unwrap();
    assert!(
        (expires - (Utc::now() + Duration::days(30)))
            .num_seconds()
            .abs()
            < 60
    );

    let list = core.tokens.list().await.unwrap();
    assert_eq!(list, vec![created.token.clone()]);

    let verified = core.verifier.authenticate(Some(secret)).await.unwrap();
    assert_eq!(verified.id, created.token.id);
    assert_eq!(verified.token_type, TokenType::ReadOnly);
}

async fn token_types_grant_what_they_promise(core: &Tollgate) {
    let admin = first_admin(core).await;
    let find = Permission::new("articles", Action::Find);
    let create = Permission::new("articles", Action::Create);
    let authors = Permission::new("authors", Action::Find);
    let cases = [
        (TokenType::ReadOnly, vec![], [true, false, true]),
        (TokenType::FullAccess, vec![], [true, true, true]),
        (TokenType::Custom, vec![find.clone()], [true, false, false]),
    ];
    for (i, (token_type, permissions, expected)) in cases.into_iter().enumerate() {
        let created = core
            .tokens
            .create(
                &admin,
                &token_request(&format!("t{i}"), token_type, permissions),
            )
            .await
            .unwrap();
        let secret = Some(created.secret.expose());
        for (needed, allowed) in [&find, &create, &authors].into_iter().zip(expected) {
            let result = core.verifier.verify(secret, needed).await;
            assert_eq!(result.is_ok(), allowed, "{token_type:?} {needed}");
            if !allowed {
                assert_eq!(
                    result.unwrap_err(),
                    Rejection::Forbidden {
                        needed: needed.clone()
                    }
                );
            }
        }
    }
}

async fn duplicate_names_conflict_until_the_first_is_revoked(core: &Tollgate) {
    let admin = first_admin(core).await;
    let first = core
        .tokens
        .create(
            &admin,
            &token_request("Deploy", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
    let err = core
        .tokens
        .create(
            &admin,
            &token_request(" deploy ", TokenType::FullAccess, vec![]),
        )
        .await
        .unwrap_err();
    match err {
        ServiceError::Conflict(errors) => assert_eq!(errors[0].message, DUPLICATE_NAME),
        other => panic!("expected a conflict, got {other:?}"),
    }
    core.tokens.revoke(&admin, first.token.id).await.unwrap();
    core.tokens
        .create(
            &admin,
            &token_request("Deploy", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
}

async fn invalid_requests_save_nothing(core: &Tollgate) {
    let admin = first_admin(core).await;
    let bad = [
        token_request("", TokenType::ReadOnly, vec![]),
        token_request("x", TokenType::Custom, vec![]),
        token_request(&"x".repeat(101), TokenType::ReadOnly, vec![]),
        token_request(
            "x",
            TokenType::Custom,
            vec![Permission::new("secrets", Action::Find)],
        ),
    ];
    for request in bad {
        let err = core.tokens.create(&admin, &request).await.unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    }
    assert!(core.tokens.list().await.unwrap().is_empty());
}

async fn revoking_stops_a_token_at_once(core: &Tollgate) {
    let admin = first_admin(core).await;
    let keep = core
        .tokens
        .create(&admin, &token_request("keep", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    let gone = core
        .tokens
        .create(&admin, &token_request("gone", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    core.verifier
        .authenticate(Some(gone.secret.expose()))
        .await
        .unwrap();

    core.tokens.revoke(&admin, gone.token.id).await.unwrap();

    assert_eq!(
        core.verifier.authenticate(Some(gone.secret.expose())).await,
        Err(Rejection::Unknown)
    );
    assert!(
        core.verifier
            .authenticate(Some(keep.secret.expose()))
            .await
            .is_ok(),
        "revoking one token leaves others alone"
    );
    let names: Vec<_> = core
        .tokens
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["keep"]);
    assert!(matches!(
        core.tokens.revoke(&admin, gone.token.id).await,
        Err(ServiceError::NotFound(_))
    ));
    assert!(matches!(
        core.tokens.revoke(&admin, 999_999).await,
        Err(ServiceError::NotFound(_))
    ));
}

async fn expired_tokens_are_refused(core: &Tollgate) {
    let admin = first_admin(core).await;
    let mut request = token_request("weekly", TokenType::ReadOnly, vec![]);
    request.lifetime = TokenLifetime::Days7;
    let created = core.tokens.create(&admin, &request).await.unwrap();
    let secret = Some(created.secret.expose());
    let expires = created.token.expires_at.unwrap();

    assert!(
        core.verifier
            .authenticate_at(secret, expires - Duration::seconds(1))
            .await
            .is_ok()
    );
    assert_eq!(
        core.verifier.authenticate_at(secret, expires).await,
        Err(Rejection::Expired(expires))
    );

    let mut forever = token_request("forever", TokenType::ReadOnly, vec![]);
    forever.lifetime = TokenLifetime::Unlimited;
    let forever = core.tokens.create(&admin, &forever).await.unwrap();
    assert_eq!(forever.token.expires_at, None);
    let far_future = Utc::now() + Duration::days(365 * 50);
    assert!(
        core.verifier
            .authenticate_at(Some(forever.secret.expose()), far_future)
            .await
            .is_ok()
    );
}

async fn garbage_and_unknown_tokens_are_refused(core: &Tollgate) {
    assert_eq!(
        core.verifier.authenticate(None).await,
        Err(Rejection::Missing)
    );
    assert!(matches!(
        core.verifier.authenticate(Some("tg_garbage")).await,
        Err(Rejection::Malformed(_))
    ));
    let never_issued = tollgate::token::PlainToken::generate();
    assert_eq!(
        core.verifier
            .authenticate(Some(never_issued.expose()))
            .await,
        Err(Rejection::Unknown)
    );
}

async fn the_database_never_holds_a_token_value(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(
            &admin,
            &token_request("secret", TokenType::FullAccess, vec![]),
        )
        .await
        .unwrap();
    let random_part = &created.secret.expose()[3..];
    let sql = "SELECT name || description || token_type || permissions || COALESCE(token_hash, '') || hint FROM api_tokens";
    let rows: Vec<String> = match &core.store {
        Store::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
    };
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].contains(random_part));
}

async fn usage_is_flushed_in_batches(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(&admin, &token_request("used", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    assert_eq!(created.token.last_used_at, None);
    for _ in 0..3 {
        core.verifier
            .authenticate(Some(created.secret.expose()))
            .await
            .unwrap();
    }
    assert_eq!(
        core.tokens.list().await.unwrap()[0].last_used_at,
        None,
        "nothing is written per request"
    );
    assert_eq!(core.usage.flush(&core.store).await.unwrap(), 1);
    let last_used = core.tokens.list().await.unwrap()[0]
        .last_used_at
        .expect("flushed");
    assert!((Utc::now() - last_used).num_seconds() < 60);
}

async fn content_is_seeded_and_accepts_new_documents(core: &Tollgate) {
    let articles = core.content.list("articles").await.unwrap();
    assert_eq!(articles.len(), 3);
    assert_eq!(articles[0].fields["slug"], "getting-started");

    let body = serde_json::json!({"title": "Hello", "body": "World"});
    let created = core.content.create("articles", body).await.unwrap();
    assert_eq!(created.fields["title"], "Hello");
    assert_eq!(core.content.list("articles").await.unwrap().len(), 4);

    assert!(matches!(
        core.content
            .create("articles", serde_json::json!([1]))
            .await,
        Err(ServiceError::Invalid(_))
    ));
    assert!(matches!(
        core.content.list("secrets").await,
        Err(ServiceError::NotFound(_))
    ));
}
