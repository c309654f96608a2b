//! The store and services, end to end against a real database. Every test runs twice:
//! once on SQLite (a fresh file) and once on Postgres (a fresh schema in the database
//! named by TOLLGATE_TEST_POSTGRES_URL; `make test` starts Postgres and sets it).

use chrono::{Duration, Utc};
use tollgate::admins::SessionSettings;
use tollgate::admins::actor::{Actor, RequestOrigin};
use tollgate::admins::sign_in_throttle::SignInThrottle;
use tollgate::audit::Audit;
use tollgate::catalog::{Action, Permission};
use tollgate::model::{
    CreatedToken, NewAdminRequest, NewTokenRequest, SignInRequest, TokenLifetime, TokenType,
    UsageCounts,
};
use tollgate::store::Store;
use tollgate::tokens::DUPLICATE_NAME;
use tollgate::tokens::cache::Trust;
use tollgate::tokens::verifier::Rejection;
use tollgate::{ServiceError, Settings, Tollgate, server_key::ServerKey};

#[path = "store/first_start.rs"]
mod first_start;
#[path = "store/token_changes.rs"]
mod token_changes;
#[path = "store/token_list.rs"]
mod token_list;

use first_start::*;
use token_changes::*;
use token_list::*;
/// Roles and permission checks.
#[path = "store/access.rs"]
mod access;
/// Revocation through a database outage, on a private Postgres cluster.
#[path = "store/outage.rs"]
mod outage;
#[path = "common/private_postgres.rs"]
mod private_postgres;
use access::*;
/// Managing administrators, profiles and the command line.
#[path = "store/admin_accounts.rs"]
mod admin_accounts;
use admin_accounts::*;
/// The audit log and the password re-confirmation.
#[path = "store/audit.rs"]
mod audit;
use audit::*;
/// Control and invisible characters at every door; folded names.
#[path = "store/text_input.rs"]
mod text_input;
use text_input::*;
/// Sign-in under attack: racing guesses, every password check throttled.
#[path = "store/sign_in_abuse.rs"]
mod sign_in_abuse;
use sign_in_abuse::*;
/// Token edits that widen it, and edits by roles that can't read tokens.
#[path = "store/token_widening.rs"]
mod token_widening;
use token_widening::*;

const PASSWORD: &str = "correct horse battery staple";

/// A throwaway database with the full core on top.
struct TestDb {
    core: Tollgate,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
    /// How to open the same database again, with the same key: a second instance.
    url: String,
    key: [u8; 32],
}

impl TestDb {
    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::open(&url).await.unwrap();
        Self::with_store(store, url, Some(dir), None)
    }

    async fn postgres() -> Self {
        let base = std::env::var("TOLLGATE_TEST_POSTGRES_URL").expect(
            "TOLLGATE_TEST_POSTGRES_URL is not set: the Postgres half of the store suite needs it \
             (run `make test`, or `./scripts/postgres.sh` and export the URL it prints)",
        );
        let schema = format!("t_{}", rand_suffix());
        run_pg(&base, &format!("CREATE SCHEMA {schema}")).await;
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
        let store = Store::open(&url).await.unwrap();
        Self::with_store(store, url, None, Some((base, schema)))
    }

    fn with_store(
        store: Store,
        url: String,
        dir: Option<tempfile::TempDir>,
        pg_schema: Option<(String, String)>,
    ) -> Self {
        let key: [u8; 32] = ServerKey::generate().bytes().try_into().unwrap();
        let core = Tollgate::new(store, ServerKey::from_bytes(key), Settings::default());
        Self {
            core,
            _dir: dir,
            pg_schema,
            url,
            key,
        }
    }

    /// Another instance on the same database and key, as a second server would be.
    async fn second_instance(&self) -> Tollgate {
        let store = Store::open(&self.url).await.unwrap();
        Tollgate::new(store, ServerKey::from_bytes(self.key), Settings::default())
    }

    async fn finish(self) {
        self.core.store.close().await;
        if let Some((base, schema)) = self.pg_schema {
            run_pg(&base, &format!("DROP SCHEMA {schema} CASCADE")).await;
        }
    }
}

