//! Settings › Token policy, for the hydrated page. The core checks `policy.manage` itself.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use tollgate::policy::{BroughtIntoPolicy, PolicyPreview, PolicyRequest, TokenPolicy};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;

/// The policy in force, and how many working tokens are outside it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyState {
    pub policy: TokenPolicy,
    pub outside_now: i64,
}

#[server(prefix = "/rpc", endpoint = "current_policy")]
pub async fn current_policy() -> Result<PolicyState, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    policy_state(&rpc, &admin).await
}

#[cfg(feature = "ssr")]
pub(super) async fn policy_state(
    rpc: &Rpc,
    admin: &tollgate::admins::actor::Actor,
) -> Result<PolicyState, AppError> {
    let policy = rpc
        .core
        .policy
        .get(admin)
        .await
        .map_err(|e| rpc.reject(e))?;
    let outside_now = rpc
        .core
        .policy
        .preview(admin, &PolicyRequest::from(&policy))
        .await
        .map_err(|e| rpc.reject(e))?
        .outside_policy;
    Ok(PolicyState {
        policy,
        outside_now,
    })
}

/// The policy the token forms are held to (their default and the choices they offer).
#[server(prefix = "/rpc", endpoint = "token_form_policy")]
pub async fn token_form_policy() -> Result<TokenPolicy, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .policy
        .for_token_forms(&admin)
        .await
        .map_err(|e| rpc.reject(e))
}

#[server(prefix = "/rpc", endpoint = "preview_policy", input = Json)]
pub async fn preview_policy(input: PolicyRequest) -> Result<PolicyPreview, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .policy
        .preview(&admin, &input)
        .await
        .map_err(|e| rpc.reject(e))
}

#[server(prefix = "/rpc", endpoint = "save_policy", input = Json)]
pub async fn save_policy(input: PolicyRequest) -> Result<TokenPolicy, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .policy
        .save(&admin, &input)
        .await
        .map_err(|e| rpc.reject(e))
}

#[server(prefix = "/rpc", endpoint = "bring_into_policy", input = Json)]
pub async fn bring_into_policy() -> Result<BroughtIntoPolicy, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .tokens
        .bring_into_policy(&admin)
        .await
        .map_err(|e| rpc.reject(e))
}
