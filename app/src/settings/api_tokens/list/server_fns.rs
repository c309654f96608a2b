//! The token list page's server functions: one keyset page, the list's clock, and
//! revoking or suspending several tokens at once. Kept apart from `tokens.rs` so the list and the token's own page change
//! independently.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use tollgate::model::{TokenCreator, TokenListParams, TokenPage};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;

/// One page of the token list as the URL's query asks for it (search, type, status, sort,
/// cursor, limit). A bad parameter is `Invalid`, naming it.
#[server(prefix = "/rpc", endpoint = "list_token_page", input = Json)]
pub async fn list_token_page(params: TokenListParams) -> Result<TokenPage, AppError> {
    use tollgate::model::TokenListQuery;

    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    let query = TokenListQuery::parse(&params).map_err(|e| rpc.reject(AppError::Invalid(e)))?;
    rpc.core
        .tokens
        .list_page(&admin, &query)
        .await
        .map_err(|e| rpc.reject(e))
}

/// The admins who created tokens, gone ones too: the "Created by" filter's choices.
#[server(prefix = "/rpc", endpoint = "token_creators", input = Json)]
pub async fn token_creators() -> Result<Vec<TokenCreator>, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .tokens
        .creators(&admin)
        .await
        .map_err(|e| rpc.reject(e))
}

/// The server's "now" (what the page's relative times are first written against, so the
/// hydrated page matches the server's render) and how often the list refreshes itself:
/// as often as token usage is written, since "Last used" cannot change more often.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListClock {
    pub now: DateTime<Utc>,
    pub refresh_every_seconds: u64,
}

#[server(prefix = "/rpc", endpoint = "token_list_clock", input = Json)]
pub async fn token_list_clock() -> Result<ListClock, AppError> {
    let usage_flush = expect_context::<crate::server::ServerContext>().usage_flush;
    let rpc = Rpc::current();
    rpc.require_admin().await?;
    Ok(ListClock {
        now: Utc::now(),
        refresh_every_seconds: usage_flush.as_secs().max(1),
    })
}

/// What revoking several tokens did: each id is either revoked or failed, with why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRevoke {
    pub revoked: Vec<i64>,
    pub failed: Vec<TokenFailure>,
}

/// What suspending several tokens did: each id is either suspended or failed, with why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkSuspend {
    pub suspended: Vec<i64>,
    pub failed: Vec<TokenFailure>,
}

/// A token a bulk action left as it was, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenFailure {
    pub id: i64,
    /// The same sentence the action on that one token would show (not found, already
    /// revoked on …, already suspended).
    pub reason: String,
}

/// The core's outcome per token, split into the ids it acted on and the failures.
#[cfg(feature = "ssr")]
fn split_outcomes<T>(
    outcomes: Vec<(i64, Result<T, tollgate::ServiceError>)>,
) -> (Vec<i64>, Vec<TokenFailure>) {
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for (id, result) in outcomes {
        match result {
            Ok(_) => done.push(id),
            // The field's own sentence ("already suspended"), not a form's summary.
            Err(error) => failed.push(TokenFailure {
                id,
                reason: AppError::from_core(error).explain(),
            }),
        }
    }
    (done, failed)
}

/// Revokes each token in turn. One failing does not stop the others, and every failure is
/// reported with its reason, so the panel never leaves a token silently working.
#[server(prefix = "/rpc", endpoint = "revoke_tokens", input = Json)]
pub async fn revoke_tokens(ids: Vec<i64>) -> Result<BulkRevoke, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    // The core checks the permission, then the list's length, then each id once.
    let outcomes = rpc
        .core
        .tokens
        .revoke_many(&admin, &ids)
        .await
        .map_err(|e| rpc.reject(e))?;
    let (revoked, failed) = split_outcomes(outcomes);
    Ok(BulkRevoke { revoked, failed })
}

/// Suspends each token in turn with one `reason` (optional, at most 200 characters).
/// Like a bulk revoke, one failing (already suspended, revoked meanwhile) does not stop
/// the others, and each failure is reported. Suspending only narrows: no password.
#[server(prefix = "/rpc", endpoint = "suspend_tokens", input = Json)]
pub async fn suspend_tokens(
    ids: Vec<i64>,
    #[server(default)] reason: String,
) -> Result<BulkSuspend, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    // The core checks the permission, the reason, the list's length, then each id once.
    let outcomes = rpc
        .core
        .tokens
        .suspend_many(&admin, &ids, &reason)
        .await
        .map_err(|e| rpc.reject(e))?;
    let (suspended, failed) = split_outcomes(outcomes);
    Ok(BulkSuspend { suspended, failed })
}
