//! Browser-facing protections: the Content-Security-Policy of each page (scripts only by
//! per-response nonce), the other security headers, and the refusal of cross-site requests
//! that would change state with an admin's cookie. (What may be cached is
//! [`crate::site_assets`]'s.)

use axum::extract::Request;
use axum::http::header::{CONTENT_SECURITY_POLICY, HOST, ORIGIN};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::nonce::use_nonce;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::json_error::ApiError;

/// For every response that is not a page (JSON, static files): nothing may be loaded or
/// framed on its behalf.
pub const DEFAULT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// A page's policy: its scripts are the ones carrying this response's nonce (the hydration
/// loader), plus the wasm they compile. No inline script without the nonce runs, so injected
/// markup cannot execute. Styles allow inline `style` attributes (the usage chart's bars).
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Called in every page render's context: Leptos has made this response's nonce (and puts
/// it on its hydration scripts); the policy names it.
pub fn set_page_policy() {
    let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>()) else {
        return; // a server function call, not a page
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce)) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// Where requests are authenticated by the admin's session cookie. The bearer-token API is
/// not: a cross-site page cannot make a browser send a token it does not have.
const COOKIE_AUTHENTICATED: [&str; 2] = ["/rpc/", "/admin/"];

/// Refuses a state-changing request that a browser says came from another site. The
/// session cookie is `SameSite=Strict` already; this is the second lock, for browsers or
/// proxies that lose the attribute. Requests without these headers (scripts, curl) are not
/// browser requests riding on a cookie and pass.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let by_cookie = COOKIE_AUTHENTICATED
        .iter()
        .any(|prefix| path.starts_with(prefix));
    let changes_state = by_cookie
        && !matches!(
            *request.method(),
            Method::GET | Method::HEAD | Method::OPTIONS
        );
    if changes_state && is_cross_site(request.headers(), request.uri().authority()) {
        return ApiError::cross_site_request().into_response();
    }
    next.run(request).await
}

/// A browser that sends Fetch Metadata is believed: `Sec-Fetch-Site` other than
/// `same-origin` or `none` (typed by the user) is refused, and those two pass. Its `Origin`
/// can't decide then: every page here is `Referrer-Policy: no-referrer`, under which
/// Chromium sends `Origin: null` with a form the page itself posts (JavaScript off). Without
/// Fetch Metadata (older browsers, proxies that strip it), an `Origin` that is not this host
/// is refused. Scripts send neither and pass.
fn is_cross_site(headers: &HeaderMap, authority: Option<&Authority>) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = text("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = text(ORIGIN.as_str()) else {
        return false;
    };
    let host = text(HOST.as_str()).or_else(|| authority.map(Authority::as_str));
    // `Origin: null` (sandboxed frames, some redirects) has no host, so never matches.
    !matches!((origin_host(origin), host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

/// `https://panel.example.com:8443` → `panel.example.com:8443`.
fn origin_host(origin: &str) -> Option<&str> {
    origin.split_once("://").map(|(_, host)| host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.parse().unwrap(), HeaderValue::from_static(value)))
            .collect()
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            None
        ));
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "none")]),
            None
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            None
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            None
        ));
    }

    #[test]
    fn a_form_posted_by_the_page_itself_passes_despite_origin_null() {
        // A plain form post from a `Referrer-Policy: no-referrer` page, as Chromium sends it.
        let own_form = headers(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "null"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(!is_cross_site(&own_form, None));
        let other_site = headers(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "null"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(is_cross_site(&other_site, None));
    }

    #[test]
    fn otherwise_the_origin_must_match_the_host() {
        let same = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(!is_cross_site(&same, None));
        let other = headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(is_cross_site(&other, None));
        let null = headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]);
        assert!(is_cross_site(&null, None));
        assert!(!is_cross_site(
            &headers(&[("host", "127.0.0.1:3000")]),
            None
        ));
    }

    #[test]
    fn the_page_policy_allows_only_nonced_scripts() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
