//! Who is calling the admin API: the admin whose session cookie the request carries, after
//! a same-origin check for anything that changes state.

use axum::extract::FromRequestParts;
use axum::http::header::{HOST, ORIGIN};
use axum::http::request::Parts;
use tollgate::model::AdminView;

use crate::api::ApiError;
use crate::router::AppState;

/// A signed-in administrator. Absent or ended session → 401; a cookie-authenticated
/// POST/PATCH/PUT/DELETE from another site → 403 `cross_site_request`.
pub struct AdminSession(pub AdminView);

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if !parts.method.is_safe() {
            refuse_cross_site(parts)?;
        }
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

/// The cookie is `SameSite=Strict`, but a browser still sends it from a sibling subdomain
/// (same site, other origin), and older browsers ignore SameSite. So a change must also come
/// from our own origin: browsers say where a request comes from in `Sec-Fetch-Site`
/// (`none`: typed by the user) and `Origin`; scripts send neither and pass.
fn refuse_cross_site(parts: &Parts) -> Result<(), ApiError> {
    let header = |name| {
        parts
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap_or_default())
    };
    if let Some(site) = header("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return Err(ApiError::cross_site_request());
    }
    if let Some(origin) = header(ORIGIN.as_str()) {
        let host = header(HOST.as_str()).or_else(|| parts.uri.authority().map(|a| a.as_str()));
        let origin_host = origin.split_once("://").map(|(_, rest)| rest);
        let same = matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h));
        if !same {
            return Err(ApiError::cross_site_request());
        }
    }
    Ok(())
}
