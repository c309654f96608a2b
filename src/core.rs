use std::sync::Arc;

use chrono::Duration;

use crate::admins::Admins;
use crate::catalog::Catalog;
use crate::content::Content;
use crate::key::ServerKey;
use crate::store::Store;
use crate::tokens::Tokens;
use crate::usage::UsageRecorder;
use crate::verify::Verifier;

/// Knobs the services need from configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a sign-in lasts.
    pub session_ttl: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_ttl: Duration::hours(12),
        }
    }
}

/// Every service, wired to one store and one key. Cheap to clone.
#[derive(Clone)]
pub struct Tollgate {
    pub store: Store,
    pub admins: Admins,
    pub tokens: Tokens,
    pub verifier: Verifier,
    pub content: Content,
    pub usage: UsageRecorder,
}

impl Tollgate {
    pub fn new(store: Store, key: ServerKey, settings: Settings) -> Self {
        let key = Arc::new(key);
        let catalog = Arc::new(Catalog::default());
        let usage = UsageRecorder::default();
        Self {
            admins: Admins::new(store.clone(), settings.session_ttl),
            tokens: Tokens::new(store.clone(), key.clone(), catalog.clone()),
            verifier: Verifier::new(store.clone(), key, catalog.clone(), usage.clone()),
            content: Content::new(store.clone(), catalog),
            usage,
            store,
        }
    }

    /// Writes buffered usage to the database; logs rather than fails.
    pub async fn flush_usage(&self) {
        if let Err(error) = self.usage.flush(&self.store).await {
            tracing::warn!(%error, "could not record token usage; will retry");
        }
    }
}
