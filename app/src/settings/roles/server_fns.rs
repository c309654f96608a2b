//! Settings > Roles. The core checks `admins.read` / `admins.manage` itself.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use tollgate::model::{RoleRequest, RoleView};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;

#[server(prefix = "/rpc", endpoint = "list_roles")]
pub async fn list_roles() -> Result<Vec<RoleView>, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core.roles.list(&admin).await.map_err(|e| rpc.reject(e))
}

/// Creates a custom role (`id` absent) or changes one.
#[server(prefix = "/rpc", endpoint = "save_role", input = Json)]
pub async fn save_role(id: Option<i64>, input: RoleRequest) -> Result<RoleView, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    match id {
        None => rpc.core.roles.create(&admin, &input).await,
        Some(id) => rpc.core.roles.update(&admin, id, &input).await,
    }
    .map_err(|e| rpc.reject(e))
}

#[server(prefix = "/rpc", endpoint = "delete_role", input = Json)]
pub async fn delete_role(id: i64) -> Result<(), AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .roles
        .delete(&admin, id)
        .await
        .map_err(|e| rpc.reject(e))
}
