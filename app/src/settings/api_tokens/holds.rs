//! Holding a token without ending it: suspend, resume, and ending a regenerate's grace
//! period early. Each is a session check plus one core call; the core checks the role
//! (and, to resume, the confirmed password), audits, and drops the verifier's cache
//! entries, so the change holds from the very next API request.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use tollgate::model::TokenView;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;

/// Refuses the token until it is resumed; `reason` (at most 200 characters, may be empty)
/// is shown to the other admins. Narrows, so no password is asked.
#[server(prefix = "/rpc", endpoint = "suspend_token", input = Json)]
pub async fn suspend_token(
    id: i64,
    #[server(default)] reason: String,
) -> Result<TokenView, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .tokens
        .suspend(&admin, id, &reason)
        .await
        .map_err(|e| rpc.reject(e))
}

/// Lets a suspended token work again. Widens, so the core wants the password confirmed
/// (`PasswordConfirmationRequired`, which the panel answers with its password dialog).
#[server(prefix = "/rpc", endpoint = "resume_token", input = Json)]
pub async fn resume_token(id: i64) -> Result<TokenView, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .tokens
        .resume(&admin, id)
        .await
        .map_err(|e| rpc.reject(e))
}

/// Stops the previous value of a regenerated token now, before its grace period ends.
#[server(prefix = "/rpc", endpoint = "end_grace", input = Json)]
pub async fn end_grace(id: i64) -> Result<TokenView, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    rpc.core
        .tokens
        .end_grace(&admin, id)
        .await
        .map_err(|e| rpc.reject(e))
}
