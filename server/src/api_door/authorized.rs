//! The extractor that lets a request through to one of the table's endpoints
//! (`tollgate::endpoints::ENDPOINTS`): the endpoint it reached names the permission, the
//! path names the resource, and the token must hold that permission on it.

use axum::extract::{FromRequestParts, MatchedPath, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tollgate::catalog::Permission;
use tollgate::endpoints::{API_PREFIX, Endpoint, Method};
use tollgate::tokens::verifier::VerifiedToken;

use super::{ApiError, Authenticated};
use crate::router::AppState;

/// A caller the table's endpoint lets in: its token holds the endpoint's action on
/// `resource`, which exists.
pub struct Authorized {
    /// The token, for handlers that want to say who asked.
    pub token: VerifiedToken,
    pub resource: String,
}

/// The `{resource}` of the path (an `{id}` is the handler's to read).
#[derive(Deserialize)]
struct OnResource {
    resource: String,
}

impl FromRequestParts<AppState> for Authorized {
    type Rejection = Response;

    /// In this order, so a caller learns nothing it may not: the path is read (axum's own
    /// 400 when a segment is not UTF-8), the token authenticated (401), the resource looked
    /// up (404), the permission checked (403).
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Path(OnResource { resource }) = Path::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let endpoint = endpoint(parts).map_err(IntoResponse::into_response)?;
        let Authenticated(token) = Authenticated::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        if !state.core.content.has_resource(&resource) {
            return Err(
                ApiError::not_found(format!("There is no resource `{resource}`.")).into_response(),
            );
        }
        state
            .core
            .verifier
            .authorize(&token, &Permission::new(resource.as_str(), endpoint.action))
            .await
            .map_err(|rejection| ApiError::from(rejection).into_response())?;
        Ok(Authorized { token, resource })
    }
}

/// The table's entry for the route this request reached. Every route this extractor sits on
/// is built from the table (`super::routes`), so a miss is a wiring mistake: refused.
fn endpoint(parts: &Parts) -> Result<&'static Endpoint, ApiError> {
    let template = parts
        .extensions
        .get::<MatchedPath>()
        .and_then(|matched| matched.as_str().strip_prefix(API_PREFIX));
    Method::read(parts.method.as_str())
        .zip(template)
        .and_then(|(method, template)| Endpoint::find(method, template))
        .ok_or_else(|| {
            tracing::error!(method = %parts.method, "a route outside the endpoint table");
            ApiError::not_found("No API endpoint at this path.")
        })
}
