//! One store, two backends. The SQL is shared text (`$1` placeholders work on both), and
//! [`on_pool!`] runs the same expression against whichever pool is configured, so each
//! query is written once and type-checked for both databases.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

mod admin_accounts;
mod admins;
mod audit;
mod change_log;
mod documents;
mod failure_windows;
mod folding;
mod form_handoffs;
mod instance;
mod lifecycle;
mod notifications;
mod policy;
mod rate_windows;
mod roles;
mod token_list;
mod token_writes;
mod tokens;
pub(crate) mod webhook_outbox;
mod webhooks;

pub use admin_accounts::{AdminChange, AdminChangeOutcome};
pub use admins::{AdminCredentials, SessionRecord};
pub use audit::NewAuditEvent;
pub use change_log::{ChangeMark, Missed, TOKEN_CHANGES_CHANNEL, TokenChanges};
pub use documents::Document;
pub use failure_windows::SharedWindow;
pub use lifecycle::{ExpiringToken, ExpiryWarning};
pub use rate_windows::{RateGrant, RateWindow};
pub use roles::RoleDeletion;
pub use token_list::ListCursor;
pub use token_writes::{QuotaGrant, QuotaReset, Revocation, TokenState, TokenUpdate};
pub use tokens::{NewTokenRecord, TokenAuthRecord};
pub use webhook_outbox::{AttemptRecord, ClaimedDelivery};
pub use webhooks::WebhookRecord;

/// `Retry-After` (seconds) of every answer to [`StoreError::Unavailable`], at every door:
/// about how long a database restart takes.
pub const UNAVAILABLE_RETRY_AFTER: u64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "unsupported database URL scheme `{0}`: use sqlite://PATH or postgres://USER:PASSWORD@HOST/DB"
    )]
    UnsupportedUrl(String),
    /// A unique index refused the write; the caller knows which one it touched.
    #[error("a unique constraint was violated")]
    UniqueViolation,
    /// A foreign key refused the write (e.g. a role deleted meanwhile).
    #[error("a referenced row does not exist")]
    ForeignKeyViolation,
    /// The database cannot be reached (down, restarting, refusing connections, or no
    /// connection free within [`ACQUIRE_TIMEOUT`]): worth retrying, unlike [`Self::Database`].
    #[error("the database is unavailable: {0}")]
    Unavailable(sqlx::Error),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("a stored row is corrupt: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::UniqueViolation,
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::ForeignKeyViolation
            }
            _ if is_unavailable(&error) => StoreError::Unavailable(error),
            _ => StoreError::Database(error),
        }
    }
}

/// Whether `error` says the database is away rather than that a query was wrong.
fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_) => true,
        // SQLSTATE class 08 (connection exception), 57P01–57P03 (shut down by the
        // administrator, crashed, still starting) and 53300 (too many connections).
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || code.starts_with("57P") || code == "53300"
        }),
        _ => false,
    }
}

/// How long a request waits for a pooled Postgres connection before it gives up with
/// [`StoreError::Unavailable`] (a 503). Queries take milliseconds, so a wait this long
/// means the database is away or swamped; was 10 s, which outlasted a load balancer's
/// probe and left every request of an outage hanging.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

pub type StoreResult<T> = Result<T, StoreError>;

/// A connection pool on SQLite (embedded, the default) or Postgres (shared by instances).
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the configured backend's pool.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite($pool) => $body,
            $crate::store::Store::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Store {
    /// Connects by URL scheme (`sqlite:` or `postgres:`) and brings the schema up to date.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    async fn connect(url: &str) -> StoreResult<Self> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await?;
                Ok(Store::Sqlite(pool))
            }
            "postgres" | "postgresql" => {
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect(url)
                    .await?;
                Ok(Store::Postgres(pool))
            }
            other => Err(StoreError::UnsupportedUrl(other.to_owned())),
        }
    }

    /// Runs the migrations, then fills the folded names SQL cannot compute.
    pub async fn migrate(&self) -> StoreResult<()> {
        match self {
            Store::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Store::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        self.fold_names().await
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> StoreResult<()> {
        on_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(drop)?);
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }
}

/// Turns a database URL into something safe to log: the password is replaced.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://tollgate:s3cret@127.0.0.1:5432/db"),
            "postgres://tollgate:***@127.0.0.1:5432/db"
        );
        assert_eq!(
            redact_url("sqlite://data/tollgate.db"),
            "sqlite://data/tollgate.db"
        );
    }

    #[tokio::test]
    async fn unknown_schemes_are_refused_without_echoing_the_url() {
        let err = Store::open("mysql://root:hunter2@localhost/db")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("`mysql`"));
        assert!(!err.to_string().contains("hunter2"));
    }
}
