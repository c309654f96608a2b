//! Server-only plumbing for server functions: the core from context, the session cookie,
//! and turning errors into HTTP statuses.
//!
//! Leptos only guarantees reactive context until a server function's first `.await` (when
//! a page render calls it directly, later polls run outside the owner). So every server
//! function starts with [`Rpc::current`], which takes everything it needs from context at
//! once, and uses that afterwards.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::ConnectInfo;

use http::header::{CACHE_CONTROL, COOKIE, LOCATION, RETRY_AFTER, SET_COOKIE, USER_AGENT};
use http::{HeaderMap, HeaderValue, StatusCode, request::Parts};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use tollgate::Tollgate;
use tollgate::actor::{Actor, RequestOrigin};
use tollgate::admins::{NewSession, SessionSecret};
use tollgate::model::AdminView;

use crate::api::ApiReference;
use crate::error::AppError;

mod handoff;
pub use handoff::{Handoff, HandoffFor, Handoffs, TakenByRequest};

pub const SESSION_COOKIE: &str = "tollgate_session";

/// The session id from a request's `tollgate_session` cookie, if it sent one. Shared by
/// the server functions and the admin JSON API, which sign in the same way.
pub fn session_secret(headers: &HeaderMap) -> Option<SessionSecret> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| SessionSecret::from_cookie(value))
}

/// What the server binary hands every server function and page render.
#[derive(Clone)]
pub struct ServerContext {
    pub core: Tollgate,
    /// Mark cookies `Secure` (the panel is served over https).
    pub secure_cookies: bool,
    /// The API reference page's content, read from the OpenAPI document at start-up.
    pub api_reference: Arc<ApiReference>,
    /// Behind a reverse proxy: the client address comes from `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    /// What a form posted without JavaScript leaves for the page it redirects to.
    pub handoffs: Handoffs,
}

/// One server-function call: the core, the request, and the response being built.
pub struct Rpc {
    pub core: Tollgate,
    pub api_reference: Arc<ApiReference>,
    pub handoffs: Handoffs,
    /// What this request took from `handoffs` already.
    pub taken: Option<TakenByRequest>,
    trust_forwarded_for: bool,
    secure_cookies: bool,
    request: Option<Parts>,
    response: Option<ResponseOptions>,
}

impl Rpc {
    /// Captures the call's context. Call before the first `.await`.
    pub fn current() -> Self {
        let ServerContext {
            core,
            secure_cookies,
            api_reference,
            trust_forwarded_for,
            handoffs,
        } = expect_context::<ServerContext>();
        Self {
            core,
            api_reference,
            handoffs,
            taken: use_context::<TakenByRequest>(),
            trust_forwarded_for,
            secure_cookies,
            request: use_context::<Parts>(),
            response: use_context::<ResponseOptions>(),
        }
    }

    /// Sets the response status that matches `error` (and `Retry-After` when it says when
    /// to try again) and passes it on: `.map_err(|e| rpc.reject(e))`.
    pub fn reject(&self, error: impl Into<AppError>) -> AppError {
        let error = error.into();
        if let Some(response) = &self.response {
            response.set_status(error.status());
            if let Some(seconds) = error.retry_after() {
                response.insert_header(RETRY_AFTER, HeaderValue::from(seconds));
            }
        }
        error
    }

    /// The caller's address (see [`client_ip`]).
    pub fn client_ip(&self) -> Option<IpAddr> {
        client_ip(self.request.as_ref()?, self.trust_forwarded_for)
    }

    /// Where the call came from, for the audit log.
    pub fn origin(&self) -> RequestOrigin {
        let user_agent = self
            .request
            .as_ref()
            .and_then(|parts| parts.headers.get(USER_AGENT))
            .and_then(|value| value.to_str().ok());
        RequestOrigin::new(self.client_ip(), user_agent)
    }

    /// The session id from the request's cookie, if any.
    pub fn session_secret(&self) -> Option<SessionSecret> {
        session_secret(&self.request.as_ref()?.headers)
    }

    /// The session id from the request's cookie, or a 401.
    pub fn require_session_secret(&self) -> Result<SessionSecret, AppError> {
        self.session_secret()
            .ok_or_else(|| self.reject(AppError::Unauthenticated))
    }

    /// The signed-in administrator, or `None`.
    pub async fn signed_in_admin(&self) -> Result<Option<AdminView>, AppError> {
        Ok(self.signed_in_actor().await?.map(|actor| actor.admin))
    }

    /// The signed-in administrator acting from this request, or `None`.
    pub async fn signed_in_actor(&self) -> Result<Option<Actor>, AppError> {
        let Some(secret) = self.session_secret() else {
            return Ok(None);
        };
        self.core
            .admins
            .actor(&secret, self.origin())
            .await
            .map_err(|e| self.reject(e))
    }

    /// The signed-in administrator acting from this request, or a 401. Every protected
    /// server function starts here.
    pub async fn require_admin(&self) -> Result<Actor, AppError> {
        self.signed_in_actor()
            .await?
            .ok_or_else(|| self.reject(AppError::Unauthenticated))
    }

    pub fn set_session_cookie(&self, session: &NewSession) {
        let max_age = session.max_age.num_seconds();
        self.write_cookie(&format!(
            "{SESSION_COOKIE}={}; Max-Age={max_age}",
            session.secret.expose()
        ));
    }

    pub fn clear_session_cookie(&self) {
        self.write_cookie(&format!("{SESSION_COOKIE}=; Max-Age=0"));
    }

    fn write_cookie(&self, value_and_age: &str) {
        let secure = self.secure_cookies || self.request_is_https();
        let cookie = format!(
            "{value_and_age}; Path=/; HttpOnly; SameSite=Strict{}",
            if secure { "; Secure" } else { "" }
        );
        if let Some(response) = &self.response {
            response.append_header(
                SET_COOKIE,
                HeaderValue::from_str(&cookie).expect("cookie is ASCII"),
            );
        }
    }

    /// Behind a TLS-terminating proxy the request itself is plain http.
    fn request_is_https(&self) -> bool {
        self.request.as_ref().is_some_and(|parts| {
            parts
                .headers
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
        })
    }

    /// Answers a form posted without JavaScript with "see `path`": the browser loads it
    /// with a GET, so reloading that page never posts the form again.
    pub fn redirect(&self, path: &str) {
        if let (Some(response), Ok(location)) = (&self.response, HeaderValue::from_str(path)) {
            response.insert_header(LOCATION, location);
            response.set_status(StatusCode::SEE_OTHER);
        }
    }

    /// For responses that carry a token's value: no cache may keep them.
    pub fn no_store(&self) {
        if let Some(response) = &self.response {
            response.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
}

/// The peer's address, or behind a trusted reverse proxy the address it reports: the
/// last `X-Forwarded-For` entry (the one the proxy itself added), else `X-Real-IP`.
pub fn client_ip(parts: &Parts, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for {
        // Only the last entry: the earlier ones are whatever the client sent the proxy.
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse().ok());
        let real_ip = || {
            parts
                .headers
                .get("x-real-ip")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
        };
        if let Some(ip) = forwarded.or_else(real_ip) {
            return Some(ip);
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}
