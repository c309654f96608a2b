use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;

use crate::admins::roles::Roles;
use crate::admins::sign_in_throttle::SignInThrottle;
use crate::admins::{self, Admins, SessionSettings};
use crate::audit::Audit;
use crate::catalog::Catalog;
use crate::content::Content;
use crate::failure_throttle::{self, FailureWindows, SharedThrottle, ThrottleKind};
use crate::form_handoffs::FormHandoffs;
use crate::notifications::Notifications;
use crate::notifications::mailer::Mailer;
use crate::policy::service::Policies;
use crate::server_key::ServerKey;
use crate::store::Store;
use crate::tokens::Tokens;
use crate::tokens::cache::{TokenCache, Trust};
use crate::tokens::change_feed::{Feed, ReconnectGate};
use crate::tokens::usage::UsageRecorder;
use crate::tokens::verifier::{self, Verifier};
use crate::webhooks::Webhooks;

/// Knobs the services need from configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a sign-in lasts.
    pub session_ttl: Duration,
    /// How long a sign-in lasts unused.
    pub session_idle: Duration,
    /// How long a typed password lets an admin do sensitive things (create, regenerate,
    /// revoke, change admins and roles) before it is asked for again; `None`: never.
    pub reconfirm_window: Option<Duration>,
    /// Failed verifications one client address may make per `throttle_window`; 0 = no limit.
    pub throttle_limit: u32,
    pub throttle_window: StdDuration,
    /// The content resources tokens can be granted.
    pub catalog: Catalog,
    /// Failed sign-ins allowed per account and per address.
    pub sign_in_throttle: SignInThrottle,
    /// Where notifications are mailed; `None` notifies in the panel only.
    pub mailer: Option<Mailer>,
    /// While the database is away, tokens verified before are still accepted from the
    /// cache for this long after the change feed lost it; zero refuses them (503).
    pub outage_grace: StdDuration,
}

/// The defaults: the constants beside the code each one tunes. The server's command-line
/// flags (and its test configuration) default to the same constants, so they cannot drift.
impl Default for Settings {
    fn default() -> Self {
        Self {
            session_ttl: admins::DEFAULT_SESSION_TTL,
            session_idle: admins::DEFAULT_SESSION_IDLE,
            reconfirm_window: Some(admins::DEFAULT_RECONFIRM_WINDOW),
            throttle_limit: failure_throttle::DEFAULT_LIMIT,
            throttle_window: failure_throttle::DEFAULT_WINDOW,
            catalog: Catalog::default(),
            sign_in_throttle: SignInThrottle::default(),
            mailer: None,
            outage_grace: verifier::DEFAULT_OUTAGE_GRACE,
        }
    }
}

/// Every service, wired to one store and one key. Cheap to clone.
#[derive(Clone)]
pub struct Tollgate {
    pub store: Store,
    pub admins: Admins,
    pub roles: Roles,
    pub tokens: Tokens,
    pub verifier: Verifier,
    pub content: Content,
    pub usage: UsageRecorder,
    pub notifications: Notifications,
    pub audit: Audit,
    pub policy: Policies,
    pub webhooks: Webhooks,
    /// What a no-JS form post leaves for the page it redirects to (sealed, in the database).
    pub form_handoffs: FormHandoffs,
    cache: TokenCache,
}

impl Tollgate {
    pub fn new(store: Store, key: ServerKey, settings: Settings) -> Self {
        let key = Arc::new(key);
        let catalog = Arc::new(settings.catalog);
        let usage = UsageRecorder::default();
        // Another instance may change tokens behind a Postgres cache's back: it trusts
        // nothing until the change feed has caught up.
        let cache = match store {
            Store::Sqlite(_) => TokenCache::default(),
            Store::Postgres(_) => TokenCache::unconfirmed(),
        };
        let notifications = Notifications::new(store.clone(), settings.mailer);
        let audit = Audit::new(store.clone());
        // Every throttle counts with the other instances on this database.
        let failure_windows =
            FailureWindows::new(store.clone(), key.clone()).watching(cache.clone());
        let sessions = SessionSettings {
            ttl: settings.session_ttl,
            idle: settings.session_idle,
            reconfirm_window: settings.reconfirm_window,
        };
        Self {
            form_handoffs: FormHandoffs::new(store.clone(), &key),
            admins: Admins::new(
                store.clone(),
                sessions,
                settings
                    .sign_in_throttle
                    .shared_through(failure_windows.clone()),
                audit.clone(),
            ),
            roles: Roles::new(store.clone()),
            webhooks: Webhooks::new(store.clone()),
            tokens: Tokens::new(
                store.clone(),
                key.clone(),
                catalog.clone(),
                cache.clone(),
                notifications.clone(),
                failure_windows.clone(),
            ),
            verifier: Verifier {
                store: store.clone(),
                key,
                catalog: catalog.clone(),
                cache: cache.clone(),
                throttle: SharedThrottle::new(
                    ThrottleKind::BadTokenAddress,
                    settings.throttle_limit,
                    settings.throttle_window,
                )
                .shared_through(failure_windows),
                usage: usage.clone(),
                rate_limits: Default::default(),
                quotas: Default::default(),
                outage_grace: settings.outage_grace,
            },
            content: Content::new(store.clone(), catalog),
            usage,
            notifications,
            audit,
            policy: Policies::new(store.clone()),
            cache,
            store,
        }
    }

    /// Writes buffered usage to the database; logs rather than fails.
    pub async fn flush_usage(&self) {
        if let Err(error) = self.usage.flush(&self.store).await {
            tracing::warn!(%error, "could not record token usage; will retry");
        }
    }

    /// On Postgres, keeps this instance's token cache in step with changes any instance
    /// makes, for as long as the returned future runs (see [`crate::tokens::change_feed`]): reconnects
    /// whenever the connection is lost and catches up before trusting the cache again.
    /// Resolves at once on SQLite. Listens and catches up before returning the loop, so
    /// the cache is trusted from then on and no change made after start-up is missed.
    pub async fn follow_token_changes(
        &self,
    ) -> Result<impl Future<Output = ()> + use<>, crate::store::StoreError> {
        self.follow_token_changes_gated(ReconnectGate::default())
            .await
    }

    /// [`Tollgate::follow_token_changes`], held at `gate` each time it has reconnected,
    /// before it listens again (for tests).
    pub async fn follow_token_changes_gated(
        &self,
        gate: ReconnectGate,
    ) -> Result<impl Future<Output = ()> + use<>, crate::store::StoreError> {
        let feed = Feed::start(&self.store, self.cache.clone()).await?;
        let store = self.store.clone();
        Ok(async move {
            if let Some(feed) = feed {
                feed.follow(store, gate).await;
            }
        })
    }

    /// Whether this instance's cached tokens can be believed at the moment (always on
    /// SQLite; on Postgres while the change feed listens and has caught up).
    pub fn cache_trust(&self) -> Trust {
        self.cache.trust()
    }

    /// Whether the change feed finds the database away (Postgres): then requests that
    /// need it are refused at once rather than left waiting for a connection.
    pub fn database_away(&self) -> bool {
        matches!(
            self.cache.trust(),
            Trust::Unconfirmed {
                database_away: true,
                ..
            }
        )
    }
}
