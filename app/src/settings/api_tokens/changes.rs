//! Changing a token from the panel: read one, edit it, give it a new value, renew it (suspending
//! and resuming are in `holds`). Each is a
//! session check plus one core call; the core validates and drops the verifier's cache
//! entry, so a change holds from the very next API request.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use tollgate::model::{CreatedToken, Grace, TokenPatch, TokenView};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;
#[cfg(feature = "ssr")]
use tollgate::admins::actor::Actor;

/// One token, revoked ones too: what the edit form and "copy as new" start from.
#[server(prefix = "/rpc", endpoint = "get_token", input = Json)]
pub async fn get_token(id: i64) -> Result<TokenView, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .tokens
        .get(&admin, id)
        .await
        .map_err(|e| rpc.reject(e))
}

/// Changes the fields `patch` sends and nothing else, checked like on create. A refused
/// field comes back as `Invalid`/`Conflict` naming it; a revoked token as `AlreadyRevoked`.
#[server(prefix = "/rpc", endpoint = "update_token", input = Json)]
pub async fn update_token(id: i64, patch: TokenPatch) -> Result<TokenView, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    update_token_as(&rpc, &admin, id, &patch).await
}

/// Every edit the panel saves, with or without JavaScript (`update_token`,
/// `update_token_form`).
#[cfg(feature = "ssr")]
pub(crate) async fn update_token_as(
    rpc: &Rpc,
    admin: &Actor,
    id: i64,
    patch: &TokenPatch,
) -> Result<TokenView, AppError> {
    rpc.core
        .tokens
        .update(admin, id, patch)
        .await
        .map_err(|e| rpc.reject(e))
}

/// A new value for the token, revealed this once. The old one is refused from now on, or
/// with a `grace` keeps working until it ends (left out: `now`, as before grace existed).
/// The answer carries a secret, so nothing may cache it (set before any early return).
#[server(prefix = "/rpc", endpoint = "regenerate_token", input = Json)]
pub async fn regenerate_token(
    id: i64,
    #[server(default)] grace: Grace,
) -> Result<CreatedToken, AppError> {
    let rpc = Rpc::current();
    rpc.no_store();
    let admin = rpc.require_admin().await?;
    rpc.core
        .tokens
        .regenerate(&admin, id, grace)
        .await
        .map_err(|e| rpc.reject(e))
}

/// The same value, a new expiry: extended by the duration its expiry was chosen with,
/// within the policy. Widens, so the core wants the password confirmed (the panel's
/// password dialog answers it).
#[server(prefix = "/rpc", endpoint = "renew_token", input = Json)]
pub async fn renew_token(id: i64) -> Result<TokenView, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .tokens
        .renew(&admin, id)
        .await
        .map_err(|e| rpc.reject(e))
}
