//! The API door's check, the product's hot path: parse → checksum → HMAC → cache →
//! (on a miss) one indexed read → expired? → permission → usage counted in memory.
//! Everything before the cache is pure computation, so garbage costs nothing, and a
//! client that keeps presenting bad tokens is refused before any of it.

use std::fmt;
use std::net::IpAddr;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::catalog::{Catalog, Permission, allows};
use crate::failure_throttle::FailureThrottle;
use crate::lifetime::has_passed;
use crate::server_key::ServerKey;
use crate::store::{Store, TokenAuthRecord};
use crate::tokens::cache::{TokenCache, Trust};
use crate::tokens::format::{ParseError, PlainToken, TokenHash};
use crate::tokens::usage::{Outcome, UsageRecorder};

/// A token that passed authentication: the stored record (shared with the cache, so the
/// hot path copies nothing), the address that presented it, and when (the time its use is
/// counted at).
#[derive(Debug, Clone)]
pub struct VerifiedToken {
    record: Arc<TokenAuthRecord>,
    client_ip: Option<IpAddr>,
    at: DateTime<Utc>,
}

impl Deref for VerifiedToken {
    type Target = TokenAuthRecord;
    fn deref(&self) -> &TokenAuthRecord {
        &self.record
    }
}

/// Why a request was turned away. Every variant but `Forbidden`, `Throttled` and
/// `Unavailable` is a 401.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// No credentials at all.
    Missing,
    /// Not a Tollgate token: wrong prefix, length, alphabet or checksum.
    Malformed(ParseError),
    /// Well-formed, but no working token has this value (never issued, or revoked).
    Unknown,
    Expired(DateTime<Utc>),
    /// Authenticated, but the token lacks the permission.
    Forbidden {
        needed: Permission,
    },
    /// Too many failed verifications from this client address; retry after this long.
    Throttled {
        retry_after: Duration,
    },
    /// The store could not be asked; the request may be retried.
    Unavailable,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Missing => {
                f.write_str("An API token is required: send it as `Authorization: Bearer <token>`.")
            }
            Rejection::Malformed(why) => write!(f, "The token is malformed: {why}."),
            Rejection::Unknown => f.write_str("The token is unknown or has been revoked."),
            Rejection::Expired(at) => write!(f, "The token expired at {}.", at.to_rfc3339()),
            Rejection::Forbidden { needed } => {
                write!(f, "The token lacks the permission `{needed}`.")
            }
            Rejection::Throttled { retry_after } => write!(
                f,
                "Too many requests with invalid tokens from this address; retry in {} seconds.",
                retry_after.as_secs()
            ),
            Rejection::Unavailable => {
                f.write_str("Token verification is temporarily unavailable; retry shortly.")
            }
        }
    }
}

/// The API door's check. Its cache, throttle and usage recorder are shared with the
/// services that invalidate, configure and flush them (wired in [`crate::Tollgate::new`]).
#[derive(Clone)]
pub struct Verifier {
    pub(crate) store: Store,
    pub(crate) key: Arc<ServerKey>,
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) cache: TokenCache,
    pub(crate) throttle: FailureThrottle,
    pub(crate) usage: UsageRecorder,
    /// How long a cached token stands in while the database can't be asked.
    pub(crate) outage_grace: Duration,
}

/// [`crate::Settings::outage_grace`] by default: a minute covers a database restart or a
/// fail-over, and is what a revocation made just before the outage may be late by.
pub const DEFAULT_OUTAGE_GRACE: Duration = Duration::from_secs(60);

impl Verifier {
    /// Authenticates a presented token value (`None` when the request carried none) from
    /// `client_ip` (`None` when unknown, e.g. in-process callers: never throttled).
    pub async fn authenticate(
        &self,
        presented: Option<&str>,
        client_ip: Option<IpAddr>,
    ) -> Result<VerifiedToken, Rejection> {
        self.authenticate_at(presented, client_ip, Utc::now()).await
    }

