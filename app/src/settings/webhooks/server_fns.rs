//! Settings > Webhooks' server functions. The core checks `webhooks.manage` itself.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use tollgate::model::{
    WebhookCreated, WebhookDeliveryView, WebhookPatch, WebhookRequest, WebhookView,
};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;

#[server(prefix = "/rpc", endpoint = "list_webhooks")]
pub async fn list_webhooks() -> Result<Vec<WebhookView>, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .webhooks
        .list(&admin)
        .await
        .map_err(|e| rpc.reject(e))
}

/// Registers an endpoint: the answer carries the signing secret, once.
#[server(prefix = "/rpc", endpoint = "create_webhook", input = Json)]
pub async fn create_webhook(input: WebhookRequest) -> Result<WebhookCreated, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.no_store();
    rpc.core
        .webhooks
        .create(&admin, &input)
        .await
        .map_err(|e| rpc.reject(e))
}

#[server(prefix = "/rpc", endpoint = "update_webhook", input = Json)]
pub async fn update_webhook(id: i64, patch: WebhookPatch) -> Result<WebhookView, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .webhooks
        .update(&admin, id, &patch)
        .await
        .map_err(|e| rpc.reject(e))
}

#[server(prefix = "/rpc", endpoint = "delete_webhook", input = Json)]
pub async fn delete_webhook(id: i64) -> Result<(), AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .webhooks
        .delete(&admin, id)
        .await
        .map_err(|e| rpc.reject(e))
}

/// One endpoint and its recent deliveries, newest first.
#[server(prefix = "/rpc", endpoint = "webhook_page", input = Json)]
pub async fn webhook_page(id: i64) -> Result<(WebhookView, Vec<WebhookDeliveryView>), AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    let webhooks = &rpc.core.webhooks;
    let endpoint = webhooks.get(&admin, id).await.map_err(|e| rpc.reject(e))?;
    let deliveries = webhooks
        .deliveries(&admin, id)
        .await
        .map_err(|e| rpc.reject(e))?;
    Ok((endpoint, deliveries))
}

#[server(prefix = "/rpc", endpoint = "send_test_event", input = Json)]
pub async fn send_test_event(id: i64) -> Result<WebhookDeliveryView, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .webhooks
        .send_test(&admin, id)
        .await
        .map_err(|e| rpc.reject(e))
}

#[server(prefix = "/rpc", endpoint = "redeliver_webhook", input = Json)]
pub async fn redeliver_webhook(delivery_id: i64) -> Result<WebhookDeliveryView, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .webhooks
        .redeliver(&admin, delivery_id)
        .await
        .map_err(|e| rpc.reject(e))
}
