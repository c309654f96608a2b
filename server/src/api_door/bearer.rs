//! The token a request presents, and the extractor that authenticates it: every door that
//! takes a token reads it here, and asks the verifier here.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use tollgate::tokens::verifier::{Rejection, VerifiedToken};

use super::ApiError;
use super::rate_headers::RateSlot;
use crate::router::AppState;

/// The query parameter RFC 6750 §2.3 allows, when the configuration enables it.
const QUERY_PARAMETER: &str = "access_token";

/// What a request to the API door presents: the token (from `Authorization: Bearer`, or
/// `?access_token=` where enabled; `None` when it sent none) and the client's address.
/// A scheme other than Bearer, or a token sent two ways at once, is refused here.
pub struct Bearer {
    presented: Option<String>,
    pub client_ip: Option<IpAddr>,
    rate: Option<RateSlot>,
}

impl Bearer {
    pub fn presented(&self) -> Option<&str> {
        self.presented.as_deref()
    }

    /// The one authentication of what this request presents (missing, malformed, unknown,
    /// revoked, expired or throttled: the RFC 6750 answer that says which). Where the
    /// token's rate limit stands goes to the `RateLimit` headers, on success or refusal.
    pub async fn authenticate(&self, state: &AppState) -> Result<VerifiedToken, ApiError> {
        let verifier = &state.core.verifier;
        let outcome = verifier
            .authenticate(self.presented(), self.client_ip)
            .await;
        let rate = match &outcome {
            Ok(token) => token.rate(),
            Err(Rejection::RateLimited { state, .. }) => Some(*state),
            Err(_) => None,
        };
        if let (Some(slot), Some(rate)) = (&self.rate, rate) {
            slot.fill(rate);
        }
        Ok(outcome?)
    }
}

/// A request whose token the verifier accepted: the [`Bearer`] it presents, authenticated.
/// What the token may do is not checked yet ([`super::Authorized`] does that for the
/// endpoints of the table).
pub struct Authenticated(pub VerifiedToken);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bearer = Bearer::from_request_parts(parts, state).await?;
        bearer.authenticate(state).await.map(Authenticated)
    }
}

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let from_header = header_token(parts)?;
        let from_query = query_token(parts);
        let presented = match (from_header, from_query) {
            (Some(_), Some(_)) => return Err(ApiError::token_sent_twice()),
            (None, Some(_)) if !state.api.allow_query_token => {
                return Err(ApiError::query_token_disabled());
            }
            (header, query) => header.or(query),
        };
        Ok(Bearer {
            presented,
            client_ip: crate::request_context::of(parts).client_ip(),
            rate: RateSlot::of(parts),
        })
    }
}

fn header_token(parts: &Parts) -> Result<Option<String>, ApiError> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| ApiError::not_bearer())?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or_else(ApiError::not_bearer)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::not_bearer());
    }
    Ok(Some(token.trim().to_owned()))
}

fn query_token(parts: &Parts) -> Option<String> {
    let query = parts.uri.query()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == QUERY_PARAMETER)
        .map(|(_, value)| value.into_owned())
}
