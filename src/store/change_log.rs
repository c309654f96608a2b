//! Cross-instance cache invalidation on Postgres. Every change of a token row that matters
//! to verification is, in the transaction that makes it (a trigger, see the Postgres
//! migrations), announced on `tollgate_token_changes` with the token's old hash and
//! written to `token_change_log`. An instance listens for the announcements (fast), and
//! reads the log to catch up on what it may have missed while it was not listening (safe).
//! SQLite has one instance and nothing to follow.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgListener, PgPoolOptions};

use super::{Store, StoreResult};

pub const TOKEN_CHANGES_CHANNEL: &str = "tollgate_token_changes";

/// How long the log keeps a change. An instance whose last catch-up is older than half
/// of this treats everything as changed.
pub const LOG_RETENTION: Duration = Duration::from_secs(3600);

/// How long opening the feed's connection may take before it counts as failed. Refused
/// connections are retried within it, so a database coming back is seen within ~0.2 s.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// A connection of its own for following token changes made by any instance.
pub struct TokenChanges(PgListener);

/// Where a catch-up got to: every change by a transaction older than `oldest_running`
/// has been read (it had ended when the mark was taken), so the next catch-up starts
/// there. `at` is the database's clock then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangeMark {
    oldest_running: i64,
    at: DateTime<Utc>,
}

/// What may have changed since the previous catch-up. Holds hashes, so it has no `Debug`.
pub enum Missed {
    /// The tokens stored under these hashes.
    These(Vec<String>),
    /// Anything: there was no previous catch-up, or it is older than the log goes back.
    Anything,
}

impl Store {
    /// Opens the feed's connection on Postgres (not listening yet); `None` on SQLite. It
    /// has a pool of its own, so a busy request pool can't keep the feed from reconnecting
    /// and a connection stuck on a dead network leaves with its pool.
    pub async fn connect_token_changes(&self) -> StoreResult<Option<TokenChanges>> {
        match self {
            Store::Sqlite(_) => Ok(None),
            Store::Postgres(pool) => {
                let own = PgPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_lazy_with((*pool.connect_options()).clone());
                let mut listener = PgListener::connect_with(&own).await?;
                // A lost connection ends this value; the feed opens a new one and catches
                // up, rather than sqlx re-listening behind its back.
                listener.eager_reconnect(false);
                Ok(Some(TokenChanges(listener)))
            }
        }
    }
}

impl TokenChanges {
    pub async fn listen(&mut self) -> StoreResult<()> {
        self.0.listen(TOKEN_CHANGES_CHANNEL).await?;
        Ok(())
    }

    /// The old hash of the next token that changed; `None` once the connection is lost.
    pub async fn next(&mut self) -> StoreResult<Option<String>> {
        Ok(self
            .0
            .try_recv()
            .await?
            .map(|notification| notification.payload().to_owned()))
    }

    /// Reads which tokens changed since `since` (on this connection, after `listen`, so
    /// that whatever commits later is announced to it), prunes the log, and returns where
    /// the next catch-up starts.
    pub async fn catch_up(
        &mut self,
        since: Option<ChangeMark>,
    ) -> StoreResult<(Missed, ChangeMark)> {
        const MARK: &str = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, now()";
        const CHANGED: &str = "SELECT DISTINCT token_hash FROM token_change_log WHERE txid >= $1";
        const PRUNE: &str = "DELETE FROM token_change_log WHERE changed_at < $1";
        // Taken before the read below: whatever ended before this snapshot, the read sees.
        let (oldest_running, at): (i64, DateTime<Utc>) =
            sqlx::query_as(MARK).fetch_one(&mut self.0).await?;
        let mark = ChangeMark { oldest_running, at };
        let window = chrono::Duration::from_std(LOG_RETENTION).expect("an hour fits");
        let missed = match since {
            Some(since) if at - since.at < window / 2 => Missed::These(
                sqlx::query_scalar(CHANGED)
                    .bind(since.oldest_running)
                    .fetch_all(&mut self.0)
                    .await?,
            ),
            _ => Missed::Anything,
        };
        sqlx::query(PRUNE)
            .bind(at - window)
            .execute(&mut self.0)
            .await?;
        Ok((missed, mark))
    }
}
