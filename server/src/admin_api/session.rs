//! Who is calling the admin API: the admin whose session cookie the request carries.
//! Cross-site changes never get here: `security::refuse_cross_site` refuses them for every
//! cookie-authenticated path, the panel's server functions included.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tollgate::model::AdminView;

use crate::api::ApiError;
use crate::router::AppState;

/// A signed-in administrator. Absent or ended session → 401.
pub struct AdminSession(pub AdminView);

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret =
            app::server::session_secret(&parts.headers).ok_or_else(ApiError::unauthenticated)?;
        let admin = state
            .core
            .admins
            .session(&secret)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        Ok(AdminSession(admin))
    }
}
