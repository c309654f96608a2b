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
use http::{HeaderValue, StatusCode, request::Parts};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use tollgate::Tollgate;
use tollgate::admins::actor::{Actor, RequestOrigin};
use tollgate::admins::{NewSession, SessionSecret};
use tollgate::client_address::TrustedProxies;
use tollgate::model::AdminView;

use crate::error::AppError;
use crate::settings::api_docs::ApiReference;

mod error_status;
mod handoff;
pub use error_status::{Refusal, status_from_error};
pub use handoff::{Handoff, HandoffFor, Handoffs, TakenByRequest};

/// The session cookie over plain http (local use, tests).
pub const SESSION_COOKIE: &str = "tollgate_session";
/// The session cookie over https. A browser keeps a `__Host-` cookie only if it is
/// `Secure`, has `Path=/` and no `Domain`, so neither a sibling subdomain nor a plain-http
/// page can plant or overwrite it, and it is read under this name only.
pub const SECURE_SESSION_COOKIE: &str = "__Host-tollgate_session";

/// Whether cookies for this request are `Secure`: configured so (`--secure-cookies`), or
/// behind a TLS-terminating trusted proxy (`X-Forwarded-Proto: https`, see
/// [`forwarded_https`]; the request itself is plain http).
pub fn cookies_are_secure(parts: &Parts, secure_cookies: bool, trusted: &TrustedProxies) -> bool {
    secure_cookies || forwarded_https(parts, trusted)
}

/// The session cookie's name in this mode.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The session id from a request's session cookie (named for the mode, see
/// [`cookies_are_secure`]), if it sent one. Shared by the server functions and the admin
/// JSON API, which sign in the same way.
pub fn session_secret(
    parts: &Parts,
    secure_cookies: bool,
    trusted: &TrustedProxies,
) -> Option<SessionSecret> {
    let name = session_cookie_name(cookies_are_secure(parts, secure_cookies, trusted));
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
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
    /// The reverse proxies whose forwarded headers are believed (see [`client_ip`]).
    pub trusted_proxies: TrustedProxies,
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
    trusted_proxies: TrustedProxies,
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
            trusted_proxies,
            handoffs,
        } = expect_context::<ServerContext>();
        Self {
            core,
            api_reference,
            handoffs,
            taken: use_context::<TakenByRequest>(),
            trusted_proxies,
            secure_cookies,
            request: use_context::<Parts>(),
            response: use_context::<ResponseOptions>(),
        }
    }

    /// Turns a core error (or the panel's own) into the [`AppError`] a server function
    /// returns, and gives the response the error's status (and `Retry-After` when it says
    /// when to try again): `.map_err(|e| rpc.reject(e))`. The only way from a core error to
    /// an `AppError` (there is no `From`), so a bare `?` on a core result does not compile.
    ///
    /// Over HTTP the status would arrive without it too ([`status_from_error`] reads it off
    /// every error answer); a page render that calls the function directly gets its status
    /// only from here.
    pub fn reject(&self, error: impl Refusal) -> AppError {
        let error = error.into_app_error();
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
        client_ip(self.request.as_ref()?, &self.trusted_proxies)
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
        session_secret(
            self.request.as_ref()?,
            self.secure_cookies,
            &self.trusted_proxies,
        )
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
        self.write_cookie(session.secret.expose(), max_age);
    }

    pub fn clear_session_cookie(&self) {
        self.write_cookie("", 0);
    }

    /// No `Domain`, and `Path=/`: what the `__Host-` name needs over https.
    fn write_cookie(&self, value: &str, max_age: i64) {
        let secure = self.request.as_ref().map_or(self.secure_cookies, |parts| {
            cookies_are_secure(parts, self.secure_cookies, &self.trusted_proxies)
        });
        let cookie = format!(
            "{}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Strict{}",
            session_cookie_name(secure),
            if secure { "; Secure" } else { "" }
        );
        if let Some(response) = &self.response {
            response.append_header(
                SET_COOKIE,
                HeaderValue::from_str(&cookie).expect("cookie is ASCII"),
            );
        }
    }

    /// Answers a form posted without JavaScript with "see `path`": the browser loads it
    /// with a GET, so reloading that page never posts the form again.
    pub fn redirect(&self, path: &str) {
        if let (Some(response), Ok(location)) = (&self.response, HeaderValue::from_str(path)) {
            response.insert_header(LOCATION, location);
            response.set_status(StatusCode::SEE_OTHER);
        }
    }

    /// Leaves `value` for this session's next read of `page` (see [`Handoffs`]).
    pub fn hand_off(&self, page: HandoffFor, value: Handoff) {
        if let Some(session) = self.session_secret() {
            self.handoffs.put(&session, page, value);
        }
    }

    /// What this session was handed for `page`, once per request (see [`Handoffs`]).
    pub fn take_handoff(&self, page: HandoffFor) -> Option<Handoff> {
        let session = self.session_secret()?;
        self.handoffs.take_once(self.taken.as_ref(), &session, page)
    }

    /// For responses that carry a token's value: no cache may keep them.
    pub fn no_store(&self) {
        if let Some(response) = &self.response {
            response.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
}

/// The client's address: the TCP peer, or, when the peer is a trusted proxy, what the
/// `X-Forwarded-For` chain says (the rule is `TrustedProxies::client_address`). `X-Real-IP`
/// is never read: it is one value with no chain, which a proxy that does not set it passes
/// on from the client untouched. `None` only for requests that came over no connection.
pub fn client_ip(parts: &Parts, trusted: &TrustedProxies) -> Option<IpAddr> {
    let peer = peer(parts)?;
    let forwarded = parts.headers.get_all("x-forwarded-for").iter();
    Some(trusted.client_address(peer, forwarded.map(HeaderValue::as_bytes)))
}

/// Whether a trusted proxy says the client asked over https (`X-Forwarded-Proto`, the
/// value the nearest proxy wrote: the last). From anyone else the header means nothing.
pub fn forwarded_https(parts: &Parts, trusted: &TrustedProxies) -> bool {
    peer(parts).is_some_and(|peer| trusted.contains(peer))
        && parts
            .headers
            .get_all("x-forwarded-proto")
            .iter()
            .next_back()
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

fn peer(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}
