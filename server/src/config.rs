use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

use tollgate::client_address::TrustedProxies;

use crate::admin_cli::AdminCommand;
use crate::api_door::ForwardAuthHeaders;
use crate::connections::ConnectionLimits;
use crate::logging::LogFormat;
use crate::router::ApiSettings;

/// The flags' defaults, in the flags' units. Where the core has a default (the one
/// `tollgate::Settings::default` uses), it is that constant; what only the server has is
/// set here. The flags, [`LimitsConfig::default`] and [`Config::for_tests`] all read these.
pub mod defaults {
    use tollgate::admins::{DEFAULT_RECONFIRM_WINDOW, DEFAULT_SESSION_IDLE, DEFAULT_SESSION_TTL};
    use tollgate::failure_throttle;
    use tollgate::tokens::verifier::DEFAULT_OUTAGE_GRACE;

    use crate::api_door::ForwardAuthHeaders;

    pub const SESSION_HOURS: u32 = DEFAULT_SESSION_TTL.num_hours() as u32;
    pub const SESSION_IDLE_MINUTES: u32 = DEFAULT_SESSION_IDLE.num_minutes() as u32;
    pub const RECONFIRM_MINUTES: u32 = DEFAULT_RECONFIRM_WINDOW.num_minutes() as u32;
    pub const THROTTLE_LIMIT: u32 = failure_throttle::DEFAULT_LIMIT;
    pub const THROTTLE_WINDOW_SECONDS: u64 = failure_throttle::DEFAULT_WINDOW.as_secs();
    pub const OUTAGE_GRACE_SECONDS: u64 = DEFAULT_OUTAGE_GRACE.as_secs();

    // The flags count in whole units: a core default that is not one would be cut short.
    const _: () = assert!(DEFAULT_SESSION_TTL.num_seconds() == SESSION_HOURS as i64 * 3600);
    const _: () = assert!(DEFAULT_SESSION_IDLE.num_seconds() == SESSION_IDLE_MINUTES as i64 * 60);
    const _: () = assert!(DEFAULT_RECONFIRM_WINDOW.num_seconds() == RECONFIRM_MINUTES as i64 * 60);
    const _: () = assert!(failure_throttle::DEFAULT_WINDOW.subsec_nanos() == 0);
    const _: () = assert!(DEFAULT_OUTAGE_GRACE.subsec_nanos() == 0);

    pub const USAGE_FLUSH_SECONDS: u64 = 5;
    pub const FORWARD_AUTH_PREFIX: &str = "/api";
    pub const FORWARD_AUTH_HEADERS: ForwardAuthHeaders = ForwardAuthHeaders::XOriginal;
    pub const SMTP_FROM: &str = "Tollgate <tollgate@localhost>";
    pub const MAX_CONNECTIONS: u32 = 1000;
    pub const MAX_CONNECTIONS_PER_IP: u32 = 100;
    pub const HEADER_READ_TIMEOUT_SECONDS: u64 = 10;
    pub const BODY_READ_TIMEOUT_SECONDS: u64 = 30;
}

