use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use tollgate::catalog::Catalog;
use tollgate::model::{CreatedToken, NewTokenRequest, TokenDetails};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;
#[cfg(feature = "ssr")]
use tollgate::admins::actor::Actor;

/// One token and its usage over the last 30 days, for its page.
#[server(prefix = "/rpc", endpoint = "token_details", input = Json)]
pub async fn get_token_details(id: i64) -> Result<TokenDetails, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .tokens
        .details(&admin, id)
        .await
        .map_err(|e| rpc.reject(e))
}

/// The resources and actions a custom token can be granted.
#[server(prefix = "/rpc", endpoint = "permission_catalog")]
pub async fn permission_catalog() -> Result<Catalog, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .tokens
        .catalog_for(&admin)
        .cloned()
        .map_err(|e| rpc.reject(e))
}

/// Creates a token. The only response that carries its value, so nothing may cache it.
#[server(prefix = "/rpc", endpoint = "create_token", input = Json)]
pub async fn create_token(input: NewTokenRequest) -> Result<CreatedToken, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    create_token_as(&rpc, &admin, &input).await
}

/// Every token the panel creates, with or without JavaScript (`create_token`,
/// `create_token_form`), is created here: checks that apply to creating belong here.
#[cfg(feature = "ssr")]
pub(crate) async fn create_token_as(
    rpc: &Rpc,
    admin: &Actor,
    input: &NewTokenRequest,
) -> Result<CreatedToken, AppError> {
    rpc.no_store();
    rpc.core
        .tokens
        .create(admin, input)
        .await
        .map_err(|e| rpc.reject(e))
}

#[server(prefix = "/rpc", endpoint = "revoke_token", input = Json)]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .tokens
        .revoke(&admin, id)
        .await
        .map(drop)
        .map_err(|e| rpc.reject(e))
}
