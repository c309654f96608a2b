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

/// Runs each named `async fn(&Tollgate)` of the calling module on a fresh SQLite
/// database and on a fresh Postgres schema: `<area>::sqlite::<name>`, `<area>::postgres::<name>`.
macro_rules! store_tests {
    // Tests that take the whole `TestDb`, to start a second instance on it.
    (instances: $($name:ident),* $(,)?) => {
        mod sqlite_instances {
            $(#[tokio::test]
            async fn $name() {
                let db = crate::TestDb::sqlite().await;
                super::$name(&db).await;
                db.finish().await;
            })*
        }
        mod postgres_instances {
            $(#[tokio::test]
            async fn $name() {
                let db = crate::TestDb::postgres().await;
                super::$name(&db).await;
                db.finish().await;
            })*
        }
    };
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                let db = crate::TestDb::sqlite().await;
                super::$name(&db.core).await;
                db.finish().await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                let db = crate::TestDb::postgres().await;
                super::$name(&db.core).await;
                db.finish().await;
            })*
        }
    };
}

/// Runs `$query` (a bound `sqlx::query`, written once) on whichever backend `$core` uses,
/// for tests that set a row as time passing would have left it (a token's dates).
macro_rules! execute {
    ($core:expr, $query:expr) => {
        match &$core.store {
            tollgate::store::Store::Sqlite(pool) => $query.execute(pool).await.map(drop),
            tollgate::store::Store::Postgres(pool) => $query.execute(pool).await.map(drop),
        }
        .unwrap()
    };
}

/// Roles and permission checks.
mod access;
/// Managing administrators, profiles and the command line.
mod admin_accounts;
/// The audit log and the password re-confirmation.
mod audit;
/// The demo content the API door serves.
mod content;
/// The tokens a new database starts with.
mod first_start;
/// What a no-JS form post leaves, sealed, for the page it redirects to.
mod form_handoffs;
/// Reviewing the inventory: unused and creator filters, the streamed export.
mod inventory;
/// Leaked-token reports: revoked at once, audited, announced, throttled.
mod leaks;
/// Expiry warnings, renewing, and the inactivity rule, with the clock moved by hand.
mod lifecycle;
/// Who hears of new tokens, and what they are told.
mod notifications;
/// Revocation through a database outage, on a private Postgres cluster.
mod outage;
/// The token policy: enforced at every write, previewed, brought into.
mod policy;
/// Tokens outside the policy: flagged, filtered, exported; the policy's default lifetime.
mod policy_outside;
#[path = "../common/private_postgres.rs"]
mod private_postgres;
/// Networks, rate limits, quotas, suspend, not-before, grace periods, metadata.
mod restrictions;
/// Two instances on one Postgres: a revoke on one reaches the other.
mod second_instance;
/// The throttles counted across instances, in the database; only failures write.
mod shared_throttles;
/// The first admin, signing in, sessions, and the failed sign-in throttle.
mod sign_in;
/// Sign-in under attack: racing guesses, every password check throttled.
mod sign_in_abuse;
/// Control and invisible characters at every door; folded names.
mod text_input;
/// Editing, regenerating and revoking tokens.
mod token_changes;
/// The token list: sorts, keyset pages, filters and search.
mod token_list;
/// Token edits that widen it, and edits by roles that can't read tokens.
mod token_widening;
/// Creating and verifying tokens: types, names, expiry, what the database holds.
mod tokens;
/// Usage counted in memory and flushed in batches.
mod usage;
/// Webhook endpoints, the outbox and claiming deliveries.
mod webhooks;

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
        lifetime: Some(TokenLifetime::Days30),
        token_type,
        permissions,
        ..Default::default()
    }
}
