//! The token list page's server functions: one keyset page, and revoking several tokens
//! at once. Kept apart from `tokens.rs` so the list and the token's own page change
//! independently.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use tollgate::model::{FieldError, MAX_LIMIT, TokenListParams, TokenPage};

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

/// What revoking several tokens did: each id is either revoked or failed, with why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRevoke {
    pub revoked: Vec<i64>,
    pub failed: Vec<RevokeFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeFailure {
    pub id: i64,
    /// The same sentence a single revoke would show (not found, already revoked on …).
    pub reason: String,
}

/// The most tokens one call revokes: a page's worth, which is all the panel can select.
pub const BULK_REVOKE_MAX: usize = MAX_LIMIT as usize;

/// Checks the id list before anything is revoked: at least one, at most a page, each
/// once (a repeated id would otherwise "fail" as already revoked by this very call).
pub fn bulk_revoke_ids(ids: &[i64]) -> Result<Vec<i64>, Vec<FieldError>> {
    let mut unique = Vec::with_capacity(ids.len());
    for id in ids {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    if unique.is_empty() {
        return Err(vec![FieldError::new(
            "ids",
            "Choose at least one token to revoke.",
        )]);
    }
    if unique.len() > BULK_REVOKE_MAX {
        return Err(vec![FieldError::new(
            "ids",
            format!("Revoke at most {BULK_REVOKE_MAX} tokens at once."),
        )]);
    }
    Ok(unique)
}

/// Revokes each token in turn. One failing does not stop the others, and every failure is
/// reported with its reason, so the panel never leaves a token silently working.
#[server(prefix = "/rpc", endpoint = "revoke_tokens", input = Json)]
pub async fn revoke_tokens(ids: Vec<i64>) -> Result<BulkRevoke, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    let ids = bulk_revoke_ids(&ids).map_err(|e| rpc.reject(AppError::Invalid(e)))?;
    let mut outcome = BulkRevoke::default();
    for id in ids {
        match rpc.core.tokens.revoke(&admin, id).await {
            Ok(_) => outcome.revoked.push(id),
            Err(error) => outcome.failed.push(RevokeFailure {
                id,
                reason: AppError::from(error).to_string(),
            }),
        }
    }
    Ok(outcome)
}
