//! Every request body is read here first, up to [`MAX_BODY_BYTES`] (the router's
//! `DefaultBodyLimit`): a larger one is answered 413 `payload_too_large` in the API's error
//! shape on every route alike. Without it the JSON APIs answered 400 and the panel's
//! server functions 500 (`length limit exceeded`).

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api_door::ApiError;
#[cfg(doc)]
use crate::api_door::MAX_BODY_BYTES;

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
