//! The API door's check: parse → checksum → HMAC → one indexed read → expired? →
//! permission. Everything before the read is pure computation, so garbage costs nothing.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::catalog::{Catalog, Permission, allows};
use crate::key::ServerKey;
use crate::model::TokenType;
use crate::store::Store;
use crate::token::{ParseError, PlainToken};
use crate::usage::UsageRecorder;

/// A token that passed authentication, as the handlers and the self-check endpoint see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifiedToken {
    pub id: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub token_type: TokenType,
    pub permissions: Vec<Permission>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Why a request was turned away. Every variant but `Forbidden` and `Unavailable` is a 401.
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
            Rejection::Unavailable => {
                f.write_str("Token verification is temporarily unavailable; retry shortly.")
            }
        }
    }
}

#[derive(Clone)]
pub struct Verifier {
    store: Store,
    key: Arc<ServerKey>,
    catalog: Arc<Catalog>,
    usage: UsageRecorder,
}

impl Verifier {
    pub fn new(
        store: Store,
        key: Arc<ServerKey>,
        catalog: Arc<Catalog>,
        usage: UsageRecorder,
    ) -> Self {
        Self {
            store,
            key,
            catalog,
            usage,
        }
    }

    /// Authenticates a presented token value (`None` when the request carried none).
    pub async fn authenticate(&self, presented: Option<&str>) -> Result<VerifiedToken, Rejection> {
        self.authenticate_at(presented, Utc::now()).await
    }

    pub async fn authenticate_at(
        &self,
        presented: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<VerifiedToken, Rejection> {
        let presented = presented.ok_or(Rejection::Missing)?;
        let plain = PlainToken::parse(presented).map_err(Rejection::Malformed)?;
        let hash = plain.hash(&self.key);
        let record = self
            .store
            .token_for_hash(hash.as_str())
            .await
            .map_err(|error| {
                tracing::error!(%error, "token lookup failed");
                Rejection::Unavailable
            })?
            .ok_or(Rejection::Unknown)?;
        if let Some(expires_at) = record.expires_at.filter(|at| *at <= now) {
            return Err(Rejection::Expired(expires_at));
        }
        self.usage.record(record.id, now);
        Ok(VerifiedToken {
            id: record.id,
            name: record.name,
            token_type: record.token_type,
            permissions: record.permissions,
            expires_at: record.expires_at,
        })
    }

    /// Whether an authenticated token may do `needed`.
    pub fn authorize(&self, token: &VerifiedToken, needed: &Permission) -> Result<(), Rejection> {
        if allows(&self.catalog, token.token_type, &token.permissions, needed) {
            Ok(())
        } else {
            Err(Rejection::Forbidden {
                needed: needed.clone(),
            })
        }
    }

    /// Both steps: the whole check one protected request needs.
    pub async fn verify(
        &self,
        presented: Option<&str>,
        needed: &Permission,
    ) -> Result<VerifiedToken, Rejection> {
        let token = self.authenticate(presented).await?;
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
