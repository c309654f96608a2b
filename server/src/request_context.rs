//! Reads each request once: the client's address and browser, https, the session cookie;
//! every door (panel, admin API, API door) takes the answer from the request's extensions.
//!
//! The answer is a [`RequestContext`] (a core type: the panel reads it too). Pages and
//! server functions find it in the request `Parts` Leptos puts in their context; the admin
//! API's and the API door's extractors through [`of`].

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tollgate::admins::SessionSecret;
use tollgate::admins::actor::RequestOrigin;
use tollgate::client_address::TrustedProxies;
use tollgate::request_context::{RequestContext, session_cookie_name};

use crate::router::AppState;

/// The middleware: works out the request's [`RequestContext`] and inserts it.
pub async fn attach(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let context = read(
        request.headers(),
        peer,
        &state.api.trusted_proxies,
        state.secure_cookies,
    );
    request.extensions_mut().insert(context);
    next.run(request).await
}

/// The request's context, as [`attach`] left it. The router layers [`attach`] around every
/// route, so it is always there; if it is not, the wiring is wrong and no door may guess
/// (a missing address would dodge the throttles).
pub fn of(parts: &Parts) -> &RequestContext {
    parts
        .extensions
        .get::<RequestContext>()
        .expect("the request_context middleware runs before every door")
}

/// What `headers`, from TCP peer `peer` (`None`: no connection), say about the request.
/// `secure_cookies`: the panel is configured to be served over https.
fn read(
    headers: &HeaderMap,
    peer: Option<IpAddr>,
    trusted: &TrustedProxies,
    secure_cookies: bool,
) -> RequestContext {
    let ip = peer.map(|peer| client_ip(headers, peer, trusted));
    let user_agent = headers.get(USER_AGENT).and_then(|v| v.to_str().ok());
    let forwarded_https = peer.is_some_and(|peer| forwarded_https(headers, peer, trusted));
    let secure_cookies = secure_cookies || forwarded_https;
    RequestContext {
        origin: RequestOrigin::new(ip, user_agent),
        forwarded_https,
        secure_cookies,
        session: session(headers, session_cookie_name(secure_cookies)),
    }
}

/// The client's address: the TCP peer, or, when the peer is a trusted proxy, what the
/// `X-Forwarded-For` chain says (the rule is `TrustedProxies::client_address`). `X-Real-IP`
/// is never read: it is one value with no chain, which a proxy that does not set it passes
/// on from the client untouched.
fn client_ip(headers: &HeaderMap, peer: IpAddr, trusted: &TrustedProxies) -> IpAddr {
    let forwarded = headers.get_all("x-forwarded-for").iter();
    trusted.client_address(peer, forwarded.map(HeaderValue::as_bytes))
}

/// Whether a trusted proxy says the client asked over https (`X-Forwarded-Proto`, the
/// value the nearest proxy wrote: the last). From anyone else the header means nothing.
fn forwarded_https(headers: &HeaderMap, peer: IpAddr, trusted: &TrustedProxies) -> bool {
    trusted.contains(peer)
        && headers
            .get_all("x-forwarded-proto")
            .iter()
            .next_back()
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// The session id from the cookie called `name`, if the request sent one. Only that name
/// counts: over https a cookie without the `__Host-` prefix may have been planted.
fn session(headers: &HeaderMap, name: &str) -> Option<SessionSecret> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| SessionSecret::from_cookie(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    const PEER: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));

    #[test]
    fn forwarded_headers_count_only_from_a_trusted_peer() {
        let sent = headers(&[
            ("x-forwarded-for", "198.51.100.7, 203.0.113.9"),
            ("x-forwarded-proto", "https"),
            (
                "cookie",
                "tollgate_session=plain; __Host-tollgate_session=hosted",
            ),
        ]);
        let direct = read(&sent, PEER, &TrustedProxies::none(), false);
        assert_eq!(direct.client_ip(), PEER);
        assert!(!direct.forwarded_https && !direct.secure_cookies);
        assert_eq!(direct.session.unwrap().expose(), "plain");

        let proxied = read(&sent, PEER, &"127.0.0.1/32".parse().unwrap(), false);
        assert_eq!(proxied.client_ip(), Some("203.0.113.9".parse().unwrap()));
        assert!(proxied.forwarded_https && proxied.secure_cookies);
        assert_eq!(
            proxied.session.unwrap().expose(),
            "hosted",
            "over https only the __Host- cookie is read"
        );
    }

    #[test]
    fn configured_secure_cookies_read_only_the_host_cookie() {
        let plain_only = headers(&[("cookie", "tollgate_session=plain")]);
        let context = read(&plain_only, PEER, &TrustedProxies::none(), true);
        assert!(context.secure_cookies && !context.forwarded_https);
        assert_eq!(context.session_cookie_name(), "__Host-tollgate_session");
        assert!(context.session.is_none());
    }

    #[test]
    fn without_a_connection_there_is_no_address_and_no_forwarded_https() {
        let sent = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https"),
            ("user-agent", "  curl/8  "),
        ]);
        let context = read(&sent, None, &"0.0.0.0/0".parse().unwrap(), false);
        assert_eq!(context.client_ip(), None);
        assert!(!context.forwarded_https);
        assert_eq!(context.origin.user_agent.as_deref(), Some("curl/8"));
    }
}
