//! Server-only plumbing for server functions: the core from context, the request as the
//! server read it (address, session; see `tollgate::request_context`), the session cookie,
//! and turning errors into HTTP statuses.
//!
//! Leptos only guarantees reactive context until a server function's first `.await` (when
//! a page render calls it directly, later polls run outside the owner). So every server
//! function starts with [`Rpc::current`], which takes everything it needs from context at
//! once, and uses that afterwards.

use std::net::IpAddr;
use std::sync::Arc;

use http::header::{CACHE_CONTROL, LOCATION, RETRY_AFTER, SET_COOKIE};
use http::{HeaderValue, StatusCode, request::Parts};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use tollgate::Tollgate;
use tollgate::admins::actor::{Actor, RequestOrigin};
use tollgate::admins::{NewSession, SessionSecret};
use tollgate::model::AdminView;
use tollgate::request_context::RequestContext;

use crate::error::AppError;
use crate::settings::api_docs::ApiReference;

mod handoff;
mod refusal;
pub use handoff::{Handoff, HandoffFor, TakenByRequest};
pub use refusal::Refusal;

/// What the server binary hands every server function and page render.
#[derive(Clone)]
pub struct ServerContext {
    pub core: Tollgate,
    /// The API reference page's content, read from the OpenAPI document at start-up.
    pub api_reference: Arc<ApiReference>,
    /// How often token usage is written; the token list refreshes itself as often.
    pub usage_flush: std::time::Duration,
}

/// One server-function call: the core, the request, and the response being built.
pub struct Rpc {
    pub core: Tollgate,
    pub api_reference: Arc<ApiReference>,
    /// What this page render took from the no-JS handoffs already (none in a server
    /// function called over HTTP).
    pub taken: Option<TakenByRequest>,
    /// The request as the server read it (its `request_context` middleware).
    request: RequestContext,
    response: Option<ResponseOptions>,
}

impl Rpc {
    /// Captures the call's context. Call before the first `.await`.
    pub fn current() -> Self {
        let ServerContext {
            core,
            api_reference,
            ..
        } = expect_context::<ServerContext>();
        Self {
            core,
            api_reference,
            taken: use_context::<TakenByRequest>(),
            request: request_context(),
            response: use_context::<ResponseOptions>(),
        }
    }

    /// Turns a core error (or the panel's own) into the [`AppError`] a server function
    /// returns, and gives the response the error's status (and `Retry-After` when it says
    /// when to try again): `.map_err(|e| rpc.reject(e))`. The only way from a core error to
    /// an `AppError` (there is no `From`), so a bare `?` on a core result does not compile.
    ///
    /// Over HTTP the status would arrive without it too (`server::server_fn_status` reads it off
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

    /// The caller's address (see `tollgate::client_address`).
    pub fn client_ip(&self) -> Option<IpAddr> {
        self.request.client_ip()
    }

    /// Where the call came from, for the audit log.
    pub fn origin(&self) -> RequestOrigin {
        self.request.origin.clone()
    }

    /// The session id from the request's cookie, if any.
    pub fn session_secret(&self) -> Option<SessionSecret> {
        self.request.session.clone()
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
        let secure = self.request.secure_cookies;
        let cookie = format!(
            "{}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Strict{}",
            self.request.session_cookie_name(),
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

    /// Leaves `value` for this session's next read of `page`, on any instance (see
    /// [`handoff`]).
    pub async fn hand_off(&self, page: HandoffFor, value: Handoff) {
        if let Some(session) = self.session_secret() {
            handoff::hand_off(&self.core, &session, page, &value).await;
        }
    }

    /// What this session was handed for `page`, once per request (see [`handoff`]).
    pub async fn take_handoff(&self, page: HandoffFor) -> Option<Handoff> {
        let session = self.session_secret()?;
        match &self.taken {
            Some(taken) => taken.take(&self.core, &session, page).await,
            None => handoff::take(&self.core, &session, page).await,
        }
    }

    /// For responses that carry a token's value: no cache may keep them.
    pub fn no_store(&self) {
        if let Some(response) = &self.response {
            response.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
}

/// The request as the server's `request_context` middleware read it, from the `Parts`
/// Leptos provides. Every route is behind that middleware, so a request without it is a
/// wiring mistake: better to stop than to guess the address or the cookie's mode.
fn request_context() -> RequestContext {
    use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<RequestContext>().cloned())
        .expect(
            "the server's request_context middleware runs before every page and server function",
        )
}
