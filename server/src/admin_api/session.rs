//! Who is calling the admin API: the admin whose session cookie the request carries.
//! Cross-site changes never get here: `security::refuse_cross_site` refuses them for every
//! cookie-authenticated path, the panel's server functions included.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tollgate::admins::actor::{Actor, RequestOrigin};

use crate::api_door::ApiError;
use crate::router::AppState;

/// A signed-in administrator, acting from this request. Absent or ended session → 401.
pub struct AdminSession(pub Actor);

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret =
            app::server::session_secret(parts, state.secure_cookies, &state.api.trusted_proxies)
                .ok_or_else(ApiError::unauthenticated)?;
        let user_agent = parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|value| value.to_str().ok());
        let ip = app::server::client_ip(parts, &state.api.trusted_proxies);
        let admin = state
            .core
            .admins
            .actor(&secret, RequestOrigin::new(ip, user_agent))
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        Ok(AdminSession(admin))
    }
}
