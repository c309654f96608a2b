use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use tollgate::model::{AdminView, NewAdminRequest, SignInRequest};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;

/// Where a visitor stands: does Tollgate still need its first admin, and who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthState {
    pub needs_setup: bool,
    pub admin: Option<AdminView>,
}

#[server(prefix = "/rpc", endpoint = "auth_state")]
pub async fn get_auth_state() -> Result<AuthState, AppError> {
    let rpc = Rpc::current();
    let needs_setup = rpc
        .core
        .admins
        .needs_setup()
        .await
        .map_err(|e| rpc.reject(e))?;
    let admin = if needs_setup {
        None
    } else {
        rpc.signed_in_admin().await?
    };
    Ok(AuthState { needs_setup, admin })
}

/// Creates the first administrator and signs them in. Refused (409) once one exists,
/// whatever the UI shows.
#[server(prefix = "/rpc", endpoint = "create_first_admin", input = Json)]
pub async fn create_first_admin(input: NewAdminRequest) -> Result<AdminView, AppError> {
    let rpc = Rpc::current();
    let session = rpc
        .core
        .admins
        .create_first(&input, &rpc.origin())
        .await
        .map_err(|e| rpc.reject(e))?;
    rpc.set_session_cookie(&session);
    Ok(session.admin)
}

#[server(prefix = "/rpc", endpoint = "sign_in", input = Json)]
pub async fn sign_in(input: SignInRequest) -> Result<AdminView, AppError> {
    let rpc = Rpc::current();
    let session = rpc
        .core
        .admins
        .sign_in(&input, &rpc.origin())
        .await
        .map_err(|e| rpc.reject(e))?;
    rpc.set_session_cookie(&session);
    Ok(session.admin)
}

#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let rpc = Rpc::current();
    if let Some(secret) = rpc.session_secret() {
        rpc.core
            .admins
            .sign_out(&secret, rpc.origin())
            .await
            .map_err(|e| rpc.reject(e))?;
    }
    rpc.clear_session_cookie();
    Ok(())
}

/// Checks the signed-in admin's password again, so that for the next few minutes they may
/// create, regenerate and revoke tokens and change admins and roles. A wrong password
/// counts as a failed sign-in.
#[server(prefix = "/rpc", endpoint = "confirm_password", input = Json)]
pub async fn confirm_password(password: String) -> Result<(), AppError> {
    let rpc = Rpc::current();
    let secret = rpc.require_session_secret()?;
    rpc.core
        .admins
        .confirm_password(&secret, rpc.origin(), &password)
        .await
        .map(drop)
        .map_err(|e| match e {
            tollgate::ServiceError::NotFound(_) => rpc.reject(AppError::Unauthenticated),
            other => rpc.reject(other),
        })
}
