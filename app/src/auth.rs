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
/// opens `next` (if it is a path of this site, else the token list), or the form again with
/// the email and `next` kept and why it was refused ([`SignInRefusal`] in the query: a
/// code, never the server's text).
#[server(prefix = "/rpc", endpoint = "sign_in_form")]
pub async fn sign_in_form(
    #[server(default)] email: String,
    #[server(default)] password: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    let rpc = Rpc::current();
    let input = SignInRequest { email, password };
    match sign_in_as(&rpc, &input).await {
        Ok(_) => rpc.redirect(after_sign_in(&next)),
        Err(error) => {
            rpc.redirect(&SignInRefusal::from_error(&error).login_path(&input.email, &next))
        }
    }
    Ok(())
}

/// Where to go after signing in: `next` if it is a path on this site (one `/`, then no
/// second `/` or `\` a browser would read as another host, no scheme, nothing invisible),
/// else the token list. Checked on the server (the no-JS redirect) and in the browser alike:
/// `next` comes from the address bar, so anybody can write it.
pub fn after_sign_in(next: &str) -> &str {
    let same_site = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace())
        && next.len() <= 2_000;
    if same_site {
        next
    } else {
        crate::paths::TOKENS
    }
}

/// The sign-in page's address that comes back to `path` after signing in (the link a
/// signed-out visitor opened). The token list, where sign-in leads anyway, adds nothing.
pub fn login_returning_to(path: &str) -> String {
    if after_sign_in(path) == crate::paths::TOKENS {
        crate::paths::LOGIN.to_owned()
    } else {
        format!("{}?next={}", crate::paths::LOGIN, percent_encode(path))
    }
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
/// it back (`/login?refused=credentials-2&email=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefusal {
    /// Wrong email or password, with the attempts left before the lock when known.
    Credentials(Option<u32>),
    /// Too many failures: try again in this many seconds.
    Throttled(u64),
    Failed,
}

impl SignInRefusal {
    pub fn from_error(error: &AppError) -> Self {
        match error {
            AppError::BadCredentials { attempts_left } => Self::Credentials(*attempts_left),
            AppError::TooManyAttempts { retry_after, .. } => Self::Throttled(*retry_after),
            _ => Self::Failed,
        }
    }

    pub fn login_path(self, email: &str, next: &str) -> String {
        let code = match self {
            Self::Credentials(None) => "credentials".to_owned(),
            Self::Credentials(Some(left)) => format!("credentials-{left}"),
            Self::Throttled(seconds) => format!("throttled-{seconds}"),
            Self::Failed => "failed".to_owned(),
        };
        let mut path = format!(
            "{}?refused={code}&email={}",
            crate::paths::LOGIN,
            percent_encode(email)
        );
        if after_sign_in(next) != crate::paths::TOKENS {
            path.push_str("&next=");
            path.push_str(&percent_encode(next));
        }
        path
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "credentials" => Some(Self::Credentials(None)),
            "failed" => Some(Self::Failed),
            _ => {
                if let Some(left) = code.strip_prefix("credentials-") {
                    return left.parse().ok().map(|left| Self::Credentials(Some(left)));
                }
                code.strip_prefix("throttled-")
                    .and_then(|s| s.parse().ok())
                    .map(Self::Throttled)
            }
        }
    }

    /// The error the JavaScript path would have shown, in the same words.
    pub fn error(self) -> AppError {
        match self {
            Self::Credentials(attempts_left) => AppError::BadCredentials { attempts_left },
            Self::Throttled(seconds) => AppError::TooManyAttempts {
                message: tollgate::lockout::locked(std::time::Duration::from_secs(seconds)),
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

/// The shell's "Sign out" button: a plain form post, so it works before the wasm has
/// loaded (or without it). Signs out like `sign_out`, then opens the sign-in page, which
/// says so ([`SIGNED_OUT_PATH`]).
#[server(prefix = "/rpc", endpoint = "sign_out_form")]
pub async fn sign_out_form() -> Result<(), AppError> {
    sign_out().await?;
    Rpc::current().redirect(SIGNED_OUT_PATH);
    Ok(())
}

/// The sign-in page after signing out: it says "You have signed out."
pub const SIGNED_OUT_PATH: &str = "/login?signed-out";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_followed_after_sign_in() {
        for ok in ["/settings/api-tokens/5", "/settings/audit-log?page=2", "/"] {
            assert_eq!(after_sign_in(ok), ok);
        }
        for bad in [
            "",
            "//evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "settings",
            "/\tevil",
            "/ok\nLocation: x",
        ] {
            assert_eq!(after_sign_in(bad), crate::paths::TOKENS, "{bad:?}");
        }
    }

    #[test]
    fn a_refusal_keeps_its_warning_and_next_through_the_query() {
        let path =
            SignInRefusal::Credentials(Some(2)).login_path("a@example.com", "/settings/roles");
        assert_eq!(
            path,
            "/login?refused=credentials-2&email=a%40example.com&next=%2Fsettings%2Froles"
        );
        assert_eq!(
            SignInRefusal::parse("credentials-2"),
            Some(SignInRefusal::Credentials(Some(2)))
        );
        assert!(
            SignInRefusal::Credentials(Some(2))
                .error()
                .to_string()
                .contains("2 attempts left")
        );
        assert!(
            !SignInRefusal::Credentials(None)
                .login_path("a", "//evil")
                .contains("next")
        );
        assert_eq!(
            login_returning_to("/settings/api-tokens/5"),
            "/login?next=%2Fsettings%2Fapi-tokens%2F5"
        );
        assert_eq!(login_returning_to("//evil"), "/login");
    }
}

/// Checks the signed-in admin's password again, so that for the next few minutes they may
/// create, regenerate and revoke tokens and change admins and roles. A wrong password
/// counts as a failed sign-in.
#[server(prefix = "/rpc", endpoint = "confirm_password", input = Json)]
pub async fn confirm_password(password: String) -> Result<(), AppError> {
    confirm_password_as(&Rpc::current(), &password).await
}

/// What every form posted without JavaScript that may carry the password does first: confirm `password` when one was typed (a wrong one
/// counts as a failed sign-in; the outcome is the caller's to report with the form), then
/// find who is signed in. `None`: nobody is, and the browser is sent to sign in.
#[cfg(feature = "ssr")]
pub(crate) async fn confirm_then_sign_in(
    rpc: &Rpc,
    password: &str,
) -> Result<Option<(tollgate::admins::actor::Actor, Result<(), AppError>)>, AppError> {
    let confirmed = match password {
        "" => Ok(()),
        password => confirm_password_as(rpc, password).await,
    };
    let Some(admin) = rpc.signed_in_actor().await? else {
        rpc.redirect(crate::paths::LOGIN);
        return Ok(None);
    };
    Ok(Some((admin, confirmed)))
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
