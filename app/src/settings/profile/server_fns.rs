//! What every admin may change about themselves, whatever their role.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use tollgate::model::{AdminView, ChangePasswordRequest};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;

#[server(prefix = "/rpc", endpoint = "change_own_name", input = Json)]
pub async fn change_own_name(name: String) -> Result<AdminView, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .admins
        .change_own_name(&admin, &name)
        .await
        .map_err(|e| rpc.reject(e))
}

/// Needs the current password; every other session of this admin ends.
#[server(prefix = "/rpc", endpoint = "change_own_password", input = Json)]
pub async fn change_own_password(input: ChangePasswordRequest) -> Result<(), AppError> {
    let rpc = Rpc::current();
    rpc.require_admin().await?;
    let secret = rpc.require_session_secret()?;
    rpc.core
        .admins
        .change_own_password(&secret, rpc.origin(), &input)
        .await
        .map_err(|e| rpc.reject(e))
}

/// Ends every session of the signed-in admin, this one included, and clears the cookie.
#[server(prefix = "/rpc", endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<u64, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    let ended = rpc
        .core
        .admins
        .sign_out_everywhere(&admin)
        .await
        .map_err(|e| rpc.reject(e))?;
    rpc.clear_session_cookie();
    Ok(ended)
}

/// Closes this session's password confirmation: the next sensitive action asks again.
#[server(prefix = "/rpc", endpoint = "forget_password_confirmation")]
pub async fn forget_password_confirmation() -> Result<(), AppError> {
    let rpc = Rpc::current();
    rpc.require_admin().await?;
    let secret = rpc.require_session_secret()?;
    rpc.core
        .admins
        .forget_confirmation(&secret)
        .await
        .map_err(|e| rpc.reject(e))
}
