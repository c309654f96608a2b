use std::sync::Arc;

use chrono::Utc;

use crate::admins::access::{require, require_confirmed};
use crate::admins::actor::Actor;
use crate::audit::{By, event};
use crate::catalog::Catalog;
use crate::error::ServiceError;
use crate::failure_throttle::{FailureWindows, SharedThrottle};
use crate::model::{
    AdminPermission, AdminView, AuditAction, AuditTargetKind, CreatedToken, DailyUsage, FieldError,
    NewTokenRequest, PermissionUse, TokenCreator, TokenDetails, TokenListQuery, TokenPage,
    TokenView, USAGE_DAYS,
};
use crate::notifications::Notifications;
use crate::server_key::ServerKey;
use crate::store::{ListCursor, NewAuditEvent, NewTokenRecord, Store, StoreError};
use crate::tokens::cache::TokenCache;
use crate::tokens::format::PlainToken;
use crate::tokens::mint::mint;
use crate::validate::{Lines, NewToken, text};

/// Working tokens by hash, in memory, invalidated on every change.
pub mod cache;
/// Following other instances' token changes (Postgres), so the cache never lags a write.
pub mod change_feed;
/// Changing and ending a token: edit, regenerate, revoke.
mod edits;
/// Warning admins before a token expires, once per threshold.
pub mod expiry_warnings;
/// The list's current view over every page, as CSV or JSON, a page at a time.
pub mod export;
/// The two tokens a new instance starts with.
mod first_start;
/// The token format: generation, parsing with checksum, keyed hashing.
pub mod format;
/// Suspending and resuming, ending a grace period.
pub mod holds;
/// Revoking tokens nobody uses, as the token policy says.
mod inactivity;
/// Shortening the expiry of tokens outside the token policy.
mod into_policy;
/// Leaked-token reports: a value anyone found is revoked at once.
pub mod leaks;
/// How large a block of a shared allowance (quota, rate window) an instance leases.
pub mod lease_blocks;
/// The timer jobs: expiry warnings and the inactivity rule.
pub mod lifecycle;
/// A new token value with its hash and hint: the one way tokens are made.
pub mod mint;
/// Usage quotas, leased by instances in blocks.
pub mod quota;
/// Per-token rate limits in fixed windows, leased by instances in blocks.
pub mod rate_limit;
/// Renewing: the same value, a new expiry, by the original duration.
pub mod renew;
/// Many tokens at once, for load tests.
pub mod seed;
/// Usage (last use, per-day counts), buffered in memory and flushed in batches.
pub mod usage;
/// The API door's check: bearer token → permission, the product's hot path.
pub mod verifier;

pub use first_start::PREGENERATED;

pub const DUPLICATE_NAME: &str = "A token with this name already exists.";

/// A unique-name violation is the one conflict a token write can meet.
fn name_conflict(error: StoreError) -> ServiceError {
    match error {
        StoreError::UniqueViolation => {
            ServiceError::Conflict(vec![FieldError::new("name", DUPLICATE_NAME)])
        }
        other => other.into(),
    }
}

/// Token use cases for the admin door: create, list, change, regenerate, revoke.
#[derive(Clone)]
pub struct Tokens {
    store: Store,
    key: Arc<ServerKey>,
    catalog: Arc<Catalog>,
    /// The verifier's cache: every change to a token drops its entry here.
    cache: TokenCache,
    notifications: Notifications,
    /// Leak reports per client address, counted with the other instances'.
    leak_reports: SharedThrottle,
}

impl Tokens {
    pub fn new(
        store: Store,
        key: Arc<ServerKey>,
        catalog: Arc<Catalog>,
        cache: TokenCache,
        notifications: Notifications,
        failure_windows: FailureWindows,
    ) -> Self {
        Self {
            store,
            key,
            catalog,
            cache,
            notifications,
            leak_reports: leaks::report_throttle().shared_through(failure_windows),
        }
    }

