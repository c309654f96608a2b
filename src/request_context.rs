//! What a door knows about the request in front of it: the client's address and browser,
//! whether it came over https, and the admin session it presents.
//!
//! The server works this out once per request, from the TCP peer and the headers, under
//! the trusted-proxies rule of [`crate::client_address`] (its `request_context` middleware),
//! and hands the same value to every door: the panel's server functions and pages, the
//! admin API and the API door. It lives in the core, not in the server, because the panel
//! (`app`, which the server depends on) reads it too, and beside [`RequestOrigin`], which
//! it carries to the audit log. No HTTP parsing happens here.

use std::net::IpAddr;

use crate::admins::SessionSecret;
use crate::admins::actor::RequestOrigin;

/// The session cookie over plain http (local use, tests).
pub const SESSION_COOKIE: &str = "tollgate_session";
/// The session cookie over https. A browser keeps a `__Host-` cookie only if it is
/// `Secure`, has `Path=/` and no `Domain`, so neither a sibling subdomain nor a plain-http
/// page can plant or overwrite it, and it is read under this name only.
pub const SECURE_SESSION_COOKIE: &str = "__Host-tollgate_session";

/// The session cookie's name when cookies are `Secure` (`secure`) or not: the one name a
/// request's session is read under and a response's is written under.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// One request, as every door sees it. `Debug` never shows the session id (see
/// [`SessionSecret`]).
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The client's address (`None` only for a request that came over no connection) and
    /// user agent, as throttles, "last used from" and the audit log take them.
    pub origin: RequestOrigin,
    /// A trusted proxy says the client asked over https (`X-Forwarded-Proto`).
    pub forwarded_https: bool,
    /// This request's cookies are `Secure` (and so named [`SECURE_SESSION_COOKIE`]):
    /// configured so, or [`RequestContext::forwarded_https`].
    pub secure_cookies: bool,
    /// The session id from the session cookie of this mode's name, if the request sent one.
    pub session: Option<SessionSecret>,
}

impl RequestContext {
    /// The client's address (see [`crate::client_address`]).
    pub fn client_ip(&self) -> Option<IpAddr> {
        self.origin.ip
    }

    /// The session cookie's name for this request (see [`session_cookie_name`]).
    pub fn session_cookie_name(&self) -> &'static str {
        session_cookie_name(self.secure_cookies)
    }
}
