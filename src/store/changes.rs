//! Cross-instance cache invalidation on Postgres: a trigger (see the Postgres migrations)
//! announces the old hash of every token row that changes on `tollgate_token_changes`;
//! each instance listens and drops that hash from its cache. SQLite has one instance and
//! nothing to listen to.

use sqlx::postgres::PgListener;

use super::{Store, StoreResult};

pub const TOKEN_CHANGES_CHANNEL: &str = "tollgate_token_changes";

/// A subscription to token changes made by any instance.
pub struct TokenChanges(PgListener);

/// What the subscription heard.
pub enum TokenChange {
    /// The token stored under this hash changed or ended.
    Changed(String),
    /// The connection dropped and was re-established: changes may have been missed.
    MaybeMissed,
}

impl Store {
    /// Subscribes on Postgres; `None` on SQLite.
    pub async fn subscribe_token_changes(&self) -> StoreResult<Option<TokenChanges>> {
        match self {
            Store::Sqlite(_) => Ok(None),
            Store::Postgres(pool) => {
                let mut listener = PgListener::connect_with(pool).await?;
                listener.listen(TOKEN_CHANGES_CHANNEL).await?;
                listener.eager_reconnect(false);
                Ok(Some(TokenChanges(listener)))
            }
        }
    }
}

impl TokenChanges {
    pub async fn next(&mut self) -> StoreResult<TokenChange> {
        Ok(match self.0.try_recv().await? {
            Some(notification) => TokenChange::Changed(notification.payload().to_owned()),
            None => TokenChange::MaybeMissed,
        })
    }
}
