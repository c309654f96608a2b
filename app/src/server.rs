//! Server-only plumbing for server functions: the core from context, the session cookie,
//! and turning errors into HTTP statuses.

use http::header::{CACHE_CONTROL, COOKIE, SET_COOKIE};
use http::{HeaderValue, request::Parts};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use tollgate::Tollgate;
use tollgate::admins::{NewSession, SessionSecret};
use tollgate::model::AdminView;

use crate::error::AppError;

pub const SESSION_COOKIE: &str = "tollgate_session";

/// What the server binary hands every server function and page render.
#[derive(Clone)]
pub struct ServerContext {
    pub core: Tollgate,
    /// Mark cookies `Secure` (the panel is served over https).
    pub secure_cookies: bool,
}

pub fn core() -> Tollgate {
    expect_context::<ServerContext>().core
}

/// Sets the response status that matches `error` and passes it on: `.map_err(reject)`.
pub fn reject(error: impl Into<AppError>) -> AppError {
    let error = error.into();
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(error.status());
    }
    error
}

/// The session id from the request's cookie, if any.
pub fn session_secret() -> Option<SessionSecret> {
    let parts = use_context::<Parts>()?;
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| SessionSecret::from_cookie(value))
}

/// The signed-in administrator, or `None`.
pub async fn signed_in_admin() -> Result<Option<AdminView>, AppError> {
    match session_secret() {
        Some(secret) => core().admins.session(&secret).await.map_err(reject),
        None => Ok(None),
    }
}

/// The signed-in administrator, or a 401. Every protected server function starts here.
pub async fn require_admin() -> Result<AdminView, AppError> {
    signed_in_admin().await?.ok_or_else(|| reject(AppError::Unauthenticated))
}

pub fn set_session_cookie(session: &NewSession) {
    let max_age = session.max_age.num_seconds();
    write_cookie(&format!("{SESSION_COOKIE}={}; Max-Age={max_age}", session.secret.expose()));
}

pub fn clear_session_cookie() {
    write_cookie(&format!("{SESSION_COOKIE}=; Max-Age=0"));
}

fn write_cookie(value_and_age: &str) {
    let secure = expect_context::<ServerContext>().secure_cookies || request_is_https();
    let cookie = format!(
        "{value_and_age}; Path=/; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    );
    let response = expect_context::<ResponseOptions>();
    response.append_header(SET_COOKIE, HeaderValue::from_str(&cookie).expect("cookie is ASCII"));
}

/// Behind a TLS-terminating proxy the request itself is plain http.
fn request_is_https() -> bool {
    use_context::<Parts>().is_some_and(|parts| {
        parts.headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
    })
}

/// For responses that carry a token's value: no cache may keep them.
pub fn no_store() {
    expect_context::<ResponseOptions>().insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
}
