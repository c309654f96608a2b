use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tollgate::admins::sign_in_throttle::SignInThrottle;
use tollgate::catalog::Catalog;
use tollgate::notifications::mailer::{MailError, MailSettings, Mailer};
use tollgate::server_key::{KeyError, ServerKey};
use tollgate::store::{Store, StoreError, redact_url};
use tollgate::webhooks::delivery::{DeliveryWorker, WorkerSettings};
use tollgate::{Settings, Tollgate};

use crate::config::Config;
use crate::connections::{self, ConnectionLimits};
use crate::router::{AppState, router};
use crate::site_assets::{SiteAssets, SiteError};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("resource catalog {path}: {reason}")]
    Catalog { path: String, reason: String },
    #[error("secret key: {0}")]
    Key(#[from] KeyError),
    #[error("database {url}: {source}")]
    Store { url: String, source: StoreError },
    #[error(
        "cannot listen on {addr}: {source} (is another Tollgate running? choose another port with --addr)"
    )]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the built panel (--site-root): {0}")]
    Site(#[from] SiteError),
    #[error("cannot follow token changes in the database: {0}")]
    Changes(StoreError),
    #[error("mail (--smtp-url / --smtp-from): {0}")]
    Mail(#[from] MailError),
    #[error("pre-generating the first tokens failed: {0}")]
    FirstStart(tollgate::ServiceError),
    #[error("seeding failed: {0}")]
    Seed(tollgate::ServiceError),
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// Opens the store (running migrations) and wires the core.
pub async fn open_core(config: &Config) -> Result<Tollgate, StartupError> {
    // A bad catalog file or mail setting stops start-up before anything touches the database.
    let catalog = load_catalog(config)?;
    let mailer = config
        .smtp_url
        .as_ref()
        .map(|smtp_url| {
            Mailer::new(&MailSettings {
                smtp_url: smtp_url.clone(),
                from: config.smtp_from.clone(),
            })
        })
        .transpose()?;
    std::fs::create_dir_all(&config.data_dir).map_err(|source| StartupError::DataDir {
        path: config.data_dir.display().to_string(),
        source,
    })?;
    let key = match &config.secret_key {
        Some(hex) => ServerKey::from_hex(hex)?,
        None => ServerKey::load_or_create(&config.data_dir.join("secret.key"))?,
    };
    let url = config.database_url();
    let store = Store::open(&url)
        .await
        .map_err(|source| StartupError::Store {
            url: redact_url(&url),
            source,
        })?;
    let settings = Settings {
        session_ttl: chrono::Duration::hours(i64::from(config.session_hours)),
        session_idle: chrono::Duration::minutes(i64::from(config.session_idle_minutes)),
        reconfirm_window: (config.reconfirm_minutes > 0)
            .then(|| chrono::Duration::minutes(i64::from(config.reconfirm_minutes))),
        throttle_limit: config.throttle_limit,
        throttle_window: Duration::from_secs(config.throttle_window_seconds),
        catalog,
        sign_in_throttle: SignInThrottle::default(),
        mailer,
        outage_grace: Duration::from_secs(config.outage_grace_seconds),
    };
    Ok(Tollgate::new(store, key, settings))
}

/// The configured catalog file, or the demo resources.
fn load_catalog(config: &Config) -> Result<Catalog, StartupError> {
    let Some(path) = &config.catalog else {
        return Ok(Catalog::default());
    };
    std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|text| Catalog::from_json(&text))
        .map_err(|reason| StartupError::Catalog {
            path: path.display().to_string(),
            reason,
        })
}

/// A bound, ready-to-run server. Tests bind port 0 and read [`Application::addr`].
pub struct Application {
    listener: TcpListener,
    state: AppState,
    usage_flush: Duration,
    limits: ConnectionLimits,
}

impl Application {
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let core = open_core(config).await?;
        // Here rather than in `open_core`: only serving is a start, not `migrate` or `admin`.
        core.tokens
            .pregenerate_on_first_start()
            .await
            .map_err(StartupError::FirstStart)?;
        let listener =
            TcpListener::bind(config.addr)
                .await
                .map_err(|source| StartupError::Bind {
                    addr: config.addr,
                    source,
                })?;
        let addr = listener.local_addr().map_err(StartupError::Serve)?;
        let assets = SiteAssets::read(&config.site_root)?;
        let state = AppState {
            leptos_options: assets.leptos_options(addr),
            assets,
            core,
            secure_cookies: config.secure_cookies,
            api: config.api_settings(),
            usage_flush: Duration::from_secs(config.usage_flush_seconds),
        };
        let mut limits = config.limits.connection_limits();
        limits.max_connections = connections::fit_to_open_file_limit(limits.max_connections);
        Ok(Self {
            listener,
            state,
            usage_flush: Duration::from_secs(config.usage_flush_seconds),
            limits,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn core(&self) -> &Tollgate {
        &self.state.core
    }

    /// Serves until Ctrl-C or SIGTERM, then writes the last buffered usage and closes the pool.
    pub async fn run_until_stopped(self) -> Result<(), StartupError> {
        let core = self.state.core.clone();
        // Subscribed before the first request is served, so no change is missed.
        let follow_changes = core
            .follow_token_changes()
            .await
            .map_err(StartupError::Changes)?;
        let changes = tokio::spawn(follow_changes);
        let jobs = tokio::spawn(background_jobs(core.clone(), self.usage_flush));
        // Every instance runs one: claims are once-only across instances.
        let webhooks = tokio::spawn(
            DeliveryWorker::new(
                core.store.clone(),
                core.notifications.clone(),
                WorkerSettings::default(),
            )
            .run(core.webhooks.wake_signal()),
        );
        let app = router(self.state);
        connections::serve(self.listener, app, self.limits, shutdown_signal()).await;
        jobs.abort();
        // An attempt cut short keeps its lease; another instance (or the next start)
        // retries it once the lease ends.
        webhooks.abort();
        // The change feed holds a pooled connection; closing the pool waits for it.
        changes.abort();
        let _ = changes.await;
        core.flush_usage().await;
        core.store.close().await;
        Ok(())
    }
}

/// Flushes token usage every `flush`, runs the token lifecycle jobs (expiry warnings, the
/// inactivity rule) and drops the no-JS handoffs nobody came for every minute, and purges
/// ended sessions every hour.
async fn background_jobs(core: Tollgate, flush: Duration) {
    let mut flush_tick = tokio::time::interval(flush);
    let mut lifecycle_tick = tokio::time::interval(Duration::from_secs(60));
    let mut purge_tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tokio::select! {
            _ = flush_tick.tick() => core.flush_usage().await,
            _ = lifecycle_tick.tick() => {
                let now = chrono::Utc::now();
                core.tokens.run_lifecycle_jobs(now).await;
                if let Err(error) = core.form_handoffs.purge(now).await {
                    tracing::warn!(%error, "could not purge stale form handoffs");
                }
            }
            _ = purge_tick.tick() => {
                if let Err(error) = core.admins.purge_expired_sessions().await {
                    tracing::warn!(%error, "could not purge expired sessions");
                }
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