    /// The audit event for `action` on token `id` (named `name` once the change is made),
    /// which the store writes in the same transaction as the change.
    fn audit_event<'a>(
        by: &'a Actor,
        action: AuditAction,
        id: i64,
        name: &'a str,
        detail: &'a str,
    ) -> NewAuditEvent<'a> {
        let target = (AuditTargetKind::Token, id, name);
        event(&By::Admin(by), action, Some(target), detail)
    }

    /// The content resources and actions tokens can be granted (the API door's view).
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The same catalog for an admin, who must be allowed to see tokens.
    pub fn catalog_for(&self, by: &AdminView) -> Result<&Catalog, ServiceError> {
        require(by, AdminPermission::ApiTokensRead)?;
        Ok(&self.catalog)
    }

    /// Validates, generates a value, stores only its hash, and returns the value once.
    pub async fn create(
        &self,
        creator: &Actor,
        request: &NewTokenRequest,
    ) -> Result<CreatedToken, ServiceError> {
        require_confirmed(creator, AdminPermission::ApiTokensCreate)?;
        let policy = self.store.token_policy().await?;
        let now = Utc::now();
        let new =
            NewToken::parse(&self.catalog, request, &policy, now).map_err(ServiceError::Invalid)?;
        let minted = mint(&self.key);
        let record = NewTokenRecord {
            name: new.name.as_str(),
            description: new.description.as_str(),
            token_type: new.grant.token_type,
            permissions: &new.grant.permissions,
            secret: minted.stored(),
            created_by: Some(creator.id),
            created_at: now,
            expires_at: new.expiry.at(),
            restrictions: new.restrictions.get(),
            metadata: new.metadata.get(),
        };
        let detail = new.grant.token_type.label();
        let audit = event(&By::Admin(creator), AuditAction::TokenCreate, None, detail);
        let id = self
            .store
            .insert_token(&record, &audit)
            .await
            .map_err(name_conflict)?;
        let token = self.view(id).await?;
        tracing::info!(
            token_id = id,
            admin_id = creator.id,
            token_type = token.token_type.as_str(),
            "token created"
        );
        self.notifications.token_created(creator, &token).await;
        Ok(CreatedToken {
            token,
            secret: minted.reveal(),
        })
    }

    /// One token's requests per day over the last `days` days, oldest first, with the
    /// days it made none filled in as zeros (what a chart needs).
    pub async fn usage(&self, id: i64, days: u32) -> Result<Vec<DailyUsage>, ServiceError> {
        let today = Utc::now().date_naive();
        let since = today - chrono::Days::new(u64::from(days.saturating_sub(1)));
        let stored = self.store.token_usage(id, since).await?;
        Ok(since
            .iter_days()
            .take_while(|day| *day <= today)
            .map(|day| {
                let counts = stored
                    .iter()
                    .find(|u| u.day == day)
                    .map(|u| u.counts)
                    .unwrap_or_default();
                DailyUsage { day, counts }
            })
            .collect())
    }

    /// One token (revoked ones too), for an admin who may see tokens.
    pub async fn get(&self, by: &AdminView, id: i64) -> Result<TokenView, ServiceError> {
        require(by, AdminPermission::ApiTokensRead)?;
        self.view(id).await
    }

    /// One token, revoked ones too, marked when it is outside the policy in force; for
    /// the services' own use (every answer that shows a token comes through here).
    async fn view(&self, id: i64) -> Result<TokenView, ServiceError> {
        let mut token = self
            .store
            .token(id)
            .await?
            .ok_or(ServiceError::NotFound("token"))?;
        // Only a working token can be outside: the others need no policy read.
        if token.revoked_at.is_none() {
            let policy = self.store.token_policy().await?;
            policy.mark_outside([&mut token], Utc::now());
        }
        Ok(token)
    }

    /// A token (revoked ones too), its usage chart's data, the permissions its requests
    /// used over the same days, and who still uses its previous value.
    pub async fn details(&self, by: &AdminView, id: i64) -> Result<TokenDetails, ServiceError> {
        let token = self.get(by, id).await?;
        let usage = self.usage(id, USAGE_DAYS).await?;
        let since = usage
            .first()
            .map(|d| d.day)
            .unwrap_or_else(|| Utc::now().date_naive());
        let permission_usage = self
            .store
            .permission_usage(id, since)
            .await?
            .into_iter()
            .map(|(permission, requests)| PermissionUse {
                permission,
                requests,
            })
            .collect();
        let previous_value_uses = if token.previous_value.is_some() {
            self.store.previous_value_uses(id).await?
        } else {
            Vec::new()
        };
        Ok(TokenDetails {
            token,
            usage,
            permission_usage,
            previous_value_uses,
        })
    }

    /// Stores `count` read-only load-test tokens; returns the first `keep` values.
    pub async fn seed_for_load_test(
        &self,
        count: usize,
        keep: usize,
    ) -> Result<Vec<PlainToken>, ServiceError> {
        crate::tokens::seed::seed_tokens(&self.store, &self.key, count, keep).await
    }

    /// One page of the list: search, filters and sort as `query` says, continuing after
    /// its cursor. A cursor that is garbage or made for another sort is `Invalid("after")`.
    pub async fn list_page(
        &self,
        admin: &AdminView,
        query: &TokenListQuery,
    ) -> Result<TokenPage, ServiceError> {
        require(admin, AdminPermission::ApiTokensRead)?;
        if let Some(search) = &query.search {
            text::check("search", "Search text", search, Lines::One)
                .map_err(|e| ServiceError::Invalid(vec![e]))?;
        }
        let after = query
            .after
            .as_deref()
            .map(|text| ListCursor::decode(text, query.sort))
            .transpose()
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        // Read once for the page: its filter and every row's flag.
        let policy = self.store.token_policy().await?;
        let now = Utc::now();
        let mut page = self
            .store
            .list_tokens(query, &policy, after.as_ref(), now)
            .await?;
        policy.mark_outside(&mut page.data, now);
        Ok(page)
    }

    /// The admins who created tokens (gone ones too): the list's "Created by" choices.
    pub async fn creators(&self, admin: &AdminView) -> Result<Vec<TokenCreator>, ServiceError> {
        require(admin, AdminPermission::ApiTokensRead)?;
        Ok(self.store.token_creators().await?)
    }
}
