//! The bell's server functions: the inbox, and marking it read.

use leptos::prelude::*;
use tollgate::notifications::Inbox;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;

/// The signed-in admin's newest notifications and unread count, for the bell.
#[server(prefix = "/rpc", endpoint = "inbox")]
pub async fn get_inbox() -> Result<Inbox, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .notifications
        .inbox(&admin)
        .await
        .map_err(|e| rpc.reject(e))
}

#[server(prefix = "/rpc", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .notifications
        .mark_all_read(&admin)
        .await
        .map_err(|e| rpc.reject(e))
}
