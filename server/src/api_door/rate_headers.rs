//! The IETF `RateLimit-Policy` and `RateLimit` headers (draft-ietf-httpapi-ratelimit-headers)
//! on every answer to a request whose token has a rate limit, refusals included, so a
//! client can slow down before it is turned away.
//!
//! Authentication happens inside an extractor, far from the response. The layer puts an
//! empty [`RateSlot`] in the request; authenticating fills it with where the token's limit
//! stands ([`RateSlot::fill`]); on the way out the layer turns it into the headers.

use std::sync::{Arc, OnceLock};

use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tollgate::tokens::rate_limit::RateState;

pub const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
pub const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");

/// The policy's name in both headers: one limit per token.
const POLICY: &str = "token";

/// Where the presented token's rate limit stands after this request, once known.
#[derive(Clone, Default)]
pub struct RateSlot(Arc<OnceLock<RateState>>);

impl RateSlot {
    /// The slot the layer put in this request; `None` on routes without the layer.
    pub fn of(parts: &Parts) -> Option<Self> {
        parts.extensions.get::<Self>().cloned()
    }

    /// Records the token's state; the first record of a request wins (there is one).
    pub fn fill(&self, state: RateState) {
        let _ = self.0.set(state);
    }
}

/// The layer: an empty slot in, the headers out when it was filled.
pub async fn add_rate_headers(mut request: Request, next: Next) -> Response {
    let slot = RateSlot::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    if let Some(state) = slot.0.get() {
        let (policy, now) = header_values(state);
        let headers = response.headers_mut();
        headers.insert(RATELIMIT_POLICY, policy);
        headers.insert(RATELIMIT, now);
    }
    response
}

/// `"token";q=<limit>;w=<window>` and `"token";r=<remaining>;t=<seconds until full>`.
fn header_values(state: &RateState) -> (HeaderValue, HeaderValue) {
    let policy = format!("\"{POLICY}\";q={};w={}", state.limit, state.window_seconds);
    let now = format!(
        "\"{POLICY}\";r={};t={}",
        state.remaining, state.reset_seconds
    );
    (
        HeaderValue::from_str(&policy).expect("digits and quotes are a header value"),
        HeaderValue::from_str(&now).expect("digits and quotes are a header value"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_follow_the_drafts_structured_field_syntax() {
        let state = RateState {
            limit: 10,
            window_seconds: 60,
            remaining: 3,
            reset_seconds: 42,
        };
        let (policy, now) = header_values(&state);
        assert_eq!(policy, "\"token\";q=10;w=60");
        assert_eq!(now, "\"token\";r=3;t=42");
    }
}
