//! The API door's check, the product's hot path: parse → checksum → HMAC → cache →
//! (on a miss) one indexed read → expired? suspended? started? from an allowed network?
//! within its rate limit? → permission → quota → usage counted in memory. Every
//! restriction is in the cached entry, so a cache hit still makes no database call (a
//! rate limit or a quota leases a block now and then, see [`crate::tokens::rate_limit`]
//! and [`crate::tokens::quota`]).
//! Everything before the cache is pure computation, so garbage costs nothing, and a
//! client that keeps presenting bad tokens is refused before any of it.

use std::fmt;
use std::net::IpAddr;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::catalog::{Catalog, Permission, allows};
use crate::failure_throttle::SharedThrottle;
use crate::lifetime::has_passed;
use crate::server_key::ServerKey;
use crate::store::{Store, TokenAuthRecord};
use crate::tokens::cache::{TokenCache, Trust};
use crate::tokens::format::{ParseError, PlainToken, TokenHash};
use crate::tokens::quota::{QuotaLeases, QuotaSlot};
use crate::tokens::rate_limit::{RateLimiters, RateState, TokenRateLimiter};
use crate::tokens::usage::{AllowedUse, Outcome, UsageRecorder};

/// What the cache holds for one hash: the stored record, and the token's rate limiter
/// and quota slot on this instance (looked up when the record is read, so a hit finds
/// them in hand).
#[derive(Debug)]
pub struct CachedToken {
    pub record: TokenAuthRecord,
    limiter: Option<Arc<TokenRateLimiter>>,
    quota: Option<Arc<QuotaSlot>>,
}

impl CachedToken {
    /// A record with no limiter or quota slot (for tests of the cache alone).
    pub fn bare(record: TokenAuthRecord) -> Self {
        Self {
            record,
            limiter: None,
            quota: None,
        }
    }
}

/// A token that passed authentication: the cached entry (shared with the cache, so the
/// hot path copies nothing), the address that presented it, when (the time its use is
/// counted at), and where its rate limit stands.
#[derive(Debug, Clone)]
pub struct VerifiedToken {
    entry: Arc<CachedToken>,
    client_ip: Option<IpAddr>,
    at: DateTime<Utc>,
    rate: Option<RateState>,
}

impl Deref for VerifiedToken {
    type Target = TokenAuthRecord;
    fn deref(&self) -> &TokenAuthRecord {
        &self.entry.record
    }
}

impl VerifiedToken {
    /// Where the token's rate limit stands after this request; `None` when unlimited.
    pub fn rate(&self) -> Option<RateState> {
        self.rate
    }

    /// Presented with the previous value, during a regenerate's grace period.
    pub fn by_previous_value(&self) -> bool {
        self.previous_until.is_some()
    }
}

