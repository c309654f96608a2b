//! Following the database's token changes on Postgres, so this instance's cache never
//! answers for a token another instance changed.
//!
//! The feed listens for announcements (milliseconds) and, because an announcement made
//! while it was not listening is gone for good, reads the change log from where it left
//! off each time it starts listening again, and every couple of seconds anyway. Only
//! then does it let the cache be trusted. In order, after losing the connection:
//! 1. the cache stops being trusted (nothing new is kept; lookups ask the database, or
//!    while it is away answer from the cache within the outage grace, see `verify.rs`);
//! 2. reconnect, retrying every ~0.1 s; `LISTEN`;
//! 3. read every change logged since the last catch-up and drop those tokens (or all of
//!    them, if that was too long ago); only then trust the cache again.
//!
//! A change that commits after step 3's read was made after `LISTEN` and is announced.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::store::{ChangeMark, Missed, Store, StoreError, StoreResult, TokenChanges};
use crate::tokens::cache::TokenCache;

/// For tests: holds the change feed back after it lost the database, before it listens
/// again, until released. A slow reconnect opens that gap by chance; a test opens it on
/// purpose. Production code never holds it.
#[derive(Clone, Default)]
pub struct ReconnectGate(Arc<watch::Sender<GateState>>);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum GateState {
    #[default]
    Open,
    Held,
    /// Held, and the feed is waiting at it.
    Reached,
}

impl ReconnectGate {
    /// From now on the feed stops at the gate the next time it reconnects.
    pub fn hold(&self) {
        self.0.send_replace(GateState::Held);
    }

    /// Lets the feed through.
    pub fn release(&self) {
        self.0.send_replace(GateState::Open);
    }

    /// Resolves once the feed waits at the held gate.
    pub async fn reached(&self) {
        let mut state = self.0.subscribe();
        let _ = state.wait_for(|s| *s == GateState::Reached).await;
    }

    /// The feed's side: waits here while the gate is held.
    pub(crate) async fn pass(&self) {
        let mut state = self.0.subscribe();
        self.0.send_if_modified(|s| {
            let held = *s == GateState::Held;
            if held {
                *s = GateState::Reached;
            }
            held
        });
        let _ = state.wait_for(|s| *s == GateState::Open).await;
    }
}

/// How often a listening feed catches up from the log anyway. This is the heartbeat that
/// finds a connection that died without a word (a dead network), and the bound on how
/// late a lost announcement is made good.
const CATCH_UP_EVERY: Duration = Duration::from_secs(2);
/// A catch-up (a few index reads) that takes longer than this means the connection is
/// gone or the database is away.
const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(2);
/// Pause between two failed attempts to reconnect. Each attempt itself retries a refused
/// connection for up to a second, so a database that is back is found within ~0.2 s.
const RETRY_PAUSE: Duration = Duration::from_millis(100);

/// A feed that listens and has caught up: the cache is current while this runs.
pub(crate) struct Feed {
    changes: TokenChanges,
    mark: ChangeMark,
    cache: TokenCache,
}

impl Feed {
    /// Connects, listens and catches up (dropping the whole cache: nothing is known about
    /// what happened before), then confirms the cache. `None` on SQLite.
    pub(crate) async fn start(store: &Store, cache: TokenCache) -> StoreResult<Option<Self>> {
        let Some(changes) = store.connect_token_changes().await? else {
            return Ok(None);
        };
        Ok(Some(Self::listen(changes, None, cache).await?))
    }

    /// Listens on `changes`, then drops every token changed since `since` (everything,
    /// without a mark), then trusts the cache. Listening first: whatever commits after the
    /// catch-up's read is announced.
    async fn listen(
        mut changes: TokenChanges,
        since: Option<ChangeMark>,
        cache: TokenCache,
    ) -> StoreResult<Self> {
        changes.listen().await?;
        let (missed, mark) = changes.catch_up(since).await?;
        drop_missed(&cache, missed);
        cache.confirm();
        Ok(Self {
            changes,
            mark,
            cache,
        })
    }

    /// Reads the log from the mark, drops what changed, and moves the mark on.
    async fn catch_up(&mut self) -> StoreResult<()> {
        let (missed, mark) = self.changes.catch_up(Some(self.mark)).await?;
        drop_missed(&self.cache, missed);
        self.mark = mark;
        Ok(())
    }

    /// Follows changes for as long as the returned future runs, reconnecting whenever the
    /// connection is lost. While it is not listening and caught up, the cache is not
    /// trusted (see [`TokenCache::lose_feed`]).
    pub(crate) async fn follow(mut self, store: Store, gate: ReconnectGate) {
        loop {
            let error = self.listen_until_lost().await;
            tracing::warn!(error = %error, "lost the token change feed; reconnecting");
            self.cache.lose_feed(true);
            self = Self::reconnect(&store, self.mark, self.cache, &gate).await;
            tracing::info!("token change feed listening and caught up again");
        }
    }

    /// Drops each announced token, and catches up every [`CATCH_UP_EVERY`], until the
    /// connection fails; returns why.
    async fn listen_until_lost(&mut self) -> StoreError {
        let mut next_catch_up = Instant::now() + CATCH_UP_EVERY;
        loop {
            match tokio::time::timeout_at(next_catch_up, self.changes.next()).await {
                Ok(Ok(Some(hash))) => self.cache.invalidate(&hash),
                Ok(Ok(None)) => return lost("the connection closed"),
                Ok(Err(error)) => return error,
                Err(_due) => {
                    match tokio::time::timeout(CATCH_UP_TIMEOUT, self.catch_up()).await {
                        Ok(Ok(())) => {}
                        Ok(Err(error)) => return error,
                        Err(_) => return lost("a catch-up did not answer in time"),
                    }
                    next_catch_up = Instant::now() + CATCH_UP_EVERY;
                }
            }
        }
    }

    /// Tries until the database answers, listens and catches up from `since`.
    async fn reconnect(
        store: &Store,
        since: ChangeMark,
        cache: TokenCache,
        gate: &ReconnectGate,
    ) -> Self {
        loop {
            match store.connect_token_changes().await {
                Ok(Some(changes)) => {
                    // The database answers: lookups may ask it, though the cache is not
                    // trusted until the catch-up below.
                    cache.set_database_away(false);
                    gate.pass().await;
                    let listening = Self::listen(changes, Some(since), cache.clone());
                    match tokio::time::timeout(CATCH_UP_TIMEOUT, listening).await {
                        Ok(Ok(feed)) => return feed,
                        Ok(Err(error)) => {
                            tracing::warn!(%error, "could not catch up on token changes");
                        }
                        Err(_) => tracing::warn!("catching up on token changes timed out"),
                    }
                }
                Ok(None) => unreachable!("only Postgres has a feed"),
                Err(error) => {
                    cache.set_database_away(true);
                    tracing::debug!(%error, "the database is still away");
                }
            }
            tokio::time::sleep(RETRY_PAUSE).await;
        }
    }
}

fn drop_missed(cache: &TokenCache, missed: Missed) {
    match missed {
        Missed::These(hashes) => hashes.iter().for_each(|hash| cache.invalidate(hash)),
        Missed::Anything => cache.invalidate_all(),
    }
}

fn lost(why: &str) -> StoreError {
    StoreError::Unavailable(sqlx::Error::Protocol(format!("token change feed: {why}")))
}