/// Runs `sql` on the base database itself. Only schemas are made and dropped there: it is
/// never migrated, so checkouts with different migrations can share one Postgres.
async fn run_pg(base_url: &str, sql: &str) {
    let pool = sqlx::PgPool::connect(base_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
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
    an_expired_token_counts_as_a_refusal_not_a_use,
    content_is_seeded_and_accepts_new_documents,
    documents_can_be_read_replaced_and_deleted,
    new_tokens_are_announced_in_the_inbox_masked,
    failed_sign_ins_close_the_account_and_the_address_alike,
    racing_wrong_passwords_get_five_checks_at_most,
    a_wrong_current_password_counts_as_a_failed_sign_in,
    an_edit_that_widens_a_token_needs_a_recently_confirmed_password,
    editing_a_token_needs_reading_it_too,
    only_active_admins_who_may_read_tokens_hear_of_new_ones,
    an_idle_session_ends_and_sign_out_everywhere_ends_them_all,
    an_edit_changes_only_the_fields_sent_at_once,
    an_invalid_edit_changes_nothing,
    a_custom_expiry_date_must_lie_ahead,
    regenerating_refuses_the_old_value_at_once,
    a_revoked_token_keeps_who_and_when_and_refuses_changes,
    racing_revokes_revoke_once,
    every_sort_pages_through_the_whole_list_in_order,
    filters_and_search_pick_their_tokens,
    the_status_filters_and_the_expired_predicate_agree_at_the_boundary,
    a_cursor_only_continues_its_own_sort,
    the_first_admin_is_a_super_admin_and_the_built_in_roles_exist,
    a_viewer_reads_tokens_but_cannot_create_or_revoke_them,
    an_editor_creates_tokens_but_cannot_revoke_or_manage_admins,
    a_role_change_counts_from_the_next_request,
    deactivating_and_removing_sign_out_everywhere_and_block_sign_in,
    tokens_of_a_removed_admin_keep_working_and_still_name_them,
    the_last_super_admin_cannot_be_demoted_deactivated_or_removed,
    racing_demotions_leave_one_super_admin,
    adding_an_admin_checks_every_field,
    custom_roles_are_created_edited_and_deleted_once_unused,
    nobody_hands_out_more_than_their_own_role_allows,
    admins_change_their_own_name_and_password,
    the_command_line_adds_admins_and_resets_passwords,
    every_change_is_audited_with_who_where_and_names_as_they_were,
    the_audit_log_filters_and_pages_for_those_allowed,
    changes_land_together_with_their_audit_events,
    sensitive_actions_need_a_recently_confirmed_password,
    permission_is_checked_before_the_password,
    the_first_start_pregenerates_two_tokens_once,
    a_pregenerated_token_works_once_regenerated,
    revoked_or_renamed_pregenerated_tokens_are_not_made_again,
    racing_first_starts_pregenerate_once,
    seeded_load_test_tokens_are_minted_and_work,
    a_nul_in_a_description_is_a_field_error_on_create,
    a_nul_in_a_description_is_a_field_error_on_edit,
    a_nul_in_the_list_search_is_a_field_error,
    a_nul_in_a_list_cursor_is_a_field_error,
    a_nul_in_the_sign_in_email_is_a_field_error,
    a_nul_in_a_new_admins_email_is_a_field_error,
    a_nul_in_the_audit_token_filter_is_a_field_error,
    a_document_string_may_hold_any_character,
    invisible_characters_in_names_and_descriptions_are_refused,
    names_with_nothing_visible_are_refused,
    token_names_conflict_whatever_their_case_or_form,
    search_finds_names_and_descriptions_in_any_case_and_form,
    role_names_conflict_whatever_their_case_or_form,
    the_audit_token_filter_finds_names_in_any_case_and_form,
    rows_without_folded_names_are_filled_in_on_migrating,
);

/// A second instance B on `db`'s database, and a token made by A that B has verified once
/// (so B holds it in its cache).
async fn a_token_cached_by_a_second_instance(db: &TestDb) -> (Tollgate, Actor, CreatedToken) {
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

fn admin_request() -> NewAdminRequest {
    NewAdminRequest {
        email: "Ada@Example.com".into(),
        name: "Ada Admin".into(),
        password: PASSWORD.into(),
        password_confirm: PASSWORD.into(),
    }
}

/// The first admin, acting without a session (so never asked to confirm their password).
async fn first_admin(core: &Tollgate) -> Actor {
    Actor::trusted(
        core.admins
            .create_first(&admin_request(), &RequestOrigin::default())
            .await
            .unwrap()
            .admin,
    )
}

/// Every token `by` may see that is not revoked, newest first: the list's first page at
/// its largest (tests make fewer tokens than that).
async fn listed(
    core: &Tollgate,
    by: &tollgate::model::AdminView,
) -> Vec<tollgate::model::TokenView> {
    let query = tollgate::model::TokenListQuery {
        limit: tollgate::model::MAX_LIMIT,
        ..Default::default()
    };
    core.tokens.list_page(by, &query).await.unwrap().data
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
    let session = core
        .admins
        .create_first(&admin_request(), &RequestOrigin::default())
        .await
        .unwrap();
    assert_eq!(session.admin.email, "ada@example.com");
    assert!(!core.admins.needs_setup().await.unwrap());

    let mut second = admin_request();
    second.email = "eve@example.com".into();
    assert!(matches!(
        core.admins
            .create_first(&second, &RequestOrigin::default())
            .await,
        Err(ServiceError::AlreadySetUp)
    ));
    assert_eq!(core.store.count_admins().await.unwrap(), 1);
}

async fn racing_first_admin_requests_create_one_admin(core: &Tollgate) {
    let ada = admin_request();
    let mut eve = admin_request();
    eve.email = "eve@example.com".into();
    let here = RequestOrigin::default();
    let (a, b) = tokio::join!(
        core.admins.create_first(&ada, &here),
        core.admins.create_first(&eve, &here)
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
        .sign_in(
            &sign_in(" ADA@example.com", PASSWORD),
            &RequestOrigin::default(),
        )
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
            .sign_in(&sign_in(email, password), &RequestOrigin::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::BadCredentials),
            "{email}: {err}"
        );
    }
}

async fn sessions_last_until_sign_out(core: &Tollgate) {
    let session = core
        .admins
        .create_first(&admin_request(), &RequestOrigin::default())
        .await
        .unwrap();
    let found = core.admins.session(&session.secret).await.unwrap().unwrap();
    assert_eq!(found, session.admin);
    core.admins
        .sign_out(&session.secret, RequestOrigin::default())
        .await
        .unwrap();
    assert_eq!(core.admins.session(&session.secret).await.unwrap(), None);
}

async fn expired_sessions_are_refused(core: &Tollgate) {
    first_admin(core).await;
    let short = tollgate::admins::Admins::new(
        core.store.clone(),
        SessionSettings {
            ttl: Duration::seconds(-1),
            idle: Duration::hours(1),
            reconfirm_window: None,
        },
        SignInThrottle::default(),
        Audit::new(core.store.clone()),
    );
    let session = short
        .sign_in(
            &SignInRequest {
                email: "ada@example.com".into(),
                password: PASSWORD.into(),
            },
            &RequestOrigin::default(),
        )
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

    let list = listed(core, &admin).await;
    assert_eq!(list, vec![created.token.clone()]);

    let verified = core
        .verifier
        .authenticate(Some(secret), None)
        .await
        .unwrap();
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
            let result = core.verifier.verify(secret, None, needed).await;
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
    assert!(listed(core, &admin).await.is_empty());
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
        .authenticate(Some(gone.secret.expose()), None)
        .await
        .unwrap();

    core.tokens.revoke(&admin, gone.token.id).await.unwrap();

    assert_eq!(
        core.verifier
            .authenticate(Some(gone.secret.expose()), None)
            .await
            .unwrap_err(),
        Rejection::Unknown
    );
    assert!(
        core.verifier
            .authenticate(Some(keep.secret.expose()), None)
            .await
            .is_ok(),
        "revoking one token leaves others alone"
    );
    let names: Vec<_> = listed(core, &admin)
        .await
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["keep"]);
    assert!(matches!(
        core.tokens.revoke(&admin, gone.token.id).await,
        Err(ServiceError::AlreadyRevoked(_))
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
            .authenticate_at(secret, None, expires - Duration::seconds(1))
            .await
            .is_ok()
    );
    assert_eq!(
        core.verifier
            .authenticate_at(secret, None, expires)
            .await
            .unwrap_err(),
        Rejection::Expired(expires)
    );

    let mut forever = token_request("forever", TokenType::ReadOnly, vec![]);
    forever.lifetime = TokenLifetime::Unlimited;
    let forever = core.tokens.create(&admin, &forever).await.unwrap();
    assert_eq!(forever.token.expires_at, None);
    let far_future = Utc::now() + Duration::days(365 * 50);
    assert!(
        core.verifier
            .authenticate_at(Some(forever.secret.expose()), None, far_future)
            .await
            .is_ok()
    );
}

async fn garbage_and_unknown_tokens_are_refused(core: &Tollgate) {
    assert_eq!(
        core.verifier.authenticate(None, None).await.unwrap_err(),
        Rejection::Missing
    );
    assert!(matches!(
        core.verifier.authenticate(Some("tg_garbage"), None).await,
        Err(Rejection::Malformed(_))
    ));
    let never_issued = tollgate::tokens::format::PlainToken::generate();
    assert_eq!(
        core.verifier
            .authenticate(Some(never_issued.expose()), None)
            .await
            .unwrap_err(),
        Rejection::Unknown
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
            forbidden: 1
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

async fn documents_can_be_read_replaced_and_deleted(core: &Tollgate) {
    let first = core.content.list("articles").await.unwrap()[0].clone();
    let found = core.content.get("articles", first.id).await.unwrap();
    assert_eq!(found, first);
    assert!(matches!(
        core.content.get("authors", first.id).await,
        Err(ServiceError::NotFound("document")),
    ));

    let replaced = core
        .content
        .replace("articles", first.id, serde_json::json!({"title": "New"}))
        .await
        .unwrap();
    assert_eq!(replaced.fields.len(), 1);
    assert_eq!(replaced.fields["title"], "New");
    assert!(replaced.updated_at.is_some());
    assert_eq!(replaced.created_at, first.created_at);
    assert!(matches!(
        core.content
            .replace("articles", first.id, serde_json::json!({"id": 5}))
            .await,
        Err(ServiceError::Invalid(_)),
    ));

    core.content.delete("articles", first.id).await.unwrap();
    assert!(matches!(
        core.content.delete("articles", first.id).await,
        Err(ServiceError::NotFound("document")),
    ));
    assert!(matches!(
        core.content
            .replace("articles", first.id, serde_json::json!({"title": "x"}))
            .await,
        Err(ServiceError::NotFound("document")),
    ));
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

async fn new_tokens_are_announced_in_the_inbox_masked(core: &Tollgate) {
    let admin = first_admin(core).await;
    assert_eq!(core.notifications.inbox(&admin).await.unwrap().unread, 0);

    let created = core
        .tokens
        .create(&admin, &token_request("ci", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    core.tokens
        .create(
            &admin,
            &token_request("partner", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();

    let inbox = core.notifications.inbox(&admin).await.unwrap();
    assert_eq!(inbox.unread, 2);
    let oldest = &inbox.items[1];
    assert!(
        oldest
            .message
            .contains("Ada Admin created the API token “ci”")
    );
    assert!(oldest.message.contains(&created.token.hint));
    assert!(!oldest.message.contains(created.secret.expose()));
    assert_eq!(
        oldest.link.as_deref(),
        Some(format!("/settings/api-tokens/{}", created.token.id).as_str())
    );
    assert!(inbox.items[0].message.contains("“partner”"), "newest first");

    core.notifications.mark_all_read(&admin).await.unwrap();
    let inbox = core.notifications.inbox(&admin).await.unwrap();
    assert_eq!(inbox.unread, 0);
    assert!(inbox.items.iter().all(|n| n.read));
}

/// The sixth wrong password for an account is not even checked, and an unknown email is
/// answered exactly like a known one; another address may still try other accounts.
async fn failed_sign_ins_close_the_account_and_the_address_alike(core: &Tollgate) {
    first_admin(core).await;
    let attacker = &RequestOrigin::new(Some("198.51.100.7".parse().unwrap()), None);
    let attempt = |email: &'static str, password: &'static str| SignInRequest {
        email: email.into(),
        password: password.into(),
    };
    for email in ["ada@example.com", "nobody@example.com"] {
        for _ in 0..tollgate::admins::sign_in_throttle::PER_ACCOUNT {
            let err = core
                .admins
                .sign_in(&attempt(email, "wrong password!"), attacker)
                .await
                .unwrap_err();
            assert!(matches!(err, ServiceError::BadCredentials), "{err}");
        }
        let refused = core
            .admins
            .sign_in(&attempt(email, PASSWORD), attacker)
            .await
            .unwrap_err();
        let ServiceError::TooManyAttempts(retry_after) = refused else {
            panic!("{email}: expected TooManyAttempts, got {refused}");
        };
        assert!(retry_after.as_secs() > 0);
        assert!(
            refused.to_string().contains("Try again in 15 minutes"),
            "{refused}"
        );
    }
    // The right password from elsewhere still waits: the account itself is closed.
    let elsewhere = &RequestOrigin::new(Some("203.0.113.9".parse().unwrap()), None);
    assert!(matches!(
        core.admins
            .sign_in(&attempt("ada@example.com", PASSWORD), elsewhere)
            .await,
        Err(ServiceError::TooManyAttempts(_))
    ));
}

/// A Viewer may read tokens, so hears; a role without `api_tokens.read` and a deactivated
/// admin do not.
async fn only_active_admins_who_may_read_tokens_hear_of_new_ones(core: &Tollgate) {
    use tollgate::model::{AdminPermission, RoleRequest};
    let ada = first_admin(core).await;
    let viewer = Actor::trusted(add_and_sign_in(core, &ada, "Vera", "Viewer").await.admin);
    core.roles
        .create(
            &ada,
            &RoleRequest {
                name: "Auditor".into(),
                permissions: vec![AdminPermission::AuditRead],
            },
        )
        .await
        .unwrap();
    let auditor = Actor::trusted(add_and_sign_in(core, &ada, "Otto", "Auditor").await.admin);
    let gone = Actor::trusted(add_and_sign_in(core, &ada, "Gina", "Viewer").await.admin);
    core.admins.deactivate(&ada, gone.id).await.unwrap();

    core.tokens
        .create(
            &ada,
            &token_request("announced", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();

    let unread = |admin: Actor| async move { core.store.inbox(admin.id, 10).await.unwrap().1 };
    assert_eq!(unread(ada).await, 1);
    assert_eq!(unread(viewer).await, 1);
    assert_eq!(unread(auditor).await, 0, "no api_tokens.read, no news");
    assert_eq!(unread(gone).await, 0, "deactivated admins hear nothing");
}

/// A session unused for longer than the idle timeout ends even within its lifetime; "sign
/// out everywhere" ends every session of that admin and no one else's.
async fn an_idle_session_ends_and_sign_out_everywhere_ends_them_all(core: &Tollgate) {
    let ada = first_admin(core).await;
    let patient = tollgate::admins::Admins::new(
        core.store.clone(),
        SessionSettings {
            ttl: Duration::hours(12),
            idle: Duration::hours(1),
            reconfirm_window: None,
        },
        SignInThrottle::default(),
        Audit::new(core.store.clone()),
    );
    let impatient = tollgate::admins::Admins::new(
        core.store.clone(),
        SessionSettings {
            ttl: Duration::hours(12),
            idle: Duration::seconds(-1),
            reconfirm_window: None,
        },
        SignInThrottle::default(),
        Audit::new(core.store.clone()),
    );
    let sign_in = || SignInRequest {
        email: "ada@example.com".into(),
        password: PASSWORD.into(),
    };
    let idle = patient
        .sign_in(&sign_in(), &RequestOrigin::default())
        .await
        .unwrap();
    assert!(
        impatient.session(&idle.secret).await.unwrap().is_none(),
        "idle too long"
    );
    assert!(
        patient.session(&idle.secret).await.unwrap().is_none(),
        "and it is gone for good"
    );

    let laptop = patient
        .sign_in(&sign_in(), &RequestOrigin::default())
        .await
        .unwrap();
    let phone = patient
        .sign_in(&sign_in(), &RequestOrigin::default())
        .await
        .unwrap();
    let vera = add_and_sign_in(core, &ada, "Vera", "Viewer").await;
    // Laptop, phone, and the session the set-up page started.
    assert_eq!(patient.sign_out_everywhere(&ada).await.unwrap(), 3);
    assert!(patient.session(&laptop.secret).await.unwrap().is_none());
    assert!(patient.session(&phone.secret).await.unwrap().is_none());
    assert!(
        patient.session(&vera.secret).await.unwrap().is_some(),
        "others stay"
    );
}
