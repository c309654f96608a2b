use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::ApiError;

/// The token a request presents in `Authorization: Bearer <token>`, or `None` when it has no
/// Authorization header. Any other scheme is refused here, with advice.
pub struct Bearer(pub Option<String>);

impl Bearer {
    pub fn presented(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Bearer(None));
        };
        let value = value.to_str().map_err(|_| ApiError::not_bearer())?;
        let (scheme, token) = value
            .trim()
            .split_once(' ')
            .ok_or_else(ApiError::not_bearer)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(ApiError::not_bearer());
        }
        Ok(Bearer(Some(token.trim().to_owned())))
    }
}
