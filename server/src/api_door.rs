//! The API door: `/api/{resource}[/{id}]` over the demo content, routed from the core's
//! endpoint table, `/api/tokens/verify`, and `/api/tokens/leaked` (no token needed). Handlers take the token already checked: by
//! [`Authorized`] (the table's permission) or [`Authenticated`] (any valid token).

mod authorized;
mod bearer;
mod content;
mod forward;
mod leaked;
mod rate_headers;
mod verify;

use axum::Router;
use axum::routing::{get, post};
use tollgate::endpoints::ENDPOINTS;

pub use authorized::Authorized;
pub use bearer::{Authenticated, Bearer};
pub use forward::{ForwardAuthHeaders, forward_auth};
pub use rate_headers::add_rate_headers;

use crate::json_error::ApiError;
use crate::router::AppState;

/// Mounted at `/api` (`tollgate::endpoints::API_PREFIX`). Unknown paths answer a JSON 404,
/// never the panel's HTML.
pub fn routes() -> Router<AppState> {
    ENDPOINTS
        .iter()
        .fold(Router::new(), |router, endpoint| {
            router.route(endpoint.template, content::route(endpoint))
        })
        .route("/tokens/verify", get(verify::verify_token))
        .route("/tokens/leaked", post(leaked::report_leaked))
        .fallback(|| async { ApiError::not_found("No API endpoint at this path.") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(axum::middleware::from_fn(add_rate_headers))
}
