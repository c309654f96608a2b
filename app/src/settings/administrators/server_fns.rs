//! Settings > Administrators. Each function is a session check and one core call; the
//! core checks `admins.read` / `admins.manage` itself.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use tollgate::model::{AddAdminRequest, AdminListEntry};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;

#[server(prefix = "/rpc", endpoint = "list_admins")]
pub async fn list_admins() -> Result<Vec<AdminListEntry>, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .admins
        .list(&admin)
        .await
        .map_err(|e| rpc.reject(e))
}

/// Adds an administrator with an initial password; the response never carries it.
#[server(prefix = "/rpc", endpoint = "add_admin", input = Json)]
pub async fn add_admin(input: AddAdminRequest) -> Result<AdminListEntry, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .admins
        .add(&admin, &input)
        .await
        .map_err(|e| rpc.reject(e))
}

#[server(prefix = "/rpc", endpoint = "change_admin_role", input = Json)]
pub async fn change_admin_role(id: i64, role_id: i64) -> Result<(), AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .admins
        .change_role(&admin, id, role_id)
        .await
        .map_err(|e| rpc.reject(e))
}

/// What the status buttons of a row ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StatusChange {
    Deactivate,
    Reactivate,
    Remove,
}

/// Deactivating and removing sign the admin out everywhere at once.
#[server(prefix = "/rpc", endpoint = "change_admin_status", input = Json)]
pub async fn change_admin_status(id: i64, change: StatusChange) -> Result<(), AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    let admins = &rpc.core.admins;
    match change {
        StatusChange::Deactivate => admins.deactivate(&admin, id).await,
        StatusChange::Reactivate => admins.reactivate(&admin, id).await,
        StatusChange::Remove => admins.remove(&admin, id).await,
    }
    .map_err(|e| rpc.reject(e))
}
