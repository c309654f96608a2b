//! The API door: `/api/{resource}[/{id}]` over the demo content, and `/api/tokens/verify`.
//! Every handler authenticates first, then checks the one permission it needs.

mod bearer;
mod content;
mod error;
mod forward;
mod verify;

use axum::Router;
use axum::routing::get;

pub use bearer::Bearer;
pub use error::{ApiError, MAX_BODY_BYTES, UNAVAILABLE_RETRY_AFTER};
pub use forward::{ForwardAuthHeaders, forward_auth};

use crate::router::AppState;

/// Mounted at `/api`. Unknown paths answer a JSON 404, never the panel's HTML.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tokens/verify", get(verify::verify_token))
        .route("/{resource}", get(content::list).post(content::create))
        .route(
            "/{resource}/{id}",
            get(content::find_one)
                .put(content::replace)
                .delete(content::delete),
        )
        .fallback(|| async { ApiError::not_found("No API endpoint at this path.") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
}
