//! Every request body is read here first, up to [`MAX_BODY_BYTES`] (the router's
//! `DefaultBodyLimit`): a larger one is answered 413 `payload_too_large` in the API's error
//! shape on every route alike. Without it the JSON APIs answered 400 and the panel's
//! server functions 500 (`length limit exceeded`).

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::json_error::ApiError;

/// The largest request body any route reads (`DefaultBodyLimit` in the router); a larger
/// one is answered 413.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub async fn read_whole_body(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let limited = Request::from_parts(parts.clone(), body);
    match Bytes::from_request(limited, &()).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(rejection) => {
            ApiError::unreadable_body(rejection.status(), rejection.body_text()).into_response()
        }
    }
}