/// Why a request was turned away. `Missing`, `Malformed`, `Unknown`, `Expired`,
/// `Suspended` and `NotYetValid` are 401s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// No credentials at all.
    Missing,
    /// Not a Tollgate token: wrong prefix, length, alphabet or checksum.
    Malformed(ParseError),
    /// Well-formed, but no working token has this value (never issued, or revoked).
    Unknown,
    Expired(DateTime<Utc>),
    /// Suspended by an admin until resumed.
    Suspended,
    /// Its `not_before` has not come yet.
    NotYetValid(DateTime<Utc>),
    /// Presented from an address outside its allowed networks (403).
    IpNotAllowed(Option<IpAddr>),
    /// Over its rate limit (429).
    RateLimited {
        retry_after: Duration,
        state: RateState,
    },
    /// Its quota is used up (429); `refills_at` when it fills up again, if it does.
    QuotaExhausted {
        refills_at: Option<DateTime<Utc>>,
    },
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
            Rejection::Suspended => f.write_str(
                "The token is suspended: an administrator stopped it for now and can resume it.",
            ),
            Rejection::NotYetValid(at) => {
                write!(f, "The token is not valid yet: it starts at {}.", at.to_rfc3339())
            }
            Rejection::IpNotAllowed(Some(ip)) => write!(
                f,
                "The token may not be used from {ip}: it is restricted to other networks."
            ),
            Rejection::IpNotAllowed(None) => f.write_str(
                "The token may only be used from certain networks, and this client's address is unknown.",
            ),
            Rejection::RateLimited { retry_after, state } => write!(
                f,
                "The token's rate limit of {} requests per {} seconds is used up; retry in {} seconds.",
                state.limit,
                state.window_seconds,
                retry_after.as_secs()
            ),
            Rejection::QuotaExhausted {
                refills_at: Some(at),
            } => write!(
                f,
                "The token's quota is used up until {}.",
                at.to_rfc3339()
            ),
            Rejection::QuotaExhausted { refills_at: None } => f.write_str(
                "The token's quota is used up: an administrator can give it more.",
            ),
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
    pub(crate) throttle: SharedThrottle,
    pub(crate) usage: UsageRecorder,
    pub(crate) rate_limits: RateLimiters,
    pub(crate) quotas: QuotaLeases,
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
        // Memory only: a request that does not fail never waits for the database here.
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
            // One write, with the other instances' count, per failure, never per valid
            // request. Boxed, like `read`: only a failure gets here, and without the box
            // every request's future would carry the store's.
            Box::pin(self.throttle.record_failure(ip)).await;
        }
        let entry = result?;
        let rate = self.restrict(&entry, client_ip, now).await?;
        Ok(VerifiedToken {
            entry,
            client_ip,
            at: now,
            rate,
        })
    }

    /// The restrictions that apply before the permission: suspended, not yet valid,
    /// outside the allowed networks, over the rate limit (which may lease a block of it,
    /// see [`crate::tokens::rate_limit`]). Each refusal is counted.
    async fn restrict(
        &self,
        entry: &CachedToken,
        client_ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Option<RateState>, Rejection> {
        let record = &entry.record;
        let refuse = |outcome: Outcome, rejection: Rejection| {
            self.usage.record(record.id, now, client_ip, outcome);
            Err(rejection)
        };
        if record.suspended {
            return refuse(Outcome::Unauthorized, Rejection::Suspended);
        }
        if let Some(start) = record.restrictions.not_before.filter(|at| now < *at) {
            return refuse(Outcome::Unauthorized, Rejection::NotYetValid(start));
        }
        if !record.networks.is_empty() {
            // An IPv4 client seen through an IPv6 socket (`::ffff:192.0.2.1`) is that IPv4
            // address.
            let ip = client_ip.map(|ip| ip.to_canonical());
            if !ip.is_some_and(|ip| record.networks.iter().any(|n| n.contains(&ip))) {
                return refuse(Outcome::Forbidden, Rejection::IpNotAllowed(ip));
            }
        }
        let (Some(limiter), Some(limit)) = (&entry.limiter, record.restrictions.rate_limit) else {
            return Ok(None);
        };
        let checked = limiter
            .check(&self.store, record.id, limit, now)
            .await
            .map_err(|error| {
                tracing::error!(%error, "rate limit lease failed");
                Rejection::Unavailable
            })?;
        match checked {
            Ok(state) => Ok(Some(state)),
            Err(over) => refuse(
                Outcome::Limited,
                Rejection::RateLimited {
                    retry_after: over.retry_after,
                    state: over.state,
                },
            ),
        }
    }

    /// A record read from the database, with this instance's limiter and quota slot.
    fn entry_for(&self, record: TokenAuthRecord) -> Arc<CachedToken> {
        let limiter = record
            .restrictions
            .rate_limit
            .map(|_| self.rate_limits.for_token(record.id));
        let quota = record
            .restrictions
            .quota
            .map(|_| self.quotas.for_token(record.id));
        Arc::new(CachedToken {
            record,
            limiter,
            quota,
        })
    }

    async fn look_up(
        &self,
        presented: &str,
        client_ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Arc<CachedToken>, Rejection> {
        let plain = PlainToken::parse(presented).map_err(Rejection::Malformed)?;
        let hash = plain.hash(&self.key);
        let cached = self.cache.get(&hash);
        let entry = match self.cache.trust() {
            Trust::Current => match cached {
                Some(entry) => entry,
                None => {
                    let seen = self.cache.generation();
                    let entry = self.entry_for(self.read(&hash).await?.ok_or(Rejection::Unknown)?);
                    self.cache.insert_if_unchanged(&hash, entry.clone(), seen);
                    entry
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
                    Ok(record) => self.entry_for(record.ok_or(Rejection::Unknown)?),
                    Err(unavailable) => stand_in.ok_or(unavailable)?,
                }
            }
        };
        let record = &entry.record;
        // A previous value past its grace period is simply no longer a token.
        if record
            .previous_until
            .is_some_and(|until| has_passed(until, now))
        {
            return Err(Rejection::Unknown);
        }
        if let Some(expires_at) = record.expires_at.filter(|at| has_passed(*at, now)) {
            self.usage
                .record(record.id, now, client_ip, Outcome::Unauthorized);
            return Err(Rejection::Expired(expires_at));
        }
        Ok(entry)
    }

    /// The working token stored under `hash`, from the database. Boxed: a cache hit never
    /// gets here, and without the box every request's future would carry the store's.
    async fn read(&self, hash: &TokenHash) -> Result<Option<TokenAuthRecord>, Rejection> {
        Box::pin(self.store.token_for_hash(hash.as_str()))
            .await
            .map_err(|error| {
                tracing::error!(%error, "token lookup failed");
                Rejection::Unavailable
            })
    }

    /// Whether an authenticated token may do `needed`, and has quota left for it; counts
    /// the request either way.
    pub async fn authorize(
        &self,
        token: &VerifiedToken,
        needed: &Permission,
    ) -> Result<(), Rejection> {
        if allows(&self.catalog, token.token_type, &token.permissions, needed) {
            self.admit(token, Some(needed)).await
        } else {
            self.usage
                .record(token.id, token.at, token.client_ip, Outcome::Forbidden);
            Err(Rejection::Forbidden {
                needed: needed.clone(),
            })
        }
    }

    /// Lets through a request that needs no particular permission (the self-check
    /// endpoint), if the quota has room; counts it.
    pub async fn accept(&self, token: &VerifiedToken) -> Result<(), Rejection> {
        self.admit(token, None).await
    }

    /// The last step of every allowed request: one request off the quota, then counted.
    async fn admit(
        &self,
        token: &VerifiedToken,
        permission: Option<&Permission>,
    ) -> Result<(), Rejection> {
        if let (Some(slot), Some(quota)) = (&token.entry.quota, token.restrictions.quota) {
            let taken = slot
                .take(&self.store, token.id, quota, token.quota_epoch, token.at)
                .await
                .map_err(|error| {
                    tracing::error!(%error, "quota lease failed");
                    Rejection::Unavailable
                })?;
            if let Err(exhausted) = taken {
                self.usage
                    .record(token.id, token.at, token.client_ip, Outcome::Limited);
                return Err(Rejection::QuotaExhausted {
                    refills_at: exhausted.refills_at,
                });
            }
        }
        self.usage.record_allowed(AllowedUse {
            token_id: token.id,
            at: token.at,
            ip: token.client_ip,
            permission,
            previous_value: token.by_previous_value(),
        });
        Ok(())
    }

    /// Both steps: the whole check one protected request needs.
    pub async fn verify(
        &self,
        presented: Option<&str>,
        client_ip: Option<IpAddr>,
        needed: &Permission,
    ) -> Result<VerifiedToken, Rejection> {
        let token = self.authenticate(presented, client_ip).await?;
        self.authorize(&token, needed).await?;
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
