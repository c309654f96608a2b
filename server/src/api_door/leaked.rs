use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tollgate::model::LeakReportRequest;
use tollgate::request_context::RequestContext;

use crate::answers::LeakReportReceived;
use crate::json_body::JsonBody;
use crate::json_error::ApiError;
use crate::router::AppState;

/// `POST /api/tokens/leaked`: no token, no session — holding a value is the authority to
/// have it revoked (`tollgate::tokens::leaks`). Always `202 {"received": N}`.
pub async fn report_leaked(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    JsonBody(report): JsonBody<LeakReportRequest>,
) -> Result<Response, ApiError> {
    let receipt = state
        .core
        .tokens
        .report_leaked(&report, &context.origin)
        .await?;
    let answer = LeakReportReceived {
        received: receipt.received,
    };
    Ok((StatusCode::ACCEPTED, axum::Json(answer)).into_response())
}
