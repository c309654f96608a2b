//! Who is at the panel: set-up of the first admin, sign-in (with and without JavaScript),
//! sign-out, and confirming the password again, as server functions.

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
    sign_in_as(&rpc, &input).await
}

/// The sign-in form, posted by a browser without JavaScript: signs in like `sign_in`, then
/// opens the token list, or the form again with the email kept and why it was refused
/// ([`SignInRefusal`] in the query: a code, never the server's text).
#[server(prefix = "/rpc", endpoint = "sign_in_form")]
pub async fn sign_in_form(
    #[server(default)] email: String,
    #[server(default)] password: String,
) -> Result<(), AppError> {
    let rpc = Rpc::current();
    let input = SignInRequest { email, password };
    match sign_in_as(&rpc, &input).await {
        Ok(_) => rpc.redirect(crate::paths::TOKENS),
        Err(error) => rpc.redirect(&SignInRefusal::from_error(&error).login_path(&input.email)),
    }
    Ok(())
}

#[cfg(feature = "ssr")]
async fn sign_in_as(rpc: &Rpc, input: &SignInRequest) -> Result<AdminView, AppError> {
    let session = rpc
        .core
        .admins
        .sign_in(input, &rpc.origin())
        .await
        .map_err(|e| rpc.reject(e))?;
    rpc.set_session_cookie(&session);
    Ok(session.admin)
}

/// Why a sign-in posted without JavaScript was refused, as the login page's query carries
/// it back (`/login?refused=credentials&email=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefusal {
    Credentials,
    /// Too many failures: try again in this many seconds.
    Throttled(u64),
    Failed,
}

impl SignInRefusal {
    pub fn from_error(error: &AppError) -> Self {
        match error {
            AppError::BadCredentials => Self::Credentials,
            AppError::TooManyAttempts { retry_after, .. } => Self::Throttled(*retry_after),
            _ => Self::Failed,
        }
    }

    pub fn login_path(self, email: &str) -> String {
        let code = match self {
            Self::Credentials => "credentials".to_owned(),
            Self::Throttled(seconds) => format!("throttled-{seconds}"),
            Self::Failed => "failed".to_owned(),
        };
        format!(
            "{}?refused={code}&email={}",
            crate::paths::LOGIN,
            percent_encode(email)
        )
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "credentials" => Some(Self::Credentials),
            "failed" => Some(Self::Failed),
            _ => code
                .strip_prefix("throttled-")
                .and_then(|s| s.parse().ok())
                .map(Self::Throttled),
        }
    }

    /// The error the JavaScript path would have shown.
    pub fn error(self) -> AppError {
        match self {
            Self::Credentials => AppError::BadCredentials,
            Self::Throttled(seconds) => AppError::TooManyAttempts {
                message: format!(
                    "Too many failed sign-ins. Try again in {} minutes.",
                    seconds.div_ceil(60)
                ),
                retry_after: seconds,
            },
            Self::Failed => AppError::Internal,
        }
    }
}

/// Encodes every byte but RFC 3986's unreserved characters, for a query value.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
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
    confirm_password_as(&Rpc::current(), &password).await
}

/// [`confirm_password`] for this request's session; also for forms posted without
/// JavaScript, which carry the password themselves.
#[cfg(feature = "ssr")]
pub(crate) async fn confirm_password_as(rpc: &Rpc, password: &str) -> Result<(), AppError> {
    let secret = rpc.require_session_secret()?;
    rpc.core
        .admins
        .confirm_password(&secret, rpc.origin(), password)
        .await
        .map(drop)
        .map_err(|e| match e {
            tollgate::ServiceError::NotFound(_) => rpc.reject(AppError::Unauthenticated),
            other => rpc.reject(other),
        })
}
