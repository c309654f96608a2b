//! Who is calling the admin API: the admin whose session cookie the request carries.
//! Cross-site changes never get here: `security::refuse_cross_site` refuses them for every
//! cookie-authenticated path, the panel's server functions included.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tollgate::admins::actor::Actor;

use crate::json_error::ApiError;
use crate::request_context;
use crate::router::AppState;

/// A signed-in administrator, acting from this request. Absent or ended session → 401.
pub struct AdminSession(pub Actor);

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let request = request_context::of(parts);
        let secret = request
            .session
            .as_ref()
            .ok_or_else(ApiError::unauthenticated)?;
        let admin = state
            .core
            .admins
            .actor(secret, request.origin.clone())
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        Ok(AdminSession(admin))
    }
}