    pub async fn authenticate_at(
        &self,
        presented: Option<&str>,
        client_ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<VerifiedToken, Rejection> {
        if let Some(ip) = client_ip {
            self.throttle
                .check(&ip)
                .map_err(|retry_after| Rejection::Throttled { retry_after })?;
        }
        let presented = presented.ok_or(Rejection::Missing)?;
        let result = self.look_up(presented, client_ip, now).await;
        if let (
            Err(Rejection::Malformed(_) | Rejection::Unknown | Rejection::Expired(_)),
            Some(ip),
        ) = (&result, client_ip)
        {
            self.throttle.record_failure(ip);
        }
        result.map(|record| VerifiedToken {
            record,
            client_ip,
            at: now,
        })
    }

    async fn look_up(
        &self,
        presented: &str,
        client_ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Arc<TokenAuthRecord>, Rejection> {
        let plain = PlainToken::parse(presented).map_err(Rejection::Malformed)?;
        let hash = plain.hash(&self.key);
        let cached = self.cache.get(&hash);
        let record = match self.cache.trust() {
            Trust::Current => match cached {
                Some(record) => record,
                None => {
                    let seen = self.cache.generation();
                    let record = Arc::new(self.read(&hash).await?.ok_or(Rejection::Unknown)?);
                    self.cache.insert_if_unchanged(&hash, record.clone(), seen);
                    record
                }
            },
            // Nothing vouches for the cache: the database decides, and only if it can't be
            // asked does a cached entry stand in, for the outage grace.
            Trust::Unconfirmed {
                since,
                database_away,
            } => {
                let stand_in = cached.filter(|_| since.elapsed() <= self.outage_grace);
                let read = if database_away {
                    Err(Rejection::Unavailable)
                } else {
                    self.read(&hash).await
                };
                match read {
                    Ok(record) => Arc::new(record.ok_or(Rejection::Unknown)?),
                    Err(unavailable) => stand_in.ok_or(unavailable)?,
                }
            }
        };
        if let Some(expires_at) = record.expires_at.filter(|at| has_passed(*at, now)) {
            self.usage
                .record(record.id, now, client_ip, Outcome::Unauthorized);
            return Err(Rejection::Expired(expires_at));
        }
        Ok(record)
    }

    /// The working token stored under `hash`, from the database.
    async fn read(&self, hash: &TokenHash) -> Result<Option<TokenAuthRecord>, Rejection> {
        self.store
            .token_for_hash(hash.as_str())
            .await
            .map_err(|error| {
                tracing::error!(%error, "token lookup failed");
                Rejection::Unavailable
            })
    }

    /// Whether an authenticated token may do `needed`; counts the request either way.
    pub fn authorize(&self, token: &VerifiedToken, needed: &Permission) -> Result<(), Rejection> {
        if allows(&self.catalog, token.token_type, &token.permissions, needed) {
            self.accept(token);
            Ok(())
        } else {
            self.usage
                .record(token.id, token.at, token.client_ip, Outcome::Forbidden);
            Err(Rejection::Forbidden {
                needed: needed.clone(),
            })
        }
    }

    /// Counts a request that needs no particular permission (the self-check endpoint).
    pub fn accept(&self, token: &VerifiedToken) {
        self.usage
            .record(token.id, token.at, token.client_ip, Outcome::Allowed);
    }

    /// Both steps: the whole check one protected request needs.
    pub async fn verify(
        &self,
        presented: Option<&str>,
        client_ip: Option<IpAddr>,
        needed: &Permission,
    ) -> Result<VerifiedToken, Rejection> {
        let token = self.authenticate(presented, client_ip).await?;
        self.authorize(&token, needed)?;
        Ok(token)
    }

    /// The permissions a token effectively holds, for the self-check endpoint.
    pub fn effective_permissions(&self, token: &VerifiedToken) -> Vec<Permission> {
        self.catalog
            .all_permissions()
            .filter(|p| allows(&self.catalog, token.token_type, &token.permissions, p))
            .collect()
    }
}