/// Tollgate: API-token management. Every flag can also be set by the environment variable
/// named in its help.
#[derive(Debug, Parser)]
#[command(name = "tollgate", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
    /// How log lines look: `text`, or `json` (one object per line) for log shippers.
    /// Colour codes only when standard output is a terminal.
    #[arg(long, env = "TOLLGATE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Serve the admin panel and the API (the default).
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// For load tests: store COUNT read-only tokens (no expiry) and print the values of
    /// the first PRINT of them, one per line. Never on a production database.
    SeedTokens {
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 10)]
        print: usize,
    },
    /// Manage administrators from a shell, for servers where nobody can sign in yet.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(
        long,
        env = "TOLLGATE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,

    /// Folder for the SQLite database and the generated secret key.
    #[arg(long, env = "TOLLGATE_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// `sqlite://PATH` or `postgres://USER:PASSWORD@HOST:PORT/DB`. Default: SQLite in the
    /// data folder (`DATA_DIR/tollgate.db`).
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// 64 hex characters keying the token hashes. Default: generated on first start into
    /// `DATA_DIR/secret.key` (mode 0600). Every instance sharing a database needs the same key.
    #[arg(
        long,
        env = "TOLLGATE_SECRET_KEY",
        global = true,
        hide_env_values = true
    )]
    pub secret_key: Option<String>,

    /// Folder with the built panel assets (`pkg/`), as produced by `cargo leptos build`.
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,

    /// How long an admin stays signed in, in hours.
    #[arg(long, env = "TOLLGATE_SESSION_HOURS", default_value_t = defaults::SESSION_HOURS, value_parser = clap::value_parser!(u32).range(1..=720), global = true)]
    pub session_hours: u32,

    /// An admin unseen this many minutes is signed out, whatever `--session-hours` says.
    #[arg(long, env = "TOLLGATE_SESSION_IDLE_MINUTES", default_value_t = defaults::SESSION_IDLE_MINUTES, value_parser = clap::value_parser!(u32).range(5..=43_200), global = true)]
    pub session_idle_minutes: u32,

    /// Creating, regenerating and revoking tokens and changing admins or roles need the
    /// password typed within this many minutes (signing in counts); 0 turns it off.
    #[arg(long, env = "TOLLGATE_RECONFIRM_MINUTES", default_value_t = defaults::RECONFIRM_MINUTES, value_parser = clap::value_parser!(u32).range(0..=1440), global = true)]
    pub reconfirm_minutes: u32,

    /// Mark the session cookie `Secure` (serve the panel over https). Also set automatically
    /// per request behind a proxy that sends `X-Forwarded-Proto: https`.
    #[arg(long, env = "TOLLGATE_SECURE_COOKIES", global = true)]
    pub secure_cookies: bool,

    /// How often buffered "last used" times are written to the database, in seconds.
    #[arg(long, env = "TOLLGATE_USAGE_FLUSH_SECONDS", default_value_t = defaults::USAGE_FLUSH_SECONDS, value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub usage_flush_seconds: u64,

    /// Accept the token as `?access_token=` too (RFC 6750 §2.3). Off by default: URLs end
    /// up in browser histories and proxy logs. Tollgate itself never logs query strings.
    #[arg(long, env = "TOLLGATE_ALLOW_QUERY_TOKEN", global = true)]
    pub allow_query_token: bool,

    /// Failed token verifications one client address may make per `--throttle-window-seconds`
    /// before it gets 429 for the rest of the window; 0 turns throttling off.
    #[arg(
        long,
        env = "TOLLGATE_THROTTLE_LIMIT",
        default_value_t = defaults::THROTTLE_LIMIT,
        global = true
    )]
    pub throttle_limit: u32,

    #[arg(long, env = "TOLLGATE_THROTTLE_WINDOW_SECONDS", default_value_t = defaults::THROTTLE_WINDOW_SECONDS, value_parser = clap::value_parser!(u64).range(1..=86_400), global = true)]
    pub throttle_window_seconds: u64,

    /// The reverse proxies in front (`10.0.0.0/8,127.0.0.1/32`). Only a request whose TCP
    /// peer is inside these networks has its `X-Forwarded-For` and `X-Forwarded-Proto`
    /// believed; the client is the right-most forwarded address that is not a trusted proxy.
    /// Default: none, every client is its TCP peer.
    #[arg(
        long,
        env = "TOLLGATE_TRUSTED_PROXIES",
        value_name = "CIDR,...",
        global = true
    )]
    pub trusted_proxies: Option<TrustedProxies>,

    /// While the database is away, keep accepting tokens this instance verified before, for
    /// this many seconds after it lost the database (at most the cache's 300 s); 0 refuses
    /// them with 503 like every other request that needs the database.
    #[arg(long, env = "TOLLGATE_OUTAGE_GRACE_SECONDS", default_value_t = defaults::OUTAGE_GRACE_SECONDS, value_parser = clap::value_parser!(u64).range(0..=300), global = true)]
    pub outage_grace_seconds: u64,

    /// A JSON file listing the content resources tokens can be granted and the API serves:
    /// `{"resources": ["articles", "invoices"]}`. Default: the demo resources `articles`,
    /// `categories` and `authors`.
    #[arg(long, env = "TOLLGATE_CATALOG", global = true)]
    pub catalog: Option<PathBuf>,

    /// Forward-auth (`/auth/forward`): the path prefix of the protected service's API.
    /// `GET PREFIX/articles` needs `articles.find`, `DELETE PREFIX/articles/7` needs
    /// `articles.delete`, and so on; every other path is refused.
    #[arg(
        long,
        env = "TOLLGATE_FORWARD_AUTH_PREFIX",
        default_value = defaults::FORWARD_AUTH_PREFIX,
        global = true
    )]
    pub forward_auth_prefix: String,

    /// Forward-auth: which headers carry the original method and URI. `x-original`
    /// (`X-Original-Method`/`-URI`, the README's nginx snippet) or `x-forwarded`
    /// (`X-Forwarded-Method`/`-Uri`, Caddy, Traefik). Only that family is read.
    #[arg(long, env = "TOLLGATE_FORWARD_AUTH_HEADERS", value_enum, default_value_t = defaults::FORWARD_AUTH_HEADERS, global = true)]
    pub forward_auth_headers: ForwardAuthHeaders,

    /// Mail notifications (a new token, to every admin who may read tokens) through this
    /// SMTP server: `smtp://USER:PASSWORD@HOST:587` (STARTTLS, required whenever there are
    /// credentials), `smtps://USER:PASSWORD@HOST:465`, or `smtp://127.0.0.1:25` for a local
    /// relay without credentials. Default: notify in the panel only.
    #[arg(long, env = "TOLLGATE_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The From of those mails.
    #[arg(
        long,
        env = "TOLLGATE_SMTP_FROM",
        default_value = defaults::SMTP_FROM,
        global = true
    )]
    pub smtp_from: String,

    #[command(flatten)]
    pub limits: LimitsConfig,
}

