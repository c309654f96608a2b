//! `/auth/forward`: Tollgate in front of any service, for nginx `auth_request`, Traefik
//! `ForwardAuth` and Caddy `forward_auth`. The proxy asks with the original request's
//! headers; Tollgate checks its token against the permission the original method and path
//! need (see `tollgate::endpoints`) and answers 200 with who it was, or 401 / 403.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use tollgate::endpoints::{Refusal, permission_for};

use super::{ApiError, Bearer};
use crate::answers::ForwardGranted;
use crate::router::AppState;

pub const TOKEN_ID: HeaderName = HeaderName::from_static("x-tollgate-token-id");
pub const TOKEN_NAME: HeaderName = HeaderName::from_static("x-tollgate-token-name");
/// The token's metadata as JSON, `{}` when it has none: always sent, so a proxy that copies
/// it replaces whatever a client put in its own header of that name.
pub const TOKEN_METADATA: HeaderName = HeaderName::from_static("x-tollgate-token-metadata");

/// Which headers carry the original request (`--forward-auth-headers`). Only the
/// configured family is read: a proxy that sets one family passes the client's own copy of
/// the other through untouched (Caddy and Traefik do), so reading both lets a client
/// choose what Tollgate checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ForwardAuthHeaders {
    /// `X-Original-Method` / `X-Original-URI`, as the README's nginx snippet sets them.
    #[default]
    XOriginal,
    /// `X-Forwarded-Method` / `X-Forwarded-Uri`, as Caddy and Traefik set them.
    XForwarded,
}

impl ForwardAuthHeaders {
    /// The method header and the URI header, as named in errors.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::XOriginal => ("X-Original-Method", "X-Original-URI"),
            Self::XForwarded => ("X-Forwarded-Method", "X-Forwarded-Uri"),
        }
    }
}

/// The original request, from the headers `--forward-auth-headers` names (a 400 without
/// them). Read after the [`Bearer`] and before the token is authenticated: that order is
/// part of the answer.
pub struct OriginalRequest {
    method: String,
    uri: String,
}

impl FromRequestParts<AppState> for OriginalRequest {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (method_header, uri_header) = state.api.forward_auth_headers.names();
        Ok(OriginalRequest {
            method: required_header(&parts.headers, method_header)?,
            uri: required_header(&parts.headers, uri_header)?,
        })
    }
}

pub async fn forward_auth(
    State(state): State<AppState>,
    bearer: Bearer,
    OriginalRequest { method, uri }: OriginalRequest,
) -> Result<(HeaderMap, Json<ForwardGranted>), ApiError> {
    // The token first, as on every door: without a good one the answer is 401, whatever
    // the path.
    let token = bearer.authenticate(&state).await?;
    let needed = match permission_for(
        state.core.tokens.catalog(),
        &state.api.forward_prefix,
        &method,
        &uri,
    ) {
        Ok(needed) => needed,
        Err(Refusal::Ambiguous(what)) => return Err(ApiError::ambiguous_path(what)),
        Err(_) => return Err(ApiError::no_route(&method, &uri)),
    };
    state.core.verifier.authorize(&token, &needed).await?;

    let mut answer = HeaderMap::new();
    answer.insert(TOKEN_ID, HeaderValue::from(token.id));
    answer.insert(TOKEN_NAME, header_safe(&token.name));
    answer.insert(
        TOKEN_METADATA,
        HeaderValue::from_str(&token.metadata.to_ascii_json())
            .expect("ASCII JSON without DEL is a header value"),
    );
    Ok((
        answer,
        Json(ForwardGranted {
            id: token.id,
            metadata: token.metadata.clone(),
            name: token.name.clone(),
            permission: needed,
        }),
    ))
}

/// One header's value, exactly once and not empty: a proxy that sends none (or two) is
/// misconfigured, and guessing (`GET`, say) would let the wrong check pass. Bytes that are
/// not UTF-8 become U+FFFD, which the path rule then refuses.
fn required_header(headers: &HeaderMap, name: &'static str) -> Result<String, ApiError> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(value), None) if !value.as_bytes().trim_ascii().is_empty() => {
            Ok(String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
        }
        (Some(_), Some(_)) => Err(ApiError::bad_request(
            name,
            format!("Send {name} once: this request carries it more than once."),
        )),
        _ => Err(ApiError::bad_request(
            name,
            format!(
                "Send the original request's {} as {name} (see --forward-auth-headers).",
                if name.ends_with("Method") {
                    "method"
                } else {
                    "path and query"
                }
            ),
        )),
    }
}

/// Token names are free text; a header carries visible ASCII, so anything else is
/// percent-encoded (UTF-8).
fn header_safe(name: &str) -> HeaderValue {
    HeaderValue::from_str(name)
        .ok()
        .filter(|_| name.bytes().all(|b| (b' '..=b'~').contains(&b)))
        .unwrap_or_else(|| {
            let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
            HeaderValue::from_str(&encoded).expect("percent-encoding is ASCII")
        })
}
