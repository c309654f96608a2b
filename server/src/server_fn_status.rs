//! A refused server function's HTTP answer: the status and `Retry-After` of its error, set
//! in one place from the error itself, whatever the function body did.

use app::error::AppError;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::RETRY_AFTER;
use axum::middleware::Next;
use axum::response::Response;
use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};

/// An error body is one serialized [`AppError`]; anything near this size is not one.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Middleware for the router: a server function's error answer (Leptos marks it with the
/// `serverfnerror` header and answers 500 unless told otherwise) gets the status of the
/// error it carries, and its `Retry-After`. So no call site can lose them: an error that
/// skipped [`Rpc::reject`](app::server::Rpc::reject), or one Leptos made itself (arguments that
/// could not be read), answers as the error says. A redirect (a form posted without
/// JavaScript, sent back to its page) is left a redirect.
pub async fn status_from_error(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
        || response.status().is_redirection()
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, ERROR_BODY_LIMIT).await else {
        // Not an error body after all (too large, or it broke off): nothing to read.
        return Response::from_parts(parts, Body::empty());
    };
    let error = AppError::de(bytes.clone());
    parts.status = error.status();
    if let Some(seconds) = error.retry_after() {
        parts
            .headers
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::http::{Request, StatusCode};
    use axum::routing::post;
    use tower::ServiceExt;

    use super::*;

    /// Answers as Leptos answers a refused server function nobody gave a status.
    async fn refused_without_status(error: AppError) -> Response {
        Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .header(SERVER_FN_ERROR_HEADER, "/rpc/test")
            .body(Body::from(error.ser()))
            .unwrap()
    }

    async fn call(error: AppError) -> Response {
        let app = Router::new()
            .route(
                "/rpc/test",
                post(move || refused_without_status(error.clone())),
            )
            .layer(axum::middleware::from_fn(status_from_error));
        let request = Request::post("/rpc/test").body(Body::empty()).unwrap();
        app.oneshot(request).await.unwrap()
    }

    #[tokio::test]
    async fn a_refusal_nobody_gave_a_status_answers_with_its_own_and_when_to_retry() {
        let busy = call(AppError::Busy {
            message: "busy".into(),
            retry_after: 3,
        })
        .await;
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[RETRY_AFTER], "3");

        let signed_out = call(AppError::Unauthenticated).await;
        assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED);
        assert!(!signed_out.headers().contains_key(RETRY_AFTER));
        let body = to_bytes(signed_out.into_body(), ERROR_BODY_LIMIT)
            .await
            .unwrap();
        assert_eq!(AppError::de(body), AppError::Unauthenticated, "body kept");
    }
}