/// What one client may hold, and for how long (see `connections`).
#[derive(Debug, Clone, clap::Args)]
pub struct LimitsConfig {
    /// Connections open at once, from everyone; beyond it new ones wait to be accepted.
    /// Lowered at start-up to what the open-file limit holds.
    #[arg(long, env = "TOLLGATE_MAX_CONNECTIONS", default_value_t = defaults::MAX_CONNECTIONS, value_parser = clap::value_parser!(u32).range(1..=1_000_000), global = true)]
    pub max_connections: u32,

    /// Connections open at once from one peer address; one more is closed at once. The peer
    /// is the TCP peer: behind a reverse proxy, set this above the proxy's connection pool.
    #[arg(long, env = "TOLLGATE_MAX_CONNECTIONS_PER_IP", default_value_t = defaults::MAX_CONNECTIONS_PER_IP, value_parser = clap::value_parser!(u32).range(1..=1_000_000), global = true)]
    pub max_connections_per_ip: u32,

    /// A request's head must arrive within this many seconds; an idle keep-alive connection
    /// is closed after as long.
    #[arg(long, env = "TOLLGATE_HEADER_READ_TIMEOUT_SECONDS", default_value_t = defaults::HEADER_READ_TIMEOUT_SECONDS, value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub header_read_timeout_seconds: u64,

    /// A request's body must arrive within this many seconds of its head, or `408`.
    #[arg(long, env = "TOLLGATE_BODY_READ_TIMEOUT_SECONDS", default_value_t = defaults::BODY_READ_TIMEOUT_SECONDS, value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub body_read_timeout_seconds: u64,
}

impl LimitsConfig {
    /// The limits as configured; `Application::build` fits the total to the open-file limit.
    pub fn connection_limits(&self) -> ConnectionLimits {
        ConnectionLimits {
            max_connections: self.max_connections as usize,
            max_connections_per_ip: self.max_connections_per_ip as usize,
            header_read_timeout: Duration::from_secs(self.header_read_timeout_seconds),
            body_read_timeout: Duration::from_secs(self.body_read_timeout_seconds),
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            max_connections: defaults::MAX_CONNECTIONS,
            max_connections_per_ip: defaults::MAX_CONNECTIONS_PER_IP,
            header_read_timeout_seconds: defaults::HEADER_READ_TIMEOUT_SECONDS,
            body_read_timeout_seconds: defaults::BODY_READ_TIMEOUT_SECONDS,
        }
    }
}

