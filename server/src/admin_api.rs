//! The admin JSON API (`/admin/api`): the token list and its export, create, read, edit,
//! regenerate, renew, suspend, resume and revoke, the token policy, and webhook endpoints, for
//! scripts and CI. Signed in like the panel (the admin session cookie), with the same
//! validation and the same core services; refuses cross-site changes.

mod export;
mod policy;
mod requests;
mod session;
mod tokens;
mod webhooks;

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

pub use policy::PolicyBody;
pub use session::AdminSession;

use crate::json_error::ApiError;
use crate::router::AppState;

/// Mounted at `/admin/api`. Nothing it answers may be cached: some responses carry a token
/// value, and the rest is admin data.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/export", get(export::export))
        .route(
            "/tokens/{id}",
            get(tokens::show)
                .patch(tokens::update)
                .delete(tokens::revoke),
        )
        .route("/tokens/{id}/regenerate", post(tokens::regenerate))
        .route("/tokens/{id}/suspend", post(tokens::suspend))
        .route("/tokens/{id}/resume", post(tokens::resume))
        .route("/tokens/{id}/end-grace", post(tokens::end_grace))
        .route("/tokens/{id}/renew", post(tokens::renew))
        .route("/policy", get(policy::show).put(policy::update))
        .route("/policy/preview", post(policy::preview))
        .route("/policy/bring-into-policy", post(policy::bring_into_policy))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route(
            "/webhooks/{id}",
            get(webhooks::show)
                .patch(webhooks::update)
                .delete(webhooks::delete),
        )
        .route("/webhooks/{id}/test", post(webhooks::send_test))
        .route(
            "/webhooks/{id}/rotate-secret",
            post(webhooks::rotate_secret),
        )
        .route("/webhooks/{id}/deliveries", get(webhooks::deliveries))
        .route(
            "/webhooks/deliveries/{id}/redeliver",
            post(webhooks::redeliver),
        )
        .fallback(|| async { ApiError::not_found("No admin API endpoint at this path.") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}