impl Config {
    /// How the API door reads requests, from these flags.
    pub fn api_settings(&self) -> ApiSettings {
        ApiSettings {
            allow_query_token: self.allow_query_token,
            trusted_proxies: self.trusted_proxies.clone().unwrap_or_default(),
            forward_prefix: self.forward_auth_prefix.clone(),
            forward_auth_headers: self.forward_auth_headers,
        }
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("tollgate.db").display()))
    }

    /// Defaults for tests: an ephemeral port and everything under `data_dir`.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        Self {
            addr: "127.0.0.1:0".parse().expect("valid address"),
            site_root: data_dir.join("site"),
            data_dir,
            database_url: None,
            secret_key: None,
            session_hours: defaults::SESSION_HOURS,
            session_idle_minutes: defaults::SESSION_IDLE_MINUTES,
            reconfirm_minutes: defaults::RECONFIRM_MINUTES,
            secure_cookies: false,
            usage_flush_seconds: defaults::USAGE_FLUSH_SECONDS,
            allow_query_token: false,
            throttle_limit: defaults::THROTTLE_LIMIT,
            throttle_window_seconds: defaults::THROTTLE_WINDOW_SECONDS,
            outage_grace_seconds: defaults::OUTAGE_GRACE_SECONDS,
            trusted_proxies: None,
            forward_auth_prefix: defaults::FORWARD_AUTH_PREFIX.into(),
            forward_auth_headers: defaults::FORWARD_AUTH_HEADERS,
            catalog: None,
            smtp_url: None,
            smtp_from: defaults::SMTP_FROM.into(),
            limits: LimitsConfig::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Command>, clap::Error> {
        Cli::try_parse_from(std::iter::once("tollgate").chain(args.iter().copied()))
            .map(|cli| cli.command)
    }

    #[test]
    fn admin_create_takes_email_name_and_role() {
        let command = parse(&[
            "admin",
            "create",
            "--email",
            "ada@example.com",
            "--name",
            "Ada Lovelace",
            "--role",
            "Super Admin",
        ])
        .unwrap();
        assert_eq!(
            command,
            Some(Command::Admin {
                command: AdminCommand::Create {
                    email: "ada@example.com".into(),
                    name: "Ada Lovelace".into(),
                    role: "Super Admin".into(),
                }
            })
        );
        let missing_role = parse(&["admin", "create", "--email", "a@example.com", "--name", "A"]);
        assert!(missing_role.unwrap_err().to_string().contains("--role"));
    }

    #[test]
    fn connection_limits_and_log_format_have_sane_defaults_and_can_be_set() {
        let defaults = Cli::try_parse_from(["tollgate"]).unwrap();
        let limits = defaults.config.limits.connection_limits();
        assert_eq!(
            (limits.max_connections, limits.max_connections_per_ip),
            (1000, 100)
        );
        assert_eq!(limits.header_read_timeout, Duration::from_secs(10));
        assert_eq!(limits.body_read_timeout, Duration::from_secs(30));
        assert_eq!(defaults.log_format, LogFormat::Text);

        let set = Cli::try_parse_from([
            "tollgate",
            "--max-connections-per-ip",
            "5",
            "--header-read-timeout-seconds",
            "2",
            "--log-format",
            "json",
        ])
        .unwrap();
        assert_eq!(set.config.limits.max_connections_per_ip, 5);
        assert_eq!(set.config.limits.header_read_timeout_seconds, 2);
        assert_eq!(set.log_format, LogFormat::Json);
        assert!(Cli::try_parse_from(["tollgate", "--max-connections-per-ip", "0"]).is_err());
        assert!(Cli::try_parse_from(["tollgate", "--log-format", "xml"]).is_err());
    }

    #[test]
    fn the_test_configuration_is_the_flags_defaults_but_where_it_lives() {
        let mut flags = config(&[]).unwrap();
        let tests = Config::for_tests(PathBuf::from("/tmp/tollgate-tests"));
        flags.addr = tests.addr;
        flags.data_dir = tests.data_dir.clone();
        flags.site_root = tests.site_root.clone();
        assert_eq!(format!("{flags:?}"), format!("{tests:?}"));
        assert_eq!(
            (
                flags.session_hours,
                flags.reconfirm_minutes,
                flags.throttle_limit
            ),
            (12, 10, 30),
            "the core's defaults"
        );
    }

    #[test]
    fn admin_reset_password_takes_an_email_and_never_a_password_flag() {
        assert_eq!(
            parse(&["admin", "reset-password", "--email", "ada@example.com"]).unwrap(),
            Some(Command::Admin {
                command: AdminCommand::ResetPassword {
                    email: "ada@example.com".into()
                }
            })
        );
        assert!(
            parse(&[
                "admin",
                "reset-password",
                "--email",
                "a@example.com",
                "--password",
                "x"
            ])
            .is_err()
        );
    }

    fn config(args: &[&str]) -> Result<Config, clap::Error> {
        Cli::try_parse_from(std::iter::once("tollgate").chain(args.iter().copied()))
            .map(|cli| cli.config)
    }

    #[test]
    fn trusted_proxies_take_networks_and_a_bad_one_stops_start_up() {
        let settings = config(&["--trusted-proxies", "10.0.0.0/8, 127.0.0.1"])
            .unwrap()
            .api_settings();
        assert_eq!(
            settings.trusted_proxies.to_string(),
            "10.0.0.0/8,127.0.0.1/32"
        );
        assert_eq!(
            config(&[]).unwrap().api_settings().trusted_proxies,
            TrustedProxies::none()
        );
        let error = config(&["--trusted-proxies", "10.0.0.0/8,10.0.0.0/40"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("--trusted-proxies"), "{error}");
        assert!(error.contains("`10.0.0.0/40` is not a network"), "{error}");
        assert!(
            parse(&["--trust-forwarded-for"]).is_err(),
            "the blind flag is gone"
        );
    }

    #[test]
    fn forward_auth_headers_name_one_family() {
        assert_eq!(
            config(&[]).unwrap().forward_auth_headers,
            ForwardAuthHeaders::XOriginal
        );
        assert_eq!(
            config(&["--forward-auth-headers", "x-forwarded"])
                .unwrap()
                .forward_auth_headers,
            ForwardAuthHeaders::XForwarded
        );
        let error = config(&["--forward-auth-headers", "both"])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("x-original") && error.contains("x-forwarded"),
            "{error}"
        );
    }
}
